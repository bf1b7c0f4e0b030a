#!/bin/sh
#
# A job skipped by a rule, after the daemon is restarted: the new daemon
# remembers it from its status file with its reason, so "distencctl
# retry" refuses it with that reason, and it stays skipped.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 5
need_tools
need_distencd
need_encoder libx265
CTL=${top_builddir}/distencctl
SOCK=$T/control

CONF=$T/d.conf
skipped_daemon_start "$CONF"
is "$(job_get hevc.mkv state)" skipped "the HEVC file is skipped by the rule"
stop_daemon

start_daemon "$CONF"
ok "the daemon is restarted" wait_until 15 test -S "$SOCK"
ok "it remembers the job" wait_until 15 grep -q 'remembered 1 jobs' "$DLOG"
"$CTL" -c "$CONF" retry hevc.mkv >"$T/retry.out" 2>&1
rc=$?
diag_file "$T/retry.out" "distencctl retry" 5
is "$rc" 1 "retry of the remembered skipped job is refused"
grep_ok "$T/retry.out" 'skipped \(rule 1 \(hevc\): already HEVC\): a skipped job is not retried' \
    "with its reason, from its status file"
stop_daemon
