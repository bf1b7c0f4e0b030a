#!/bin/sh
#
# keep_pass1: a two-pass job cut off in pass 2 (the daemon and its worker
# killed with SIGKILL, as in a crash) finds its pass 1 kept in its work
# directory (stats and the fingerprint of the source and settings) when
# the daemon starts again, goes straight to pass 2,
# and its log says it resumed and how much time that saved; the output is
# whole, and once it is published what pass 1 kept is removed, and the
# resumed run leaves no stats file or temporary output of its own.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 8
need_tools
need_distencd

. "$top_srcdir/tests/pass1_lib.sh"
pass1_setup
frames=$(frame_count "$T/clips/big.mkv")
pass1_crash
id=$PASS1_ID
is "$PASS1_KEPT:$(grep -c '^fingerprint [0-9a-f]\{16\}$' "$T/work/$id/pass1.info"):$(test -s "$T/work/$id/pass1.x265-stats" && echo stats)" \
    yes:1:stats "pass 1 is kept in the job's work directory: stats and fingerprint"
start_daemon "$CONF"
job_wait_state 300 a.mkv done
ok "the job is done after the restart" job_state_in a.mkv done
JLOG=$DLOGS/$id.log
grep_ok "$JLOG" "pass 1: resumed from $T/work/$id \\($frames frames\\): [0-9.]+s saved" \
    "its log says it resumed at pass 2 and the time saved"
is "$(grep -Ec 'pass 1: [0-9]+ frames in' "$JLOG")" 1 "pass 1 ran once"
is "$(grep -Ec 'pass 2: [0-9]+ frames in' "$JLOG")" 1 "pass 2 finished once"
is "$(frame_count "$DOUT/a.mkv")" "$frames" "the output has every frame"
ok "what pass 1 kept is removed once published" test ! -e "$T/work/$id/pass1.info"
# (The killed worker's own files are not this feature's: a crash leaves them.)
w2=$(sed -n 's/.*started: attempt 2, .* worker \([0-9]*\)$/\1/p' "$JLOG")
ok "the resumed run leaves no stats or temporary output" \
    sh -c '[ -n "$1" ] && [ "$2" = 0 ]' _ "$w2" \
    "$(temp_files_in "$T/stats" "$DOUT" | grep -c "\.$w2\.")"
stop_daemon
