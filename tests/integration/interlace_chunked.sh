#!/bin/sh
#
# A chunked profile deinterlaces too (a frame per frame, so each chunk
# keeps its frame count): the interlaced source's output is far closer to
# FFmpeg's own bwdif of the source than to the combed source itself.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
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

ffmpeg -nostdin -v error -y -i "$src" \
    -vf bwdif=mode=send_frame:parity=auto:deint=all -c:v ffv1 \
    "$T/ref.mkv" 2>>"$T/ffmpeg.err"
psnr() {
	ffmpeg -nostdin -i "$dst" -i "$1" -lavfi psnr -f null - 2>&1 |
	    sed -n 's/.*PSNR.*average:\([0-9.inf]*\).*/\1/p'
}
good=$(psnr "$T/ref.mkv")
bad=$(psnr "$src")
diag "PSNR against bwdif of the source $good dB, against the source $bad dB"
ok "deinterlaced (PSNR $good dB against bwdif, $bad dB against the source)" \
    awk -v g="$good" -v b="$bad" 'BEGIN { exit !(g > b + 5) }'
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'deinterlaced \(bwdif\) to 25\.000 fps' \
    "the log says so"
