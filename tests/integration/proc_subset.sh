#!/bin/sh
#
# Under systemd's ProcSubset=pid (a /proc with only the processes' own
# directories, which distencd.service sets), the boot id the token
# protocol needs comes from DISTENC_BOOT_ID (the unit passes systemd's %b,
# 32 hex digits): a batch with a token directory, run in a mount namespace
# whose /proc is mounted subset=pid, encodes, and its node file carries
# the kernel's boot id; without the variable it says what it lacks and
# still encodes.  Needs unshare(1) and the right to make a mount namespace
# (root); without them the whole file is skipped.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}
BOOT=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null) ||
    skip_all "no /proc/sys/kernel/random/boot_id"
command -v unshare >/dev/null 2>&1 || skip_all "unshare is not installed"
unshare --mount --fork sh -c \
    'mount -t proc -o subset=pid proc /proc && ! test -e /proc/sys' \
    >/dev/null 2>&1 ||
    skip_all "cannot mount a subset=pid /proc in a mount namespace here"

plan 8
need_tools
need_distenc

tiny "$T/src/a.mkv" || diag "cannot make clip a"
tiny "$T/src/b.mkv" || diag "cannot make clip b"

# in_subset OUT ERR ENV... -- ARGS: distenc ARGS in a namespace whose /proc
# is subset=pid, with the ENV assignments.
in_subset() {
	_is_out=$1 _is_err=$2
	shift 2
	timeout "$(scaled 300)" unshare --mount --fork sh -c '
		mount -t proc -o subset=pid proc /proc || exit 99
		test -e /proc/sys && exit 98
		exec env "$@"' sh "$@" >"$_is_out" 2>"$_is_err" </dev/null
}

in_subset "$T/a.out" "$T/a.err" \
    DISTENC_BOOT_ID="$(echo "$BOOT" | tr -d '-')" \
    "$DISTENC" -c "$TESTCONF" -t "$T/tok" --node a -o "$T/out" "$T/src/a.mkv"
is "$?" 0 "with DISTENC_BOOT_ID: distenc exits 0"
diag_file "$T/a.err" stderr 20
ok "the output is HEVC with every frame" outputs_verified "$T/out" 1 15
is "$(sed -n 's/^boot //p' "$T/tok/.node.a")" "$BOOT" \
    "the node file carries the kernel's boot id"
ok "nothing said of the boot id" sh -c "! grep -Eq 'boot_id|DISTENC_BOOT_ID' \"\$1\"" sh "$T/a.err"

in_subset "$T/b.out" "$T/b.err" \
    "$DISTENC" -c "$TESTCONF" -t "$T/tok" --node b -o "$T/out" "$T/src/b.mkv"
is "$?" 0 "without it: distenc exits 0"
diag_file "$T/b.err" stderr 20
ok "both outputs are HEVC with every frame" outputs_verified "$T/out" 2 15
grep_ok "$T/b.err" "/proc/sys/kernel/random/boot_id: No such file.*DISTENC_BOOT_ID" \
    "it says the boot id cannot be read and what would give it"
is "$(sed -n 's/^boot \(host\)-[0-9a-f]\{8\}$/\1/p' "$T/tok/.node.b")" host \
    "its node file has the host id instead"
