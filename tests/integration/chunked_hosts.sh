#!/bin/sh
#
# A chunked job's chunks spread over hosts through the token directory
# (tests/chunked_hosts_lib.sh): two daemons share one film's chunks, each
# chunk encoded once, both encoding some (the holder's encoder held until
# the other has claimed a chunk), one of them joining; the chunks' tasks,
# the claims and the work directory are removed once the job is done.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/chunked_hosts_lib.sh"

plan 9
need_tools
need_distencd
chunked_hosts_setup

start_daemon "$T/A.conf" "$T/A.log"
PA=$DPID
start_daemon "$T/B.conf" "$T/B.log"
PB=$DPID
cp "$T/src/film.mkv" "$SPOOL/film.mkv"
ID=$(job_id film.mkv "$SPOOL/film.mkv")
# Whichever holds the film waits, once its plan is out, until the other
# has claimed a chunk: "both hosts encoded chunks" is then no race.
hold_until_helped "$TOK" "$ID" "A:$PA" "B:$PB"
wait_until 120 test -f "$TOK/$ID.done" || diag "no done marker after $(scaled 120) s"
ok "the job is marked done" test -f "$TOK/$ID.done"
ok "its output is AV1 with all $FRAMES frames" av1_frames_ok "$OUT/film.mkv" "$FRAMES"
LA=$T/node-A/logs/$ID.log
LB=$T/node-B/logs/$ID.log
ea=$(chunks_encoded_by "$LA")
eb=$(chunks_encoded_by "$LB")
diag "node A encoded chunks: $ea; node B: $eb"
ok "every chunk encoded exactly once over the two hosts" \
    each_once "$ea $eb"
ok "both hosts encoded chunks" test -n "$ea" -a -n "$eb"
joins=$(cat "$LA" "$LB" | grep -c 'the last of them here: joining')
is "$joins" 1 "one host joined the chunks"
# Whichever daemon did not claim the film helped with it, and says so.
cat "$T/A.log" "$T/B.log" >"$T/AB.log"
grep_ok "$T/AB.log" "helping node [AB] with its chunks" \
    "a daemon tells when it helps another host's job"
wait_until 30 test ! -d "$TOK/$ID.d"
ok "the chunks' tasks are removed once the job is done" \
    test ! -d "$TOK/$ID.d"
is "$(find "$TOK" -name '*.claim' | wc -l | tr -d ' ')" 0 "no claim left"
# The joining host empties it as it ends, maybe after the tasks are gone.
ok "the work directory is removed" wait_until 30 test ! -d "$WORK/$ID"
stop_daemon "$PA"
stop_daemon "$PB"
