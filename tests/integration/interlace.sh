#!/bin/sh
#
# An interlaced source (25 fps, top field first, flagged so) is detected
# by idet on sampled frames and deinterlaced with bwdif, a frame per
# frame: the output is progressive, 25 fps, as many frames as the source,
# and the log gives the decision with idet's counts.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 7
need_tools
need_distenc

src=$T/in/interlaced.mkv
out=$T/out
dst=$out/interlaced.mkv
mkdir -p "$T/in"
corpus_interlaced "$T/in" 2>"$T/ffmpeg.err"
is "$(probe_stream "$src" v:0 field_order)" tb \
    "fixture: 25 fps, interlaced, top field first"

run_distenc -c "$TESTCONF" -i "$src" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
is "$(probe_stream "$dst" v:0 field_order)" progressive \
    "the output is progressive"
is "$(probe_stream "$dst" v:0 r_frame_rate)/$(frame_count "$dst")" \
    25/1/50 "25 fps, 50 frames: a frame per frame"
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'interlace: interlaced: combed frames, and the stream says interlaced \(idet: [0-9]+ tff' \
    "the log gives the decision with idet's counts"
grep_ok "$T/all.txt" 'deinterlaced \(bwdif\) to 25\.000 fps' \
    "the log says bwdif keeps 25 fps"

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
