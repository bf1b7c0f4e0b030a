#!/bin/sh
#
# A chunked profile deinterlaces too (a frame per frame, so each chunk
# keeps its frame count): the interlaced source's output is far closer to
# FFmpeg's own bwdif of the source than to the combed source itself.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/interlace_lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 4
need_tools
need_distenc

src=$T/in/interlaced.mkv
dst=$T/out/interlaced.mkv
mkdir -p "$T/in"
corpus_interlaced "$T/in" 2>"$T/ffmpeg.err"

write_conf "$T/chunked.conf" ultrafast 1000 'inherit = "hevc-chunked";
    min_chunk_length = 16;'
echo "work_dir = \"$T/work\";" >>"$T/chunked.conf"
run_distenc -c "$T/chunked.conf" -i "$src" -o "$T/out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
is "$(probe_stream "$dst" v:0 r_frame_rate)/$(frame_count "$dst")" \
    25/1/50 "25 fps, 50 frames: a frame per frame"

bwdif_psnr "$src" "$dst"
ok "deinterlaced (PSNR $BWDIF_DB dB against bwdif, $SRC_DB dB against the source)" \
    awk -v g="$BWDIF_DB" -v b="$SRC_DB" 'BEGIN { exit !(g > b + 5) }'
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'deinterlaced \(bwdif\) to 25\.000 fps' \
    "the log says so"
