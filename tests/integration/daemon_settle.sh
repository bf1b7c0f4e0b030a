#!/bin/sh
#
# distencd and a file copied into its spool slowly (five pieces, one
# second apart): not taken while being written, started no earlier than
# settle_time after the last write, encoded whole.  settle_time is 2 s
# times DISTENC_TEST_TIMEOUT_SCALE, so that a busy machine's late piece
# does not look settled.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 4
need_tools
need_distencd

SETTLE=$(scaled 2 | cut -d. -f1)
DCONF_SETTLE=$SETTLE daemon_setup

# Five pieces, one second apart: with settle_time $SETTLE it must not be taken
# before the last one has settled.
slow=$DSPOOL/slow.mkv
slow_copy "$T/clips/lb.mkv" "$slow" slow.mkv "$DOUT/slow.mkv" 5 1
slow_mtime=$(stat -c %Y "$slow")
if awk -v g="$SLOW_MAXGAP" -v s=$SETTLE 'BEGIN { exit !(g >= s) }'; then
	fail "slow copy (5 pieces, 1 s apart): not taken while being written"
	diag "  cannot tell: the test wrote two pieces $SLOW_MAXGAP s apart (settle_time $SETTLE)"
elif [ -z "$SLOW_EARLY" ]; then
	pass "slow copy (5 pieces, 1 s apart): not taken while being written"
else
	fail "slow copy (5 pieces, 1 s apart): not taken while being written"
	diag "  $SLOW_EARLY"
fi
diag "  longest gap between two pieces: $SLOW_MAXGAP s"


job_wait_state 90 slow.mkv done failed
is "$(job_get slow.mkv state)" done "slow copy: encoded once settled (state done)"
slow_started=$(iso_epoch "$(job_get slow.mkv started)")
if [ -n "$slow_started" ] &&
    awk -v s="$slow_started" -v m="$slow_mtime" -v t=$SETTLE \
    'BEGIN { exit !(s >= m + t) }'; then
	pass "slow copy: started no earlier than settle_time after the last write"
else
	fail "slow copy: started no earlier than settle_time after the last write"
fi
diag "  last write (mtime) $slow_mtime, started $(job_get slow.mkv started) = $slow_started"
if [ "$(probe_stream "$DOUT/slow.mkv" v:0 codec_name)" = hevc ] &&
    [ "$(frame_count "$DOUT/slow.mkv")" = "$SRC_FRAMES" ]; then
	pass "slow copy: output is HEVC with the source's $SRC_FRAMES frames"
else
	fail "slow copy: output is HEVC with the source's $SRC_FRAMES frames"
	diag "  codec '$(probe_stream "$DOUT/slow.mkv" v:0 codec_name)'," \
	    "  frames '$(frame_count "$DOUT/slow.mkv")'"
fi

