#!/bin/sh
#
# A chunked profile asked for a frame per field (deinterlace_fields) still
# deinterlaces, a frame per frame, so that each chunk keeps its frame
# count, and says so: the output is far closer to FFmpeg's own bwdif of
# the source than to the combed source.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/interlace_lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 4
need_tools
need_distenc

interlace_chunked_check "deinterlace_fields = true;"
grep_ok "$T/all.txt" 'deinterlace_fields: a frame per frame, not per field' \
    "the log says why not per field"
