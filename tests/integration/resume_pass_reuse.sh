#!/bin/sh
#
# pass_reuse with keep_pass1: pass 1 (x265's fast first pass) writes its
# analysis file beside its stats in stats_dir, and keep_pass1 keeps it with
# the stats; a job cut off in pass 2 (daemon and worker killed) resumes at
# pass 2 with the kept analysis, its output is whole, and what pass 1 kept
# and what the resumed run wrote in stats_dir are removed once published.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 8
need_tools
need_distencd

. "$top_srcdir/tests/pass1_lib.sh"
pass1_setup
sed -i 's/preset = "medium";/preset = "medium"; pass_reuse = "both"; fast_firstpass = true;/' \
    "$CONF"
frames=$(frame_count "$T/clips/big.mkv")
pass1_crash
id=$PASS1_ID
is "$PASS1_KEPT:$(test -s "$T/work/$id/pass1.x265-stats.analysis" && echo analysis)" \
    yes:analysis "pass 1's analysis is kept in the job's work directory"
ok "the killed worker's analysis lies beside its stats in stats_dir" \
    sh -c 'for f in "$1"/*.x265-stats; do test -s "$f.analysis" || exit 1; done' \
    _ "$T/stats"
start_daemon "$CONF"
job_wait_state 300 a.mkv done
ok "the job is done after the restart" job_state_in a.mkv done
JLOG=$DLOGS/$id.log
grep_ok "$JLOG" "pass 1: resumed from $T/work/$id \\($frames frames\\)" \
    "its log says it resumed at pass 2"
grep_ok "$JLOG" "pass 1's analysis for pass 2: $T/stats/.*\\.x265-stats\\.analysis" \
    "pass 2 reads the analysis from stats_dir"
is "$(frame_count "$DOUT/a.mkv")" "$frames" "the output has every frame"
ok "what pass 1 kept is removed once published" \
    test ! -e "$T/work/$id/pass1.x265-stats.analysis"
w2=$(sed -n 's/.*started: attempt 2, .* worker \([0-9]*\)$/\1/p' "$JLOG")
ok "the resumed run leaves no stats or analysis file" \
    sh -c '[ -n "$1" ] && [ "$2" = 0 ]' _ "$w2" \
    "$(temp_files_in "$T/stats" "$DOUT" | grep -c "\.$w2\.")"
stop_daemon
