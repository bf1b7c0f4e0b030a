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
P=$T/pub
tiny "$T/src/a.mkv" 2 320x180
node_conf "$P-a.conf" alpha "$P/spool" "$P/tok" "$P/out"
node_conf "$P-b.conf" beta "$P/spool" "$P/tok" "$P/out"
start_daemon "$P-a.conf" "$P-alpha.log"
apid=$DPID
mkdir -p "$T/tmp"
cp "$T/src/a.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$P/spool/a.mkv"

# alpha's worker, stopped as soon as it is there
wait_until 30 sh -c '[ -n "$(pgrep -P "$1")" ]' _ "$apid" ||
    diag "no worker of alpha after $(scaled 30) s"
held=$(proc_descendants "$apid")
# shellcheck disable=SC2086
kill -STOP $held
diag "alpha's worker stopped:$held"

start_daemon "$P-b.conf" "$P-beta.log"
bpid=$DPID
wait_until 30 grep -q 'a.mkv: claimed by node alpha' "$P-beta.log" ||
    diag "beta did not see alpha's claim after $(scaled 30) s"

# alpha's worker publishes; alpha's daemon never marks the job done
kill -STOP "$bpid" "$apid"
# shellcheck disable=SC2086
kill -CONT $held
wait_until 60 test -f "$P/out/a.mkv" ||
    diag "no output from alpha's worker after $(scaled 60) s"
kill -KILL "$apid"
wait "$apid" 2>/dev/null
kill -CONT "$bpid"

wait_until 60 sh -c 'ls "$1"/*.done >/dev/null 2>&1 ||
    ls "$1"/*.failed >/dev/null 2>&1' _ "$P/tok" ||
    diag "no marker after $(scaled 60) s"
is "$(count_files "$P/tok" .done)/$(count_files "$P/tok" .failed)" 1/0 \
    "beta marks the job done, not failed"
ok "beta's log says alpha published it" \
    grep -q 'a.mkv: done: .*published by node alpha, which stopped before marking it done' \
    "$P-beta.log"
is "$(encodes_of a.mkv "$P-beta.log")" 0 "beta encoded nothing"
ok "the output is alpha's, whole and verified" outputs_verified "$P/out" 1 50
wait_until 15 sh -c '[ "$(json_get "$1" counts.done)" = 1 ]' _ "$(node_status beta)"
is "$(json_get "$(node_status beta)" counts.done)" 1 "beta's status counts it done"
