#!/bin/sh
#
# deinterlace_fields = true: an interlaced 25 fps source becomes a frame
# per field, 50 fps and twice as many frames, verified at that rate.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 3
need_tools
need_distenc

src=$T/in/interlaced.mkv
out=$T/out
dst=$out/interlaced.mkv
mkdir -p "$T/in"
corpus_interlaced "$T/in" 2>"$T/ffmpeg.err"

write_conf "$T/fields.conf" ultrafast 300 'deinterlace_fields = true;'
run_distenc -c "$T/fields.conf" -i "$src" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
is "$(probe_stream "$dst" v:0 r_frame_rate)/$(frame_count "$dst")" \
    50/1/100 "50 fps, 100 frames: a frame per field"
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'deinterlaced \(bwdif\) to 50\.000 fps' \
    "the log says bwdif gives 50 fps"
