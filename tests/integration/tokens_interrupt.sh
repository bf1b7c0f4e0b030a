#!/bin/sh
#
# Work shared through a token directory: an interrupted batch (SIGINT
# while it encodes) leaves no claim, no partial output and no stats file,
# and another host takes the input at once.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 2
need_tools
need_distenc

tiny "$T/long/long.mkv" 10 320x180
write_conf "$T/slow.conf" slower 300
(cd "$T" && exec "$DISTENC" -c "$T/slow.conf" -t "$T/itok" --node x \
    -o "$T/iout" "$T/long/long.mkv") >"$T/i.out" 2>"$T/i.err" &
ipid=$!
wait_until 30 sh -c 'ls "$1"/*.claim >/dev/null 2>&1' _ "$T/itok"
# Interrupted while it encodes.
wait_until 30 grep -q ': pass 1:' "$T/i.err"
kill -INT "$ipid"
wait "$ipid"
left="$(ls "$T/itok"/*.claim 2>/dev/null)$(find "$T/iout" -type f)$(ls -A "$T/stats")"
is "${left:-nothing}" nothing "after SIGINT: no claim, no output, no stats left"
run_distenc -c "$TESTCONF" -t "$T/itok" --node y -o "$T/iout" "$T/long/long.mkv"
ok "another host takes the interrupted input at once" \
    sh -c '[ "$1" = 0 ] && [ -f "$2" ]' _ "$DE_RC" "$T/iout/long.mkv"
