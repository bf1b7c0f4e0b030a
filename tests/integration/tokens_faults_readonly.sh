#!/bin/sh
#
# A read-only token directory: the daemon names the reason and encodes
# nothing (checked after it has queued the job and gone round its loop
# once more); a batch exits 1 naming the reason.  Needs bind mounts
# (root).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/tokens_faults_lib.sh"

plan 3
need_tools
need_distencd
faults_clips 1

O=$T/ro
mkdir -p "$O/tok"
if ! mount --bind "$O/tok" "$O/tok" 2>/dev/null ||
    ! printf '%s\n' "$O/tok" >>"$T/.mounts" ||
    ! mount -o remount,bind,ro "$O/tok" 2>"$T/mount.err"; then
	diag "cannot make a read-only bind mount: $(cat "$T/mount.err" 2>/dev/null)"
	skip "read-only token directory: the daemon names the reason" "needs root"
	skip "read-only token directory: nothing is encoded" "needs root"
	skip "read-only token directory: the batch exits 1" "needs root"
	exit 0
fi
node_conf "$O.conf" "delta" "$O/spool" "$O/tok" "$O/out"
start_daemon "$O.conf" "$O.log"
drop_clip 1 "$O/spool"
wait_until 10 grep -q "Read-only file system" "$O.log"
grep_ok "$O.log" "token directory.*Read-only file system" \
    "read-only token directory: the daemon names the reason"
queued_and_looked delta
ok "read-only token directory: nothing is encoded" \
    sh -c '! grep -q "started:" "$1"' _ "$O.log"
stop_daemon
run_distenc -c "$TESTCONF" -t "$O/tok" -o "$O/bout" "$T/src/s1.mkv"
ok "read-only token directory: the batch exits 1 naming the reason" \
    sh -c '[ "$1" = 1 ] && grep -q "Read-only file system" "$2" &&
	[ ! -e "$3/s1.mkv" ]' _ "$DE_RC" "$DE_ERR" "$O/bout"
