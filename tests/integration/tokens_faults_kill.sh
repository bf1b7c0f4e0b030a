#!/bin/sh
#
# Daemons sharing a token directory, one killed with SIGKILL at a random
# moment, in rounds: every input still ends with one verified output, no
# partial file, no claim, stats file or orphan worker left, and the work
# is taken over within the lease and a poll interval.  The moments come
# from a seed printed as a diagnostic (DISTENC_TEST_SEED replays them).
#
# CHAOS_ROUNDS (default 3) sets the number of kill rounds.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/tokens_faults_lib.sh"

ROUNDS=${CHAOS_ROUNDS:-3}
plan $((ROUNDS * 2 + 1))
need_tools
need_distencd
test_seed
faults_clips $(seq 1 $N)

worst=0
for r in $(seq 1 $ROUNDS); do
	R=$T/round$r
	# Each round its own nodes (status directories remember jobs).
	node_conf "$R-a.conf" "alpha" "$R/spool" "$R/tok" "$R/out"
	# Beta has a slot for every input, so one is free for the takeover.
	TJOBS=$N node_conf "$R-b.conf" "beta$r" "$R/spool" "$R/tok" "$R/out"
	rm -rf "$T/node-alpha/status/"*.json "$T/node-alpha/stats/"*
	start_daemon "$R-a.conf" "$R-alpha.log"
	apid=$DPID
	start_daemon "$R-b.conf" "$R-beta.log"
	bpid=$DPID
	drop_all "$R/spool"
	wait_until 20 sh -c 'ls "$1"/*.claim >/dev/null 2>&1' _ "$R/tok"
	pause="0.$(rnd 9 "$r")$(rnd 9 "$((r + 7))")"
	diag "round $r: alpha killed $pause s after the first claim"
	sleep "$pause"
	held=$(claims_of alpha "$R/tok")
	kill -KILL "$apid"
	t0=$(now)
	wait "$apid" 2>/dev/null
	diag "round $r: alpha killed holding $held claim(s)"
	restart=$((r % 2))
	if [ "$restart" = 1 ]; then
		pause="0.$(rnd 9 "$((r + 13))")"
		diag "round $r: alpha started again $pause s after the kill"
		sleep "$pause"
		start_daemon "$R-a.conf" "$R-alpha2.log"
		apid=$DPID
	else
		# Beta takes alpha's claims over once their lease has run out.
		wait_until 30 sh -c '[ "$(grep -l "^node alpha\$" "$1"/*.claim 2>/dev/null | wc -l)" = 0 ]' \
		    _ "$R/tok"
		took=$(elapsed "$t0")
		diag "round $r: alpha's claims gone ${took} s after the kill"
		[ "$held" -gt 0 ] &&
		    worst=$(awk -v a="$worst" -v b="$took" 'BEGIN { print (b > a) ? b : a }')
	fi
	wait_until 90 sh -c '[ "$(find "$1" -maxdepth 1 -name "*.done" | wc -l)" -ge "$2" ]' \
	    _ "$R/tok" "$N" || diag "round $r: not every input done after $(scaled 90) s"
	is "$(count_files "$R/tok" .done)" "$N" "round $r: a done marker for every input"
	[ "$restart" = 1 ] && stop_daemon "$apid"
	stop_daemon "$bpid"
	left="$(ls "$R/tok"/*.claim 2>/dev/null)$(ls -A "$T/node-alpha/stats" "$T/node-beta$r/stats" | grep -v ':$' | grep .)"
	orphans=$(pgrep -f "distenc --worker.*$R" | wc -l | tr -d ' ')
	is "${left:-nothing}/$orphans/$(outputs_verified "$R/out" "$N" 50 && echo ok)" \
	    "nothing/0/ok" "round $r: outputs verified, no claim, stats file or orphan worker left"
done
# The slack is for a slow machine: it scales.
slack=$(scaled 2)
ok "a killed daemon's work is taken over within lease + poll + $slack s (worst ${worst} s)" \
    awk -v w="$worst" -v l="$TLEASE" -v p="$TPOLL" -v s="$slack" \
    'BEGIN { exit !(w <= l + p + s) }'
