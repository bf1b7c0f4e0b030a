#!/bin/sh
#
# A job skipped by a rule, as the operator sees it: the metrics count it
# among the jobs by state and in their own total, "distencctl status"
# counts it, "distencctl jobs skipped" lists it with its reason, and
# "distencctl retry" refuses it with why (a rule would skip it again);
# it stays skipped and is not started again.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 8
need_tools
need_distencd
need_encoder libx265
CTL=${top_builddir}/distencctl
SOCK=$T/control
PROM=$DSTATUS/distencd.prom

CONF=$T/d.conf
# metric LINE-START: the value of the first sample starting so.
metric() {
	awk -v k="$1" 'index($0, k " ") == 1 { print $NF; exit }' "$PROM"
}

skipped_daemon_start "$CONF"
is "$(job_get hevc.mkv state)" skipped "the HEVC file is skipped by the rule"

wait_until 20 sh -c '[ "$(awk -v k="$2" "index(\$0, k \" \") == 1 { print \$NF; exit }" "$1")" = 1 ]' \
    _ "$PROM" 'distenc_jobs{state="skipped"}'
is "$(metric 'distenc_jobs{state="skipped"}')" 1 \
    "the metrics count it among the jobs by state"
is "$(metric 'distenc_jobs_skipped_total')" 1 \
    "and in the total of jobs skipped"
"$CTL" -s "$DSTATUS" status >"$T/status.out" 2>&1
grep_ok "$T/status.out" '^jobs: .*, 1 skipped$' "distencctl status counts it"
"$CTL" -s "$DSTATUS" jobs skipped >"$T/jobs.out" 2>&1
grep_ok "$T/jobs.out" '^skipped .*hevc\.mkv: rule 1 \(hevc\): already HEVC$' \
    "distencctl jobs skipped lists it with its reason"

"$CTL" -c "$CONF" retry hevc.mkv >"$T/retry.out" 2>&1
is "$?" 1 "retry of the skipped job is refused"
grep_ok "$T/retry.out" 'skipped \(rule 1 \(hevc\): already HEVC\): a skipped job is not retried' \
    "with why: its reason, and that it is not retried"
is "$(job_get hevc.mkv state):$(grep -c 'skipped: rule 1' "$(job_get hevc.mkv log)")" \
    "skipped:1" "it stays skipped, decided once"
stop_daemon
