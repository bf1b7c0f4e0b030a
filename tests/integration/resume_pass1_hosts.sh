#!/bin/sh
#
# keep_pass1 across hosts: two daemons, nodes A and B, on one token
# directory, spool and work directory (as the tokens_* tests run them).  A
# takes a two-pass job and is killed (SIGKILL, daemon and worker, as in a
# crash) once pass 1 is kept; B takes the job over when A's lease has run
# out, goes straight to pass 2 from the pass 1 A kept, and its log says
# it resumed and how much time that saved; the output is whole and B's.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 7
need_tools
need_distencd

SPOOL=$T/spool
TOK=$T/tok
OUT=$T/out
WORK=$T/work
TESTCONF=$T/p.conf
echo 'profiles = { test = { preset = "medium"; bitrate = 300; crop_samples = 12; }; };' \
    >"$TESTCONF"
for n in A B; do
	node_conf "$T/$n.conf" "$n" "$SPOOL" "$TOK" "$OUT" \
	    "work_dir = \"$WORK\"; keep_pass1 = true;"
done
clip_boxed "$T/clips/big.mkv" 10 640 360
frames=$(frame_count "$T/clips/big.mkv")
mkdir -p "$T/stage"

start_daemon "$T/A.conf" "$T/A.log"
PA=$DPID
cp "$T/clips/big.mkv" "$T/stage/a.mkv" && mv "$T/stage/a.mkv" "$SPOOL/a.mkv"
ID=$(job_id a.mkv "$SPOOL/a.mkv")
wait_until 120 test -f "$WORK/$ID/pass1.info"
# Its worker stopped first, so it is surely past pass 1 when killed.
wA=$(pgrep -P "$PA" | head -n 1)
kill -STOP "$wA"
kill -KILL "$PA" "$wA"
proc_gone_within 10 "$PA" "$wA"
ok "host A kept pass 1 in the shared work directory, then was killed" \
    test -f "$WORK/$ID/pass1.info"

start_daemon "$T/B.conf" "$T/B.log"
PB=$DPID
wait_until 300 test -f "$TOK/$ID.done" || diag "no done marker after $(scaled 300) s"
ok "host B finished the job" grep -q '^node B$' "$TOK/$ID.done"
LB=$T/node-B/logs/$ID.log
grep_ok "$LB" "taken over from node A\$" "B took the job over from A"
grep_ok "$LB" "pass 1: resumed from $WORK/$ID \\($frames frames\\): [0-9.]+s saved" \
    "B's log says it resumed at pass 2 and the time saved"
is "$(grep -Ec 'pass 1: [0-9]+ frames in' "$LB")" 0 "B did not run pass 1"
is "$(frame_count "$OUT/a.mkv")" "$frames" "the output has every frame"
ok "what pass 1 kept is removed once published" test ! -e "$WORK/$ID/pass1.info"
stop_daemon "$PB"
