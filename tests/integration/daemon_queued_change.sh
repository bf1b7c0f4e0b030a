#!/bin/sh
#
# distencd, one slot busy with a 20 s clip at preset medium: q.mkv
# settles and is queued behind it, then is rewritten (another clip): the
# job queued for the old file must not run, the new file is a new job,
# encoded as it is.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 2
need_tools
need_distencd

signals_setup 1

drop "$T/clips/big20.mkv" slow/busy.mkv
job_wait_state 60 slow/busy.mkv running
drop "$T/clips/lb.mkv" q.mkv
job_wait_state 15 q.mkv queued
q_old=$(job_status q.mkv)
q_pre="busy $(job_get slow/busy.mkv state), q.mkv $(job_get q.mkv state)"
cat "$T/clips/pb.mkv" >"$DSPOOL/q.mkv"
diag "q.mkv rewritten in place ($q_pre)"
: >"$T/q_old.seen"
q_done() {
	[ -n "$q_old" ] && json_get "$q_old" state >>"$T/q_old.seen"
	_qs=$(job_status q.mkv) && [ "$_qs" != "$q_old" ] &&
	    job_state_in q.mkv done failed
}
wait_until 400 q_done
[ -n "$q_old" ] && json_get "$q_old" state >>"$T/q_old.seen"
if [ "$q_pre" != "busy running, q.mkv queued" ]; then
	fail "a queued job whose file changed does not run"
	diag "  cannot tell: when q.mkv was rewritten: $q_pre"
elif grep -Eq 'running|done' "$T/q_old.seen"; then
	fail "a queued job whose file changed does not run"
	diag "  the job of the old q.mkv ($q_old) went through: $(sort "$T/q_old.seen" | uniq -c | tr '\n' ' ')"
else
	pass "a queued job whose file changed does not run"
fi
q_new=$(job_status q.mkv)
if [ -n "$q_new" ] && [ "$q_new" != "$q_old" ] &&
    [ "$(job_get q.mkv state)" = done ] &&
    [ "$(job_get q.mkv summary)" != "output exists, skipped" ] &&
    [ "$(video_size "$DOUT/q.mkv")" = 240x180 ] &&
    [ "$(frame_count "$DOUT/q.mkv")" = "$(frame_count "$T/clips/pb.mkv")" ]; then
	pass "the changed file is a new job, encoded as it is now (240x180)"
else
	fail "the changed file is a new job, encoded as it is now (240x180)"
	diag "  status $q_new (old $q_old): state '$(job_get q.mkv state)'," \
	    "  summary '$(job_get q.mkv summary)', output $(video_size "$DOUT/q.mkv")"
fi
job_wait_state 60 slow/busy.mkv done failed

