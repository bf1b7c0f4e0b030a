#!/bin/sh
#
# The sshfs harness of tests/sshfs.sh: two sshfs mounts (m1, m2) of one
# directory through a private sshd on 127.0.0.1, as two hosts sharing a
# token directory see it.  A file written through m1 is read through m2
# and found in the backing directory; link() through m1 makes a name that
# m2 sees; teardown leaves no mount and no sshd.
#
# Needs /dev/fuse, and sshd and sshfs (installed with apt-get when
# missing and running as root); without them the whole file is skipped
# (1..0 # SKIP).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sshfs.sh"

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# --- the mounts, before the plan (a failure skips the file) ------------------

if ! sshfs_setup "$T/net" 2>"$T/sshfs.err"; then
	sed 's/^/# /' "$T/sshfs.err"
	skip_all "no sshfs mounts: $(grep -v '^#' "$T/sshfs.err" | tail -n 1)"
fi
sed 's/^/# /' "$T/sshfs.err"

plan 8
diag "sshd on 127.0.0.1:$SSHFS_PORT (pid $SSHFS_SSHD_PID); $SSHFS_M1 and $SSHFS_M2 mount $SSHFS_SHARED"

# mount_type DIR: the filesystem type in mountinfo and statfs's f_type.
mount_type() {
	_mt=$(awk -v d="$1" '$5 == d { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }' \
	    /proc/self/mountinfo)
	echo "$_mt $(stat -f -c %t "$1")"
}
is "$(mount_type "$SSHFS_M1")|$(mount_type "$SSHFS_M2")" \
    "fuse.sshfs 65735546|fuse.sshfs 65735546" \
    "m1 and m2 are sshfs mounts, statfs type FUSE (0x65735546)"

# --- a file through m1, read through m2 and behind the mounts -----------------

printf 'written through m1\n' >"$SSHFS_M1/a.txt"
is "$(cat "$SSHFS_M2/a.txt" 2>&1)" "written through m1" \
    "a file written through m1 is read through m2"
is "$(cat "$SSHFS_SHARED/a.txt" 2>&1)" "written through m1" \
    "and is in the backing directory"

# --- link() through m1 ----------------------------------------------------------

printf 'host one\n' >"$SSHFS_M1/tmp.one"
ok "link() through m1 of a temporary file to x.claim" \
    ln "$SSHFS_M1/tmp.one" "$SSHFS_M1/x.claim"
is "$(cat "$SSHFS_M2/x.claim" 2>&1)" "host one" \
    "m2 sees x.claim with the linked file's content"
is "$(stat -c '%i %h' "$SSHFS_SHARED/x.claim" 2>&1)" \
    "$(stat -c '%i' "$SSHFS_SHARED/tmp.one" 2>&1) 2" \
    "behind the mounts x.claim and the temporary file are one inode (2 links)"
diag "through m2: x.claim $(stat -c 'inode %i, %h link(s)' "$SSHFS_M2/x.claim"), tmp.one $(stat -c 'inode %i, %h link(s)' "$SSHFS_M2/tmp.one") (SFTP has no inode numbers nor link counts)"

# --- teardown --------------------------------------------------------------------

sshd_pid=$SSHFS_SSHD_PID
sshfs_teardown
sshfs_teardown
left=
for m in "$SSHFS_M1" "$SSHFS_M2"; do
	awk -v d="$m" '$5 == d { f = 1 } END { exit !f }' /proc/self/mountinfo &&
	    left="$left $m"
done
is "${left:-none}" none "teardown (twice) leaves neither mount"
if [ -n "$sshd_pid" ] && kill -0 "$sshd_pid" 2>/dev/null; then
	fail "teardown stops the private sshd"
	diag "  sshd $sshd_pid still runs"
else
	pass "teardown stops the private sshd"
fi
