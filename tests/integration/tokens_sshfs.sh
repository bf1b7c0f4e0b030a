#!/bin/sh
#
# Work shared through a token directory on a real network file system
# client: two sshfs mounts of one directory through a private sshd on
# 127.0.0.1 (tests/sshfs.sh), each with sshfs's caches of attributes and
# names, and neither seeing the other's changes with inotify.  Two
# daemons, each through its own mount, share one spool, token and output
# directory: every input is encoded exactly once; then one daemon is
# killed with SIGKILL while it holds a claim and the other takes the work
# over once the lease has run out.
#
# Needs /dev/fuse, and sshd and sshfs (installed when missing, as root);
# without them the whole file is skipped.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/sshfs.sh"

if ! sshfs_setup "$T/net" 2>"$T/sshfs.err"; then
	sed 's/^/# /' "$T/sshfs.err"
	echo "1..0 # SKIP no sshfs mounts: $(grep -v '^#' "$T/sshfs.err" | tail -n 1)"
	exit 0
fi

plan 10
need_tools
need_distencd
diag "sshd on 127.0.0.1:$SSHFS_PORT; $SSHFS_M1 and $SSHFS_M2 mount $SSHFS_SHARED"

TLEASE=12
TPOLL=1
N=6
S=$SSHFS_SHARED
mkdir -p "$S/spool" "$S/tok" "$S/out"
for i in $(seq 1 $N); do
	tiny "$T/src/s$i.mkv"
	cp "$T/src/s$i.mkv" "$S/spool/s $i.mkv"
done
node_conf "$T/one.conf" one "$SSHFS_M1/spool" "$SSHFS_M1/tok" "$SSHFS_M1/out"
node_conf "$T/two.conf" two "$SSHFS_M2/spool" "$SSHFS_M2/tok" "$SSHFS_M2/out"
start_daemon "$T/one.conf" "$T/one.log"
pid1=$DPID
start_daemon "$T/two.conf" "$T/two.log"
pid2=$DPID
# Whichever daemon claims first waits until the other has a job: "both
# daemons encoded" is then no race.
hold_until_shared "$S/tok" 60 "one:$pid1" "two:$pid2"

wait_until 180 sh -c '[ "$(find "$1" -maxdepth 1 -name "*.done" | wc -l)" -ge "$2" ]' \
    _ "$S/tok" "$N" || diag "not every input done after $(scaled 180) s"
is "$(count_files "$S/tok" .done)" "$N" "over sshfs: a done marker for each of the $N inputs"
ok "over sshfs: $N outputs, each HEVC with every frame" \
    outputs_verified "$S/out" "$N" 15
twice=
for i in $(seq 1 $N); do
	c=$(encodes_of "s $i.mkv" "$T/one.log" "$T/two.log")
	[ "$c" = 1 ] || twice="$twice s$i:$c"
done
is "${twice:-none}" none "over sshfs: every input started exactly once over the two daemons"
c1=$(grep -c ': started: attempt' "$T/one.log")
c2=$(grep -c ': started: attempt' "$T/two.log")
diag "daemon one encoded $c1, daemon two $c2"
ok "over sshfs: both daemons encoded" test "$c1" -gt 0 -a "$c2" -gt 0
is "$(count_files "$S/tok" .claim)" 0 "over sshfs: no claim left"
grep_ok "$T/two.log" "token directory .*: node two, lease 12 s, rescanned \\(remote file system\\)" \
    "over sshfs: the token directory is rescanned, not watched"

# --- one daemon killed while it holds a claim -----------------------------

write_conf "$T/slow.conf" slower 300
TESTCONF=$T/slow.conf
node_conf "$T/one.conf" one "$SSHFS_M1/spool2" "$SSHFS_M1/tok" "$SSHFS_M1/out2"
node_conf "$T/two.conf" two "$SSHFS_M2/spool2" "$SSHFS_M2/tok" "$SSHFS_M2/out2"
stop_daemon "$pid2"
stop_daemon "$pid1"
tiny "$T/src/long.mkv" 6 320x180
cp "$T/src/long.mkv" "$S/spool2/long.mkv"
start_daemon "$T/one.conf" "$T/one-2.log"
pid1=$DPID
wait_until 60 sh -c 'grep -l "^node one\$" "$1"/*.claim >/dev/null 2>&1' _ "$S/tok"
start_daemon "$T/two.conf" "$T/two-2.log"
pid2=$DPID
# Killed once the other daemon has seen its claim.
wait_until 60 grep -q "long.mkv: claimed by node one" "$T/two-2.log"
kill -KILL "$pid1"
t0=$(now)
wait "$pid1" 2>/dev/null
wait_until 60 grep -q "took over the claim of one" "$T/two-2.log"
took=$(elapsed "$t0")
grep_ok "$T/two-2.log" "long.mkv-[0-9a-f]*: took over the claim of one .*lease ran out" \
    "over sshfs: the killed daemon's claim is taken over"
# The slack after the lease is for a slow machine: it scales.
ok "over sshfs: ...once its lease ran out, within lease + poll + 4 s (${took} s)" \
    awk -v t="$took" -v l="$TLEASE" -v p="$TPOLL" -v s="$(scaled 4)" \
    'BEGIN { exit !(t >= l - 4 && t <= l + p + s) }'
wait_until 120 test -f "$S/out2/long.mkv"
ok "over sshfs: the job is done by the other daemon, verified" \
    outputs_verified "$S/out2" 1 150
stop_daemon "$pid2"
is "$(count_files "$S/tok" .claim)" 0 "over sshfs: no claim left after the takeover"
