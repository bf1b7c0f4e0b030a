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

interlace_chunked_check ""
grep_ok "$T/all.txt" 'deinterlaced \(bwdif\) to 25\.000 fps' \
    "the log says so"
