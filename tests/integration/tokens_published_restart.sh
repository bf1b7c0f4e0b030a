#!/bin/sh
#
# A daemon that published a job's output and was killed before marking
# it done, started again: it takes its own claim back, finds the output
# its earlier run published (the job's status says it was running) and
# marks the job done, encoding nothing again (it used to fail the job
# with "output exists").  The moment is arranged with SIGSTOP: the
# daemon is stopped while its worker publishes, then killed.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 5
need_tools
need_distencd

P=$T/pub
tiny "$T/src/a.mkv" 2 320x180
node_conf "$P-a.conf" alpha "$P/spool" "$P/tok" "$P/out"
start_daemon "$P-a.conf" "$P-alpha.log"
apid=$DPID
mkdir -p "$T/tmp"
cp "$T/src/a.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$P/spool/a.mkv"

# the worker, stopped as soon as it is there, until the daemon is
wait_until 30 sh -c '[ -n "$(pgrep -P "$1")" ]' _ "$apid" ||
    diag "no worker after $(scaled 30) s"
held=$(proc_descendants "$apid")
# shellcheck disable=SC2086
kill -STOP $held
kill -STOP "$apid"
# shellcheck disable=SC2086
kill -CONT $held
wait_until 60 test -f "$P/out/a.mkv" ||
    diag "no output from the worker after $(scaled 60) s"
kill -KILL "$apid"
wait "$apid" 2>/dev/null
diag "claims left: $(count_files "$P/tok" .claim), markers: $(count_files "$P/tok" .done)"

start_daemon "$P-a.conf" "$P-alpha2.log"
wait_until 60 sh -c 'ls "$1"/*.done >/dev/null 2>&1 ||
    ls "$1"/*.failed >/dev/null 2>&1' _ "$P/tok" ||
    diag "no marker after $(scaled 60) s"
is "$(count_files "$P/tok" .done)/$(count_files "$P/tok" .failed)" 1/0 \
    "started again: the job is marked done, not failed"
ok "the log says the earlier run published it" \
    grep -q "a.mkv: done: .*published by this host's earlier run, which stopped before marking it done" \
    "$P-alpha2.log"
is "$(encodes_of a.mkv "$P-alpha2.log")" 0 "nothing encoded again"
ok "the output is whole and verified" outputs_verified "$P/out" 1 50
wait_until 15 sh -c '[ "$(json_get "$1" counts.done)" = 1 ]' _ "$(node_status alpha)"
is "$(json_get "$(node_status alpha)" counts.done)" 1 "the status counts it done"
