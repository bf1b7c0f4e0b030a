#!/bin/sh
#
# Only a whole done marker is done: an input whose done marker is
# corrupt (or cannot be read) is that input's error, reported with the
# file and the reason, never "done"; the other inputs are encoded.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 5
need_tools
need_distenc

for n in a b c; do
	tiny "$T/in/$n.mkv" 0.6
done
TOK=$T/tok
# The first run makes the token directory (and does c).
run_distenc -c "$TESTCONF" -t "$TOK" --node x -o "$T/out" "$T/in/c.mkv"
ok "the token directory is made" test -f "$TOK/.distenc-tokens"
id=$(job_id a.mkv "$T/in/a.mkv")
printf 'distenc-done 1\nnode y\n' >"$TOK/$id.done"	# no attempt: cut short
run_distenc -c "$TESTCONF" -t "$TOK" --node x -o "$T/out" "$T/in/a.mkv" "$T/in/b.mkv"
is "$DE_RC" 1 "a corrupt done marker: the run exits 1"
if de_all | grep -q "a.mkv.*$id.done: done marker is incomplete.*not taken as done"; then
	pass "the input's error names the marker and the reason"
else
	fail "the input's error names the marker and the reason"
fi
ok "that input is not encoded, nor reported done" \
    sh -c '[ ! -e "$1/a.mkv" ] && ! grep -q "^done: .*a.mkv" "$2"' _ "$T/out" "$DE_OUT"
is "$(frame_count "$T/out/b.mkv")" 15 "the other input is encoded"
