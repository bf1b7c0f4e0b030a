#!/bin/sh
#
# A chunked job's chunks spread over hosts through the token directory
# (tests/chunked_hosts_lib.sh): two "distenc -t" batches share a film,
# each chunk encoded once; an interrupted batch leaves no claim and no
# partial chunk, and another batch finishes the film reusing its chunks.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/chunked_hosts_lib.sh"

plan 8
need_tools
need_distencd
chunked_hosts_setup

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
