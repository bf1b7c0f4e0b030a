#!/bin/sh
#
# A FIFO in place of the token directory's marker (.distenc-tokens) hangs
# nothing: the daemon says why the directory is unusable, keeps running
# and answering, does no work meanwhile, and uses the directory once the
# FIFO is gone.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 6
need_tools
need_distencd

TLEASE=4
TPOLL=1
write_conf "$T/medium.conf" medium 300
TESTCONF=$T/medium.conf
tiny "$T/src/s1.mkv" 1

F=$T/fifo
mkdir -p "$F/tok" "$F/spool" "$T/tmp"
mkfifo "$F/tok/.distenc-tokens"
node_conf "$F.conf" "phi" "$F/spool" "$F/tok" "$F/out"
start_daemon "$F.conf" "$F.log"
wait_until 15 grep -q "not a regular file" "$F.log"
grep_ok "$F.log" "distenc-tokens: not a regular file" \
    "a FIFO as the marker: the daemon names the file and the reason"
wait_until 10 sh -c 'case $("$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1])).get(\"tokens\",\"\"))" "$1" 2>/dev/null) in *"not a regular file"*) exit 0;; esac; exit 1' \
    _ "$(node_status phi)"
case $(json_get "$(node_status phi)" tokens) in
(*"not a regular file"*) pass "a FIFO as the marker: the daemon status says why" ;;
(*) fail "a FIFO as the marker: the daemon status says why" ;;
esac
cp "$T/src/s1.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$F/spool/s1.mkv"
# The daemon's loop runs on: it sees the file and says it waits.
wait_until 15 sh -c '[ "$(json_get "$1" counts.queued 2>/dev/null)" = 1 ] ||
    grep -q "s1.mkv" "$2"' _ "$(node_status phi)" "$F.log"
ok "a FIFO as the marker: the daemon keeps running and encodes nothing" \
    sh -c 'kill -0 "$1" && ! grep -q "started:" "$2" && [ ! -e "$3/s1.mkv" ]' \
    _ "$DPID" "$F.log" "$F/out"
rm -f "$F/tok/.distenc-tokens"
# The done marker is written after the output is published: waited for.
done=$F/tok/$(job_id s1.mkv "$F/spool/s1.mkv").done
wait_until 60 test -f "$done"
ok "the FIFO gone: the directory is used and the file encoded" \
    sh -c 'test -f "$1" && test -f "$2"' _ "$done" "$F/out/s1.mkv"
ok "the marker is a regular file again" test -f "$F/tok/.distenc-tokens"
stop_daemon
is "$DRC" 0 "the daemon stops cleanly"
