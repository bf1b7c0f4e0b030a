#!/bin/sh
#
# distencd and a file that is no media file (a text file named .mkv): its
# job fails with "not a media file" at once, is not retried (attempts 1),
# and the daemon carries on: a good file dropped after it is encoded.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 4
need_tools
need_distencd

daemon_setup
clip notmedia "$T/stage/notmedia.mkv"
mv "$T/stage/notmedia.mkv" "$DSPOOL/notmedia.mkv"

if job_wait_state 60 notmedia.mkv failed &&
    job_get notmedia.mkv error | grep -qi 'not a media file'; then
	pass "a text file named .mkv fails with \"not a media file\""
else
	fail "a text file named .mkv fails with \"not a media file\""
	diag "  error: $(job_get notmedia.mkv error)"
fi
stage after.mkv
mv "$T/stage/after.mkv" "$DSPOOL/after.mkv"
job_wait_state 60 after.mkv done failed
if [ "$(job_get after.mkv state)" = done ] &&
    [ "$(probe_stream "$DOUT/after.mkv" v:0 codec_name)" = hevc ]; then
	pass "a good file dropped after the failed one is encoded"
else
	fail "a good file dropped after the failed one is encoded"
fi
# Two more turns of the daemon's loop: a retry would have begun.
status_rewritten 2 "$DJSON" 30
if [ "$(job_get notmedia.mkv state):$(job_get notmedia.mkv attempts)" = failed:1 ]; then
	pass "notmedia.mkv: failed at once, not retried (attempts 1)"
else
	fail "notmedia.mkv: failed at once, not retried (attempts 1)"
	diag "  state '$(job_get notmedia.mkv state)', attempts '$(job_get notmedia.mkv attempts)'"
fi
if wait_until 10 counts_are 1 1; then
	pass "distencd.json: counts.done 1, counts.failed 1, busy 0, queue 0"
else
	fail "distencd.json: counts.done 1, counts.failed 1, busy 0, queue 0"
	diag "$(cat "$DJSON")"
fi
