#!/bin/sh
#
# Faults of work shared through a token directory: daemons killed with
# SIGKILL at random moments (every input still ends with one verified
# output, no partial file, no claim left, the work taken over within the
# lease and a poll interval); the token directory unmounted (nothing is
# done until it is back) or read-only; a corrupt claim; a live host whose
# clock is an hour off, simulated and real (a daemon under libfaketime);
# two daemons with one node name.
#
# CHAOS_ROUNDS (default 3) sets the number of kill rounds.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

ROUNDS=${CHAOS_ROUNDS:-3}
plan $((ROUNDS * 2 + 1 + 5 + 3 + 3 + 3 + 3 + 2))
need_tools
need_distencd

TLEASE=4
TPOLL=1
N=4
write_conf "$T/medium.conf" medium 300
TESTCONF=$T/medium.conf
for i in $(seq 1 $N); do
	tiny "$T/src/s$i.mkv" 2
done

# drop DIR: the N clips into a spool, each renamed into place.
drop() {
	mkdir -p "$1" "$T/tmp"
	for _d in $(seq 1 $N); do
		cp "$T/src/s$_d.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$1/s$_d.mkv"
	done
}

# claims_of NODE DIR: claims in DIR held by NODE.
claims_of() {
	grep -l "^node $1\$" "$2"/*.claim 2>/dev/null | wc -l | tr -d ' '
}

# Random 0..N-1 (awk's, seeded by the clock and the round).
rnd() {
	awk -v n="$1" -v s="$2" 'BEGIN { srand(s + systime()); print int(rand() * n) }'
}

# --- kill -9 rounds -------------------------------------------------------

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
	drop "$R/spool"
	wait_until 20 sh -c 'ls "$1"/*.claim >/dev/null 2>&1' _ "$R/tok"
	sleep "0.$(rnd 9 "$r")$(rnd 9 "$((r + 7))")"
	held=$(claims_of alpha "$R/tok")
	kill -KILL "$apid"
	t0=$(now)
	wait "$apid" 2>/dev/null
	diag "round $r: alpha killed holding $held claim(s)"
	restart=$((r % 2))
	if [ "$restart" = 1 ]; then
		sleep "0.$(rnd 9 "$r")"
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
	    _ "$R/tok" "$N" || diag "round $r: not every input done after 90 s"
	is "$(count_files "$R/tok" .done)" "$N" "round $r: a done marker for every input"
	[ "$restart" = 1 ] && stop_daemon "$apid"
	stop_daemon "$bpid"
	left="$(ls "$R/tok"/*.claim 2>/dev/null)$(ls -A "$T/node-alpha/stats" "$T/node-beta$r/stats" | grep -v ':$' | grep .)"
	orphans=$(pgrep -f "distenc --worker.*$R" | wc -l | tr -d ' ')
	is "${left:-nothing}/$orphans/$(outputs_verified "$R/out" "$N" 50 && echo ok)" \
	    "nothing/0/ok" "round $r: outputs verified, no claim, stats file or orphan worker left"
done
ok "a killed daemon's work is taken over within lease + poll + 2 s (worst ${worst} s)" \
    awk -v w="$worst" -v l="$TLEASE" -v p="$TPOLL" 'BEGIN { exit !(w <= l + p + 2) }'

# --- the token directory unmounted ----------------------------------------

U=$T/unmount
mkdir -p "$U/share" "$U/tok"
if mount --bind "$U/share" "$U/tok" 2>"$T/mount.err"; then
	printf '%s\n' "$U/tok" >>"$T/.mounts"
	node_conf "$U.conf" "gamma" "$U/spool" "$U/tok" "$U/out"
	start_daemon "$U.conf" "$U-1.log"
	wait_until 10 test -f "$U/tok/.distenc-tokens"
	stop_daemon
	umount "$U/tok"
	start_daemon "$U.conf" "$U-2.log"
	wait_until 10 grep -q "is the share mounted" "$U-2.log"
	grep_ok "$U-2.log" "marker .distenc-tokens is missing.*is the share mounted" \
	    "token directory unmounted: the daemon says so"
	cp "$T/src/s1.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$U/spool/s1.mkv"
	sleep 4
	ok "token directory unmounted: nothing is encoded" \
	    sh -c '! grep -q "started:" "$1" && [ ! -e "$2/s1.mkv" ]' _ "$U-2.log" "$U/out"
	ok "token directory unmounted: no marker made on the empty mount point" \
	    test ! -e "$U/tok/.distenc-tokens"
	case $(json_get "$(node_status gamma)" tokens) in
	(*"is the share mounted"*) pass "token directory unmounted: the daemon status says why";;
	(*) fail "token directory unmounted: the daemon status says why";;
	esac
	mount --bind "$U/share" "$U/tok"
	wait_until 120 test -f "$U/out/s1.mkv"
	ok "mounted again: the job is then done" \
	    test -f "$U/tok/$(job_id s1.mkv "$U/spool/s1.mkv").done"
	stop_daemon
else
	diag "cannot bind-mount: $(cat "$T/mount.err")"
	for d in "says so" "nothing is encoded" "no marker" "status says why" \
	    "mounted again"; do
		skip "token directory unmounted: $d" "bind mounts need root"
	done
fi

# --- a read-only token directory ------------------------------------------

O=$T/ro
mkdir -p "$O/tok"
if mount --bind "$O/tok" "$O/tok" 2>/dev/null &&
    printf '%s\n' "$O/tok" >>"$T/.mounts" &&
    mount -o remount,bind,ro "$O/tok" 2>"$T/mount.err"; then
	node_conf "$O.conf" "delta" "$O/spool" "$O/tok" "$O/out"
	start_daemon "$O.conf" "$O.log"
	cp "$T/src/s1.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$O/spool/s1.mkv"
	wait_until 10 grep -q "Read-only file system" "$O.log"
	grep_ok "$O.log" "token directory.*Read-only file system" \
	    "read-only token directory: the daemon names the reason"
	sleep 3
	ok "read-only token directory: nothing is encoded" \
	    sh -c '! grep -q "started:" "$1"' _ "$O.log"
	stop_daemon
	run_distenc -c "$TESTCONF" -t "$O/tok" -o "$O/bout" "$T/src/s1.mkv"
	ok "read-only token directory: the batch exits 1 naming the reason" \
	    sh -c '[ "$1" = 1 ] && grep -q "Read-only file system" "$2" &&
		[ ! -e "$3/s1.mkv" ]' _ "$DE_RC" "$DE_ERR" "$O/bout"
else
	diag "cannot make a read-only bind mount: $(cat "$T/mount.err" 2>/dev/null)"
	skip "read-only token directory: the daemon names the reason" "needs root"
	skip "read-only token directory: nothing is encoded" "needs root"
	skip "read-only token directory: the batch exits 1" "needs root"
fi

# --- a corrupt claim ------------------------------------------------------

C=$T/corrupt
mkdir -p "$C/spool" "$C/tok" "$C/in"
cp "$T/src/s2.mkv" "$C/in/s2.mkv"
touch -d '2 minutes ago' "$C/in/s2.mkv"
id=$(job_id s2.mkv "$C/in/s2.mkv")
node_conf "$C.conf" "eps" "$C/spool" "$C/tok" "$C/out"
start_daemon "$C.conf" "$C.log"
wait_until 10 test -f "$C/tok/.distenc-tokens"
printf '\377\376 not a claim\n' >"$C/tok/$id.claim"
t0=$(now)
mv "$C/in/s2.mkv" "$C/spool/s2.mkv"
wait_until 10 grep -q "s2.mkv: claimed by node" "$C.log"
grep_ok "$C.log" "s2.mkv: claimed by node \\?" \
    "a fresh corrupt claim is respected (held by an unknown node)"
wait_until 30 test -f "$C/tok/$id.done"
took=$(elapsed "$t0")
grep_ok "$C.log" "took over the claim of \\?.*unreadable" \
    "a corrupt claim is taken over once stale, and the log says why"
ok "the job is then done (${took} s after the claim appeared, lease $TLEASE s)" \
    sh -c 'test -f "$1/s2.mkv" && awk -v t="$2" -v l="$3" "BEGIN { exit !(t >= l - 1) }"' \
    _ "$C/out" "$took" "$TLEASE"
stop_daemon

# --- a live host whose clock is an hour off ------------------------------

# The other host writes its claim with its own (wrong) times in it and
# renews it by rewriting it, as distenc does: the file system stamps it.
K=$T/skew
mkdir -p "$K/spool" "$K/tok" "$K/in"
cp "$T/src/s3.mkv" "$K/in/s3.mkv"
touch -d '2 minutes ago' "$K/in/s3.mkv"
id=$(job_id s3.mkv "$K/in/s3.mkv")
node_conf "$K.conf" "zeta" "$K/spool" "$K/tok" "$K/out"
start_daemon "$K.conf" "$K.log"
wait_until 10 test -f "$K/tok/.distenc-tokens"
skewed=$(($(date +%s) - 3600))
(
	while [ ! -f "$K/stop" ]; do
		printf 'distenc-claim 1\nnode faraway\nboot other-boot\nnonce 0f\npid 77\nstart %s\nlease %s\nattempt 1\nrenewed %010d\n' \
		    "$skewed" "$TLEASE" "$(date +%s)" >"$K/tok/$id.claim"
		sleep 1
	done
) &
renewer=$!
sleep 1
mv "$K/in/s3.mkv" "$K/spool/s3.mkv"
sleep $((TLEASE * 2 + 1))
ok "a live claim from a host an hour behind is left alone (two leases)" \
    sh -c '! grep -q "started:" "$1" && grep -q "claimed by node faraway" "$1"' \
    _ "$K.log"
touch "$K/stop"
wait "$renewer"
t0=$(now)
wait_until 30 test -f "$K/tok/$id.done"
took=$(elapsed "$t0")
ok "once it stops renewing, its job is taken over and done (${took} s)" \
    test -f "$K/out/s3.mkv"
ok "...within the lease, a poll interval and the encode (${took} s)" \
    awk -v t="$took" -v l="$TLEASE" -v p="$TPOLL" 'BEGIN { exit !(t <= l + p + 10) }'
stop_daemon

# --- a real daemon whose clock is an hour behind ---------------------------

# libfaketime (package faketime): time() and the real-time clock an hour
# behind, the monotonic clock and stat() real, as on a host with a wrong
# clock.
FT=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
F=$T/fake
# A sanitizer build's runtime must come first; it is told not to mind.
FT_ASAN="verify_asan_link_order=0:${ASAN_OPTIONS:-}"
if [ -n "$FT" ] && ! ASAN_OPTIONS=$FT_ASAN LD_PRELOAD=$FT FAKETIME=-1h \
    "$DISTENCD" -V >/dev/null 2>"$T/ft.err"; then
	diag "distencd does not run with libfaketime preloaded: $(cat "$T/ft.err")"
	FT=
fi
if [ -n "$FT" ]; then
	node_conf "$F-ok.conf" ontime "$F/spool" "$F/tok" "$F/out"
	node_conf "$F-late.conf" behind "$F/spool" "$F/tok" "$F/out"
	start_daemon "$F-ok.conf" "$F-ok.log"
	okpid=$DPID
	saved_asan=${ASAN_OPTIONS:-}
	export LD_PRELOAD="$FT" FAKETIME=-1h NO_FAKE_STAT=1 \
	    FAKETIME_DONT_FAKE_MONOTONIC=1 ASAN_OPTIONS="$FT_ASAN"
	start_daemon "$F-late.conf" "$F-late.log"
	latepid=$DPID
	unset LD_PRELOAD FAKETIME NO_FAKE_STAT FAKETIME_DONT_FAKE_MONOTONIC
	ASAN_OPTIONS=$saved_asan
	wait_until 10 test -s "$(node_status behind)"
	skew=$(awk -v a="$(date +%s)" \
	    -v b="$(iso_epoch "$(json_get "$(node_status behind)" started)")" \
	    'BEGIN { printf "%d", a - b }')
	ok "the faked host's clock is an hour behind (${skew} s)" \
	    test "$skew" -ge 3590 -a "$skew" -le 3620
	drop "$F/spool"
	wait_until 90 sh -c '[ "$(find "$1" -maxdepth 1 -name "*.done" | wc -l)" -ge "$2" ]' \
	    _ "$F/tok" "$N"
	twice=
	for i in $(seq 1 $N); do
		c=$(encodes_of "s$i.mkv" "$F-ok.log" "$F-late.log")
		[ "$c" = 1 ] || twice="$twice s$i:$c"
	done
	diag "on time: $(grep -c started: "$F-ok.log"), an hour behind: $(grep -c started: "$F-late.log")"
	is "${twice:-none}/$(count_files "$F/tok" .done)" "none/$N" \
	    "with a host an hour behind, every input encoded exactly once"
	# The late host's claim, once it is killed, is taken after its lease.
	tiny "$T/src/long.mkv" 6 320x180
	cp "$T/src/long.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$F/in-long.mkv"
	stop_daemon "$okpid"
	mv "$F/in-long.mkv" "$F/spool/long.mkv"
	wait_until 30 sh -c 'grep -l "^node behind\$" "$1"/*.claim >/dev/null 2>&1' _ "$F/tok"
	start_daemon "$F-ok.conf" "$F-ok2.log"
	okpid=$DPID
	kill -KILL "$latepid"
	t0=$(now)
	wait "$latepid" 2>/dev/null
	wait_until 30 grep -q "took over the claim of behind" "$F-ok2.log"
	took=$(elapsed "$t0")
	ok "the killed late host's claim is taken over by its lease (${took} s, lease $TLEASE s)" \
	    awk -v t="$took" -v l="$TLEASE" -v p="$TPOLL" 'BEGIN { exit !(t <= l + p + 2) }'
	stop_daemon "$okpid"
else
	skip "the faked host's clock is an hour behind" "no libfaketime (package faketime)"
	skip "with a host an hour behind, every input encoded once" "no libfaketime"
	skip "the killed late host's claim is taken over by its lease" "no libfaketime"
fi

# --- two daemons with one node name ---------------------------------------

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
ok "the first daemon carries on, undisturbed" \
    sh -c 'kill -0 "$1" && ! grep -q "in use" "$2"' _ "$first" "$D-1.log"
stop_daemon
stop_daemon "$first"
