#!/bin/sh
#
# A chunked job's work directory replaced by a symbolic link (work_dir is
# shared: another host or user could put one there): the job refuses it,
# naming the directory and the reason, and nothing at the link's target
# is read, written or removed.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/chunked_lib.sh"

plan 5
need_tools
need_distenc

chunked_setup

chunked_plan
is "$DE_RC" 0 "plan step: exits 0, the job's work directory made"

VICTIM=$T/victim
mkdir -p "$VICTIM"
echo precious >"$VICTIM/notes.txt"
rm -rf "$JOBDIR"
ln -s "$VICTIM" "$JOBDIR"
run_distenc -c "$CONF" -o "$T/out" "$SRC"
ok "a link in place of the work directory: the job fails" \
    test "$DE_RC" != 0
if de_all | grep -q "work directory .*: a symbolic link, not followed"; then
	pass "the reason names the directory: a symbolic link, not followed"
else
	fail "the reason names the directory: a symbolic link, not followed"
fi
is "$(cat "$VICTIM/notes.txt" 2>/dev/null)" precious \
    "the link's target is left as it was"
is "$(ls -A "$VICTIM" | tr '\n' ' ')" "notes.txt " \
    "nothing was written at the link's target"
