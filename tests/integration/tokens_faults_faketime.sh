#!/bin/sh
#
# A real daemon whose clock is an hour behind (libfaketime, package
# faketime: time() and the real-time clock an hour behind, the monotonic
# clock and stat() real, as on a host with a wrong clock) beside one on
# time: every input encoded exactly once; the late host, once killed, has
# its claim taken over by its lease.  Skipped without libfaketime.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/tokens_faults_lib.sh"

plan 3
need_tools
need_distencd

FT=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
F=$T/fake
# A sanitizer build's runtime must come first; it is told not to mind.
FT_ASAN="verify_asan_link_order=0:${ASAN_OPTIONS:-}"
if [ -n "$FT" ] && ! ASAN_OPTIONS=$FT_ASAN LD_PRELOAD=$FT FAKETIME=-1h \
    "$DISTENCD" -V >/dev/null 2>"$T/ft.err"; then
	diag "distencd does not run with libfaketime preloaded: $(cat "$T/ft.err")"
	FT=
fi
if [ -z "$FT" ]; then
	skip "the faked host's clock is an hour behind" "no libfaketime (package faketime)"
	skip "with a host an hour behind, every input encoded once" "no libfaketime"
	skip "the killed late host's claim is taken over by its lease" "no libfaketime"
	exit 0
fi
faults_clips $(seq 1 $N)
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
# An hour, and the seconds the daemon took to start and write it.
ok "the faked host's clock is an hour behind (${skew} s)" \
    test "$skew" -ge 3590 -a "$skew" -le "$((3600 + $(scaled 20)))"
drop_all "$F/spool"
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
mkdir -p "$T/tmp"
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
# The slack is for a slow machine: it scales.
ok "the killed late host's claim is taken over by its lease (${took} s, lease $TLEASE s)" \
    awk -v t="$took" -v l="$TLEASE" -v p="$TPOLL" -v s="$(scaled 2)" \
    'BEGIN { exit !(t <= l + p + s) }'
stop_daemon "$okpid"
