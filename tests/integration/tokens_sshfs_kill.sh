#!/bin/sh
#
# Work shared through a token directory on a real network file system
# client: two sshfs mounts of one directory through a private sshd on
# 127.0.0.1 (tests/sshfs.sh), each with sshfs's caches of attributes and
# names, and neither seeing the other's changes with inotify.  Two
# daemons, each through its own mount: one is killed with SIGKILL while it
# holds a claim (once the other has seen it) and the other takes the work
# over once the lease has run out.
#
# Needs /dev/fuse, and sshd and sshfs (installed when missing, as root);
# without them the whole file is skipped.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/sshfs.sh"

sshfs_daemons_or_skip "$T/net" 4

TLEASE=12
TPOLL=1
S=$SSHFS_SHARED
mkdir -p "$S/spool2" "$S/tok" "$S/out2"
# The first host's encode is slow, so that it still runs when the host is
# killed; the second's is fast, so that finishing the job takes little time
# on a busy machine.
write_conf "$T/slow.conf" slower 300
TESTCONF=$T/slow.conf
node_conf "$T/one.conf" one "$SSHFS_M1/spool2" "$SSHFS_M1/tok" "$SSHFS_M1/out2"
write_conf "$T/fast.conf" ultrafast 300
TESTCONF=$T/fast.conf
node_conf "$T/two.conf" two "$SSHFS_M2/spool2" "$SSHFS_M2/tok" "$SSHFS_M2/out2"

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
wait_until 120 test -f "$S/out2/long.mkv" ||
    diag "no output $S/out2/long.mkv after $(scaled 300) s"
ok "over sshfs: the job is done by the other daemon, verified" \
    outputs_verified "$S/out2" 1 150
stop_daemon "$pid2"
is "$(count_files "$S/tok" .claim)" 0 "over sshfs: no claim left after the takeover"
