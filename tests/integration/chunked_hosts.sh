#!/bin/sh
#
# A chunked job's chunks spread over hosts through the token directory
# (one machine, several node names, one shared work directory): two
# daemons share one film's chunks, each chunk encoded once, one of them
# joins (the holder's encoder held until the other has claimed a chunk,
# so that both do); a host killed outright (daemon, worker and encoders,
# kill -9) mid-job, and the job finished by another that reuses the chunks it
# finished and takes over the one it was encoding; two "distenc -t"
# batches share a film the same way; an interrupted batch leaves no
# claim and no partial chunk.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 26
need_tools
need_distencd

# A fast chunked AV1 profile, ten chunks of the 100-frame scenes clip.
TESTCONF=$T/chunk.conf
cat >"$TESTCONF" <<EOF
profiles = { test = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16; threads = 1; parallel_encodes = 1; min_chunk_length = 8; max_chunk_length = 12; crop = "off"; }; };
EOF
NCHUNKS=10
FRAMES=$MKCLIP_SCENE_FRAMES
TLEASE=4
TPOLL=1
export TLEASE TPOLL
WORK=$T/work
TOK=$T/tokens
OUT=$T/out
SPOOL=$T/spool
clip scenes "$T/src/film.mkv"

# each_once "LIST": every chunk 0..NCHUNKS-1 exactly once in LIST.
each_once() {
	[ "$(printf '%s\n' $1 | sort -n | tr '\n' ' ')" = \
	    "$(seq 0 $((NCHUNKS - 1)) | tr '\n' ' ')" ]
}

# --- two daemons share one film's chunks --------------------------------

for n in A B; do
	node_conf "$T/$n.conf" "$n" "$SPOOL" "$TOK" "$OUT" \
	    "work_dir = \"$WORK\";"
done
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
ok "the work directory is removed" test ! -d "$WORK/$ID"
stop_daemon "$PA"
stop_daemon "$PB"

# --- a host killed mid-job; another finishes it ---------------------------

rm -rf "$SPOOL" "$OUT"
mkdir -p "$SPOOL"
cp "$T/src/film.mkv" "$SPOOL/film2.mkv"
ID=$(job_id film2.mkv "$SPOOL/film2.mkv")
start_daemon "$T/A.conf" "$T/A2.log"
PA=$DPID
wait_until 60 sh -c '[ "$(ls "$1" 2>/dev/null | grep -c "\.c[0-9]*\.done$")" -ge 3 ]' \
    _ "$TOK/$ID.d" || diag "node A finished no 3 chunks in $(scaled 60) s"
# The whole host at once: the daemon, its worker and the encoders.
kids=$(proc_descendants "$PA")
kill -KILL "$PA" $kids 2>/dev/null
proc_gone_within 5 "$PA" $kids
wait "$PA" 2>/dev/null
grep -vx "$PA" "$T/.daemons" >"$T/.daemons.new"
mv "$T/.daemons.new" "$T/.daemons"
donea=$(ls "$TOK/$ID.d" | sed -n 's/.*\.c0*\([0-9][0-9]*\)\.done$/\1/p' |
    sort -n | tr '\n' ' ')
diag "node A had finished chunks: $donea"
ok "the killed host left its claims" test -n "$(find "$TOK" -name '*.claim')"
start_daemon "$T/B.conf" "$T/B2.log"
PB=$DPID
wait_until 120 test -f "$TOK/$ID.done" || diag "no done marker after $(scaled 120) s"
LB=$T/node-B/logs/$ID.log
ok "the other host finished the job" test -f "$TOK/$ID.done"
ok "its output is AV1 with all $FRAMES frames" av1_frames_ok "$OUT/film2.mkv" "$FRAMES"
eb=$(chunks_encoded_by "$LB")
diag "node B encoded chunks: $eb"
again=
for k in $donea; do
	case " $eb " in *" $k "*) again="$again $k" ;; esac
done
is "${again:-none}" none "no chunk node A finished was encoded again"
ok "node A's chunks and node B's make the film, each once" \
    each_once "$donea $eb"
grep_ok "$LB" "chunk [0-9]*: done by node A" \
    "node B says which chunks node A had done"
grep_ok "$LB" "chunk [0-9]*: taken over from node A|removing .*left by an encoder" \
    "node B took over the chunk node A was encoding"
grep_ok "$T/node-B/status/$ID.json" '"done"' "node B's status shows it done"
is "$(find "$TOK" -name '*.claim' | wc -l | tr -d ' ')" 0 "no claim left"
stop_daemon "$PB"

# --- two batches share a film; an interrupted batch -------------------------

export XDG_STATE_HOME="$T/state"
BCONF=$T/batch.conf
cat >"$BCONF" <<EOF
$(cat "$TESTCONF")
default_profile = "test";
jobs = 1;
stats_dir = "$T/stats";
work_dir = "$T/bwork";
lease = 4;
poll_interval = 1;
EOF
BTOK=$T/btokens
rm -rf "$T/bout"
"$DISTENC" -c "$BCONF" -t "$BTOK" --node X -o "$T/bout" "$T/src/film.mkv" \
    >"$T/x.out" 2>"$T/x.err" &
PX=$!
# X holds the film (and plans it) before Y starts.
BID=$(job_id film.mkv "$T/src/film.mkv")
wait_until 60 test -f "$BTOK/$BID.claim"
"$DISTENC" -c "$BCONF" -t "$BTOK" --node Y -o "$T/bout" "$T/src/film.mkv" \
    >"$T/y.out" 2>"$T/y.err"
RY=$?
wait "$PX"
RX=$?
is "$RX $RY" "0 0" "both batches succeed"
ok "the output is AV1 with all $FRAMES frames" av1_frames_ok "$T/bout/film.mkv" "$FRAMES"
ex=$(chunks_encoded_by "$T/x.err")
ey=$(chunks_encoded_by "$T/y.err")
diag "batch X encoded chunks: $ex; batch Y: $ey"
ok "every chunk encoded exactly once over the two batches" each_once "$ex $ey"
grep_ok "$T/y.out" "done: .*film.mkv" "the second batch reports the film done"

rm -rf "$T/bout"
BTOK=$T/btokens2
"$DISTENC" -c "$BCONF" -t "$BTOK" --node X -o "$T/bout" "$T/src/film.mkv" \
    >"$T/x2.out" 2>"$T/x2.err" &
PX=$!
wait_until 60 sh -c '[ "$(ls "$1" 2>/dev/null | grep -c "\.c[0-9]*\.done$")" -ge 2 ]' \
    _ "$BTOK/$BID.d"
kill -INT "$PX"
wait "$PX"
is "$(find "$BTOK" -name '*.claim' | wc -l | tr -d ' ')" 0 \
    "an interrupted batch leaves no claim"
is "$(find "$T/bwork" -name '.chunk-*' | wc -l | tr -d ' ')" 0 \
    "and no partial chunk"
"$DISTENC" -c "$BCONF" -t "$BTOK" --node Y -o "$T/bout" "$T/src/film.mkv" \
    >"$T/y2.out" 2>"$T/y2.err"
ok "another batch finishes the film" av1_frames_ok "$T/bout/film.mkv" "$FRAMES"
grep_ok "$T/y2.err" "chunk [0-9]*: done by node X" \
    "reusing the chunks the interrupted one finished"
