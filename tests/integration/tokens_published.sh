#!/bin/sh
#
# A host that published a job's output and stopped before marking it
# done: the host that takes the job over finds the output, which was not
# there when it queued the job, and marks the job done as published by
# the other node, encoding nothing again (it used to fail the job with
# "output exists").  The order is arranged with SIGSTOP: alpha's worker is
# held until beta has seen the job claimed by alpha; then beta and
# alpha's daemon are stopped, the worker let go to publish, alpha killed
# and beta let go.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 5
need_tools
need_distencd

TLEASE=4
published_start
node_conf "$P-b.conf" beta "$P/spool" "$P/tok" "$P/out"
start_daemon "$P-b.conf" "$P-beta.log"
bpid=$DPID
wait_until 30 grep -q 'a.mkv: claimed by node alpha' "$P-beta.log" ||
    diag "beta did not see alpha's claim after $(scaled 30) s"

# alpha's worker publishes; alpha's daemon never marks the job done
published_killed "$bpid"
kill -CONT "$bpid"

published_done beta "$P-beta.log" "node alpha" "taken over by beta"
