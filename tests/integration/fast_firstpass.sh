#!/bin/sh
#
# fast_firstpass: with it, x265's pass 1 runs its fast first pass (one
# merge candidate, diamond search, rate-distortion level 2) and pass 2 the
# preset's full search (slow: star search, rd=4); set to false, pass 1
# searches like pass 2.  Read from x265's own settings
# lines (distenc -v -v), on a 1 s clip at the slow preset.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distenc

clip letterbox "$T/clips/a.mkv" 1
# me_lines FILE: x265's "ME / range / subpel / merge" values, one a pass.
me_lines() {
	sed -n 's/.*ME \/ range \/ subpel \/ merge *: *//p' "$1" | tr -s ' '
}
write_conf "$T/fast.conf" slow 300 "fast_firstpass = true;"
run_distenc -v -v -c "$T/fast.conf" -o "$T/out-fast" -s "$T/stats" \
    -i "$T/clips/a.mkv"
is "$DE_RC" 0 "fast_firstpass: distenc exits 0"
is "$(me_lines "$DE_ERR" | tr '\n' ',')" "dia / 57 / 2 / 1,star / 57 / 3 / 3," \
    "fast_firstpass: pass 1 searches fast, pass 2 as the preset says"
grep_ok "$DE_ERR" "tools: .*rd=2 .*" "fast_firstpass: pass 1 at rd=2"
write_conf "$T/slow.conf" slow 300 "fast_firstpass = false;"
run_distenc -v -v -c "$T/slow.conf" -o "$T/out-slow" -s "$T/stats" \
    -i "$T/clips/a.mkv"
is "$DE_RC" 0 "false: distenc exits 0"
is "$(me_lines "$DE_ERR" | tr '\n' ',')" "star / 57 / 3 / 3,star / 57 / 3 / 3," \
    "false: both passes search as the preset says"
