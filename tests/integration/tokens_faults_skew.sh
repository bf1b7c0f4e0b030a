#!/bin/sh
#
# A live host whose clock is an hour off, simulated: its claim carries
# its own (wrong) times and is renewed by rewriting it, the file system
# stamping it.  It is left alone for two leases (checked once the daemon
# has seen it, two leases have passed and the daemon has gone round its
# loop once more); once it stops renewing, the job is taken over within
# the lease and a poll interval, and done.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/tokens_faults_lib.sh"

plan 3
need_tools
need_distencd
faults_clips 3

K=$T/skew
staged_job 3 "$K" zeta
id=$JOB_ID
skewed=$(($(date +%s) - 3600))
(
	while [ ! -f "$K/stop" ]; do
		printf 'distenc-claim 1\nnode faraway\nboot other-boot\nnonce 0f\npid 77\nstart %s\nlease %s\nattempt 1\nrenewed %010d\n' \
		    "$skewed" "$TLEASE" "$(date +%s)" >"$K/tok/$id.claim.new"
		mv "$K/tok/$id.claim.new" "$K/tok/$id.claim"
		sleep 1
	done
) &
renewer=$!
at_exit 'touch "$K/stop"; wait "$renewer" 2>/dev/null'
wait_until 10 test -f "$K/tok/$id.claim"
mv "$K/in/s3.mkv" "$K/spool/s3.mkv"
# Two leases from the moment the daemon saw the claim, then one more turn
# of its loop: it has had every chance to take the claim.
wait_until 30 grep -q "claimed by node faraway" "$K.log"
sleep $((TLEASE * 2))
status_rewritten 2 "$(node_status zeta)" 30
ok "a live claim from a host an hour behind is left alone (two leases)" \
    sh -c '! grep -q "started:" "$1" && grep -q "claimed by node faraway" "$1"' \
    _ "$K.log"
touch "$K/stop"
wait "$renewer"
t0=$(now)
wait_until 30 grep -q "taken over from node faraway" "$K.log"
took=$(elapsed "$t0")
wait_until 60 test -f "$K/tok/$id.done"
ok "once it stops renewing, its job is taken over and done" \
    test -f "$K/out/s3.mkv"
# From the last renewal (at most a second before t0), the lease and a
# poll interval, then the daemon's turn (3 s, which scale): an hour off,
# the host's own times would have it wait an hour.  The encode is not
# counted: on a busy machine it takes what it takes.
ok "...taken over within the lease and a poll interval (${took} s)" \
    awk -v t="$took" -v l="$TLEASE" -v p="$TPOLL" -v e="$(scaled 3)" \
    'BEGIN { exit !(t <= l + p + e) }'
stop_daemon
