#!/bin/sh
#
# A batch told to stop (SIGTERM) whose worker does not stop (held with
# SIGSTOP mid-encode, as one stuck in a long computation would be) kills
# it once the grace period of 9 s is over and says so; what the worker
# left (its temporary output and its x265 statistics) is removed, its
# claim released, and another host takes the input at once.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 6
need_tools
need_distenc

tiny "$T/long/long.mkv" 10 320x180
write_conf "$T/slow.conf" slower 300
mkdir -p "$T/stats"
(cd "$T" && exec "$DISTENC" -c "$T/slow.conf" -t "$T/tok" --node x \
    -s "$T/stats" -o "$T/out" "$T/long/long.mkv") >"$T/b.out" 2>"$T/b.err" &
bpid=$!
# Held while it encodes: its temporary output and statistics are there.
in_pass() {
	grep -q ': pass 1:' "$T/b.err" && [ -n "$(temp_files_in "$T/out")" ] &&
	    [ -n "$(temp_files_in "$T/stats")" ]
}
wait_until 60 in_pass || diag "the batch was not seen in pass 1"
held=$(proc_descendants "$bpid")
# shellcheck disable=SC2086
kill -STOP $held 2>/dev/null
diag "held: $(echo $held) ($(temp_files_in "$T/out" "$T/stats" | tr '\n' ' '))"
kill -TERM "$bpid"
proc_gone_within 60 "$bpid" || diag "the batch still runs $(scaled 60) s after SIGTERM"
alive=
for p in $held; do
	proc_alive "$p" && alive="$alive $p"
done
# shellcheck disable=SC2086
kill -KILL "$bpid" $held 2>/dev/null
wait "$bpid"
is "$?" 1 "the batch exits 1"
grep_ok "$T/b.err" 'distenc: 1 worker still running 9 s after being told to stop: killing them' \
    "it says it kills the worker that did not stop, and when"
is "${alive:-none}" none "the worker is gone"
left="$(ls "$T/tok"/*.claim 2>/dev/null)$(find "$T/out" -type f)$(ls -A "$T/stats")"
is "${left:-nothing}" nothing "no claim, no output, no statistics left"
grep_ok "$T/b.out" 'long\.mkv' "the input is reported"
run_distenc -c "$TESTCONF" -t "$T/tok" --node y -o "$T/out" "$T/long/long.mkv"
ok "another host takes the input at once" \
    sh -c '[ "$1" = 0 ] && [ -f "$2" ]' _ "$DE_RC" "$T/out/long.mkv"
