#!/bin/sh
#
# Leases run their whole length: a daemon killed with SIGKILL leaves its
# claims; another host takes each over only once its lease has run out by
# the file system's clock, measured to the nanosecond (the new claim's
# first mtime minus the old claim's last renewal is never under the
# lease), however often it looks at them.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 4
need_tools
need_distencd

TLEASE=4
TPOLL=1
N=3
write_conf "$T/medium.conf" medium 300
TESTCONF=$T/medium.conf
mkdir -p "$T/tmp"
for i in $(seq 1 $N); do
	tiny "$T/src/s$i.mkv" 3 320x180
done

L=$T/lease
TJOBS=$N node_conf "$L-a.conf" "alpha" "$L/spool" "$L/tok" "$L/out"
TJOBS=$N node_conf "$L-b.conf" "beta" "$L/spool" "$L/tok" "$L/out"
start_daemon "$L-a.conf" "$L-alpha.log"
apid=$DPID
for i in $(seq 1 $N); do
	cp "$T/src/s$i.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$L/spool/s$i.mkv"
done
wait_until 30 sh -c '[ "$(grep -l "^node alpha\$" "$1"/*.claim 2>/dev/null | wc -l)" -ge 1 ]' \
    _ "$L/tok"
kill -KILL "$apid"
wait "$apid" 2>/dev/null
held=$(grep -l "^node alpha\$" "$L/tok"/*.claim 2>/dev/null | wc -l | tr -d ' ')
diag "alpha killed holding $held claim(s)"
ok "alpha was killed holding claims" test "$held" -ge 1

# The old claims renewed last at .95 of a second (where whole seconds
# end a lease up to 0.95 s early), then beta, kept looking at them by a
# change in the directory every 0.1 s, then each takeover's moment.
"$PYTHON" - "$L/tok" >"$T/old.txt" <<'PY'
import glob, os, sys, time
t = (int(time.time()) - 1) * 10**9 + 950000000
for p in sorted(glob.glob(os.path.join(sys.argv[1], '*.claim'))):
    os.utime(p, ns=(t, t))
    print(p, os.stat(p).st_mtime_ns)
PY
touch "$T/events.on"
while [ -f "$T/events.on" ]; do
	: >"$L/tok/change" && rm -f "$L/tok/change"
	sleep 0.1
done &
epid=$!
at_exit "rm -f '$T/events.on'; kill $epid 2>/dev/null"
start_daemon "$L-b.conf" "$L-beta.log"
bpid=$DPID
timeout 120 "$PYTHON" - "$T/old.txt" "$TLEASE" >"$T/takeovers.txt" <<'PY'
import os, sys, time
old = dict(l.split() for l in open(sys.argv[1]))
seen = {}
while len(seen) < len(old):
    for p, m in old.items():
        if p in seen:
            continue
        try:
            with open(p) as f:
                text = f.read()
            st = os.stat(p)
        except OSError:
            continue
        if '\nnode beta\n' in text and 'renewed 0000000000' in text:
            seen[p] = st.st_mtime_ns - int(m)
    time.sleep(0.02)
for p, d in sorted(seen.items()):
    print('%s %.6f' % (os.path.basename(p), d / 1e9))
PY
rm -f "$T/events.on"
wait "$epid" 2>/dev/null
diag_file "$T/takeovers.txt"
n=$(grep -c . "$T/takeovers.txt")
is "$n" "$held" "beta took over every claim alpha left"
ok "no takeover before the lease ($TLEASE s) had run out by the file system's clock" \
    awk -v l="$TLEASE" '$2 < l { bad = 1 } END { exit bad }' "$T/takeovers.txt"
wait_until 90 sh -c '[ "$(find "$1" -maxdepth 1 -name "*.done" | wc -l)" -ge "$2" ]' \
    _ "$L/tok" "$N"
stop_daemon "$bpid"
ok "every input done, outputs verified" outputs_verified "$L/out" "$N" 75
