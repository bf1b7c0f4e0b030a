#!/bin/sh
#
# A daemon killed with SIGKILL and started again takes back its own
# orphaned claim at once: the file is one it knew, unchanged (its claim
# names the file's job id), so it does not wait settle_time for it, nor
# the lease.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

SETTLE=10
plan 4
need_tools
need_distencd

TLEASE=60
TPOLL=1
write_conf "$T/medium.conf" medium 300
TESTCONF=$T/medium.conf
mkdir -p "$T/tmp"
tiny "$T/src/s1.mkv" 3 320x180

R=$T/restart
node_conf "$R.conf" "alpha" "$R/spool" "$R/tok" "$R/out"
sed -i "s/^settle_time = .*/settle_time = $SETTLE;/" "$R.conf"
start_daemon "$R.conf" "$R-1.log"
cp "$T/src/s1.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$R/spool/s1.mkv"
claim=$R/tok/$(job_id s1.mkv "$R/spool/s1.mkv").claim
wait_until $((SETTLE + 20)) test -f "$claim"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
ok "killed holding the claim" grep -q "^node alpha\$" "$claim"

t0=$(now)
start_daemon "$R.conf" "$R-2.log"
wait_until $((SETTLE - 3)) grep -q "took over the claim of alpha" "$R-2.log"
took=$(elapsed "$t0")
diag "the claim taken back ${took} s after the restart (settle_time $SETTLE s, lease $TLEASE s)"
grep_ok "$R-2.log" "took over the claim of alpha .*its process [0-9]* is gone" \
    "restarted: the orphaned claim is taken back, saying why"
ok "taken back before settle_time ($SETTLE s) has passed" \
    awk -v t="$took" -v s="$SETTLE" 'BEGIN { exit !(t < s - 3) }'
wait_until 60 test -f "$R/out/s1.mkv"
stop_daemon
ok "the file is encoded once, verified" outputs_verified "$R/out" 1 75
