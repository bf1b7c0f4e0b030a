#!/bin/sh
#
# The size guard of a chunked profile, checked after the join: x265 in
# chunks at CRF 20 on a 40 kbps source comes out larger than 0.9 of it,
# so the job is skipped with both sizes, nothing is published and the
# work directory (plan and chunks) is emptied.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 5
need_tools
need_distenc
need_encoder libx264

lib_clip libx264 40 "$T/in/low.mkv" 320x180 3
C=$T/chunked.conf
cat >"$C" <<EOF
stats_dir = "$T/stats";
work_dir = "$T/work";
profiles = { hc = { inherit = "hevc-chunked"; preset = "ultrafast";
	min_chunk_length = 25; when_larger = "skip"; }; };
default_profile = "hc";
EOF
run_distenc -c "$C" -o "$T/out" "$T/in/low.mkv"
is "$DE_RC" 0 "a chunked job the guard skips is no failure"
grep_ok "$DE_ERR" 'joined [0-9]+ chunks' "the chunks were encoded and joined"
grep_ok "$DE_OUT" '^skipped: .*low\.mkv: size guard: video [0-9]+ bytes would be more than 0\.9 of the source.s [0-9]+ bytes$' \
    "then the guard skipped it, with both sizes"
is "$(find "$T/out" -type f 2>/dev/null | wc -l | tr -d ' ')" 0 "nothing is published"
is "$(find "$T/work" -type f 2>/dev/null | wc -l | tr -d ' ')" 0 \
    "the work directory is emptied"
