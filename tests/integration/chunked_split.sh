#!/bin/sh
#
# A chunk whose estimated cost is more than its share of the work is split
# inside its scene: a clip of a flat grey second and two seconds of noisy
# test pattern, encoded by two encoders, has the costly scene split in two
# (the log says where); the joined output has every frame of the source at
# its timestamp, and a keyframe where each chunk starts, the split one too.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 8
need_tools
need_distenc

SRC=$T/in/split.mkv
mkdir -p "$T/in"
ffmpeg -nostdin -v error -f lavfi -i color=c=gray:s=320x180:r=25:d=1 \
    -f lavfi -i "testsrc2=s=320x180:r=25:d=2,noise=alls=40:allf=t" \
    -filter_complex '[0][1]concat=n=2:v=1:a=0,format=yuv420p[v]' \
    -map '[v]' -c:v libx264 -preset veryfast -crf 20 "$SRC" ||
    { bail_rest "cannot make the clip"; exit 0; }

cat >"$T/split.conf" <<EOC
profiles = { av1t = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16;
  threads = 1; min_chunk_length = 16; crop = "off"; }; };
default_profile = "av1t";
jobs = 2;
work_dir = "$T/work";
EOC
run_distenc -c "$T/split.conf" -o "$T/out" "$SRC"
DST=$T/out/split.mkv
is "$DE_RC" 0 "exits 0"
at=$(de_all | sed -n 's/.*chunk [0-9]* split from the one before at frame \([0-9]*\).*/\1/p' |
    head -n 1)
ok "the costly scene is split (at frame ${at:-none})" \
    awk -v f="$at" 'BEGIN { exit !(f > 25 + 15 && f < 75 - 15) }'
ok "three chunks to encode" grep -qF "chunks: 3 to encode" "$DE_ERR" "$DE_OUT"
is "$(frame_count "$DST")" 75 "as many frames as the source (75)"

frame_pts "$SRC" >"$T/src.pts"
frame_pts "$DST" >"$T/dst.pts"
ok "every frame at the source frame's timestamp" \
    cmp -s "$T/src.pts" "$T/dst.pts"
# keyframes: the numbers of the frames whose packets are key
ffprobe -v error -select_streams v:0 -show_entries packet=flags -of csv=p=0 \
    "$DST" | awk '/K/ { print NR - 1 }' >"$T/keys"
ok "a keyframe at the scene change (frame 25)" grep -qx 25 "$T/keys"
ok "a keyframe at the split (frame ${at:-none})" grep -qx "${at:-none}" \
    "$T/keys"
minpsnr=$(min_psnr "$DST" "$SRC")
ok "every frame shows the source's picture (lowest PSNR $minpsnr dB)" \
    awk -v p="$minpsnr" 'BEGIN { exit !(p != "" && p > 20) }'
