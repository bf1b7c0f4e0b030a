#!/bin/sh
#
# Work shared through a token directory on a real network file system
# client: two sshfs mounts of one directory through a private sshd on
# 127.0.0.1 (tests/sshfs.sh), each with sshfs's caches of attributes and
# names, and neither seeing the other's changes with inotify.  Two
# daemons, each through its own mount, share one spool, token and output
# directory: every input is encoded exactly once, both daemons encoding
# some (the first to claim held until the other has a job).  The daemon
# killed while it holds a claim is tokens_sshfs_kill.sh.
#
# Needs /dev/fuse, and sshd and sshfs (installed when missing, as root);
# without them the whole file is skipped.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/sshfs.sh"

sshfs_daemons_or_skip "$T/net" 6

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
stop_daemon "$pid2"
stop_daemon "$pid1"
