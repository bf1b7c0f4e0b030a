#!/bin/sh
#
# A film in chunks with SVT-AV1 (the built-in av1-svt profile and
# av1-svt-fast): the chunks, encoded two at once, are joined into one AV1
# stream with every frame of the source at its place, a key frame at the
# first frame of every chunk and nowhere else, and nothing left in the
# work directory.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/svt_lib.sh"

plan 11
need_tools
need_distenc

src=$T/in/scenes.mkv
clip scenes "$src"
svt_conf "$T/svt.conf"
run_distenc -c "$T/svt.conf" -p svtc -o "$T/out" "$src"
dst=$T/out/scenes.mkv
is "$DE_RC" 0 "av1-svt: distenc exits 0"
is "$(probe_stream "$dst" v:0 codec_name)" av1 "av1-svt: video is AV1"
starts=$(chunk_starts)
diag "chunks start at frames: $starts"
ok "av1-svt: more than one chunk, encoded two at once" \
    grep -q "chunks: [0-9]* to encode, 2 at once" "$DE_ERR"
ok "av1-svt: the chunks are joined" grep -q "joined [0-9]* chunks" "$DE_ERR"
is "$(frame_count "$dst")" "$MKCLIP_SCENE_FRAMES" \
    "av1-svt: as many frames as the source ($MKCLIP_SCENE_FRAMES)"
near "$(video_duration "$dst")" "$(video_duration "$src")" \
    "$(frame_duration "$src")" "av1-svt: video duration within one frame"
is "$(key_frames "$dst")" "$starts" \
    "av1-svt: key frames at every chunk's first frame and nowhere else"
# A frame from the wrong side of a chunk's edge would be another picture:
# the worst frame's PSNR against the source stays high.
minpsnr=$(min_psnr "$dst" "$src")
ok "av1-svt: every frame shows the source's picture (lowest PSNR $minpsnr dB)" \
    awk -v p="$minpsnr" 'BEGIN { exit !(p != "" && p > 25) }'
ok "av1-svt: the work directory is empty after publication" \
    tree_is_empty "$T/work"

cat >"$T/fast.conf" <<EOC
profiles = { f = { inherit = "av1-svt-fast"; threads = 1; crop = "off";
  min_chunk_length = 16; }; };
default_profile = "f";
work_dir = "$T/work";
EOC
run_distenc -c "$T/fast.conf" -o "$T/outf" "$src"
is "$DE_RC:$(frame_count "$T/outf/scenes.mkv")" "0:$MKCLIP_SCENE_FRAMES" \
    "av1-svt-fast: exits 0, as many frames as the source"
ok "av1-svt-fast: SVT-AV1 at preset 10" \
    grep -q "video: svt preset 10, crf 14" "$DE_ERR"
