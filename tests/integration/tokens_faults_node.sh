#!/bin/sh
#
# Two daemons with one node name on one token directory: the second says
# the name is in use by another live distencd, and the first carries on
# undisturbed.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/tokens_faults_lib.sh"

plan 2
need_tools
need_distencd

D=$T/dup
node_conf "$D-1.conf" "same" "$D/spool" "$D/tok" "$D/out"
start_daemon "$D-1.conf" "$D-1.log"
first=$DPID
wait_until 10 test -f "$D/tok/.node.same"
sed "s|$T/node-same|$T/node-same2|" "$D-1.conf" >"$D-2.conf"
mkdir -p "$T/node-same2/status" "$T/node-same2/logs" "$T/node-same2/stats"
start_daemon "$D-2.conf" "$D-2.log"
wait_until 10 grep -q "in use by another live" "$D-2.log"
grep_ok "$D-2.log" "node name same is in use by another live distencd" \
    "a second daemon with the same node name reports it"
# The first daemon has gone round its loop since: it noticed nothing.
status_rewritten 2 "$(node_status same)" 30
ok "the first daemon carries on, undisturbed" \
    sh -c 'kill -0 "$1" && ! grep -q "in use" "$2"' _ "$first" "$D-1.log"
stop_daemon
stop_daemon "$first"
