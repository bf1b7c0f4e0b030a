#!/bin/sh
#
# An interlaced source (25 fps, top field first, flagged so) is detected
# by idet on sampled frames and deinterlaced with bwdif, a frame per
# frame: the output is progressive, 25 fps, as many frames as the source,
# and the log gives the decision with idet's counts.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/interlace_lib.sh"
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

bwdif_psnr "$src" "$dst"
ok "deinterlaced (PSNR $BWDIF_DB dB against bwdif, $SRC_DB dB against the source)" \
    awk -v g="$BWDIF_DB" -v b="$SRC_DB" 'BEGIN { exit !(g > b + 5) }'
