#!/bin/sh
#
# A whole film with SVT-AV1 (encoder = "svt", not chunked): AV1 in
# Matroska with every frame of the source over its duration, 8-bit from an
# 8-bit source and 10-bit when bit_depth asks for it, a key frame at the
# start and at most every ten seconds after it, the audio normalised as
# with x265, no stats left behind; with keep_pass1, no pass 1 kept
# (constant quality has no stats).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/svt_lib.sh"

plan 17
need_tools
need_distenc

# 11 s: a key frame at frame 0 and at 250 (ten seconds at 25 fps).
src=$T/in/film.mkv
clip letterbox "$src" 11
svt_conf "$T/svt.conf"
run_distenc -c "$T/svt.conf" -o "$T/out" "$src"
dst=$T/out/film.mkv
is "$DE_RC" 0 "8-bit: distenc exits 0"
ok "8-bit: the log names the encoder and its settings" \
    grep -q "video: svt preset 12, crf 14, film grain 0, 8-bit" "$DE_ERR"
is "$(ffprobe -v error -show_entries format=format_name -of csv=p=0 \
    -- "$dst" 2>/dev/null | tr -d '"')" "matroska,webm" \
    "8-bit: the output is Matroska"
is "$(probe_stream "$dst" v:0 codec_name)" av1 "8-bit: video is AV1"
is "$(probe_stream "$dst" v:0 pix_fmt)" yuv420p "8-bit: yuv420p"
is "$(frame_count "$dst")" "$(frame_count "$src")" \
    "8-bit: as many frames as the source"
near "$(video_duration "$dst")" "$(video_duration "$src")" \
    "$(frame_duration "$src")" "8-bit: video duration within one frame"
is "$(key_frames "$dst")" "0 250" \
    "8-bit: key frames at the start and ten seconds in"
is "$(probe_stream "$dst" a:0 codec_name)" opus "8-bit: audio is Opus"
near "$(loudness "$dst" 0)" "$TARGET_LUFS" "$LUFS_TOL" \
    "8-bit: audio normalised to $TARGET_LUFS LUFS"
ok "8-bit: stats directory left empty" tree_is_empty "$T/stats"

# keep_pass1: constant quality has no stats; its first read (the
# loudness) is neither kept nor resumed, and nothing is warned.
svt_conf "$T/ten.conf" "bit_depth = 10;"
echo "keep_pass1 = true;" >>"$T/ten.conf"
short=$T/in/short.mkv
clip letterbox "$short" 2
run_distenc -c "$T/ten.conf" -o "$T/out10" "$short"
dst=$T/out10/short.mkv
is "$DE_RC" 0 "10-bit: distenc exits 0"
is "$(probe_stream "$dst" v:0 codec_name)" av1 "10-bit: video is AV1"
is "$(probe_stream "$dst" v:0 pix_fmt)" yuv420p10le "10-bit: yuv420p10le"
is "$(frame_count "$dst")" "$(frame_count "$short")" \
    "10-bit: as many frames as the source"
ok "10-bit: no pass 1 kept with keep_pass1 (no stats), and no warning" \
    sh -c '! grep -q "pass 1: kept\|pass 1: resumed\|cannot keep" "$1"' \
    sh "$DE_ERR"
# The picture is the source's: a 10-bit encode of an 8-bit source is close.
psnr=$(ffmpeg -nostdin -hide_banner -i "$dst" -i "$short" \
    -lavfi "[0:v]format=yuv420p[a];[a][1:v]psnr" -f null - 2>&1 |
    sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p')
ok "10-bit: the source's picture (PSNR $psnr dB)" \
    awk -v p="$psnr" 'BEGIN { exit !(p == "inf" || p + 0 > 30) }'
