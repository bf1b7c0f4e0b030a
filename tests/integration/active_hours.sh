#!/bin/sh
#
# Active hours (active_hours = "Mon-Fri 19:00-07:00"), with the clock set
# by libfaketime: on a Monday at noon a dropped file stays queued, the
# daemon's status and "distencctl status" say it is outside its hours
# until Monday 19:00; restarted at 18:59:58 the same day, the job starts
# once the window opens, and the log says so.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 7
need_tools
need_distencd
CTL=${top_builddir}/distencctl
if ! faketime_lib; then
	bail_rest "libfaketime (package faketime) is not installed"
	exit 0
fi
export TZ=UTC

CONF=$T/d.conf
write_dconf "$CONF" 'active_hours = [ "Mon-Fri 19:00-07:00" ]; outside_hours = "finish";'
clip letterbox "$T/clips/lb.mkv" 2
mkdir -p "$T/stage"
# start_at TIME: the daemon, its clock starting at TIME (UTC).
start_at() {
	LD_PRELOAD=$FAKELIB FAKETIME="@$1" start_daemon "$CONF"
}
dstate() {
	[ "$(json_get "$DSTATUS/distencd.json" state)" = "$1" ]
}
queued_only() {
	[ "$(json_get "$DSTATUS/distencd.json" counts.queued)" = 1 ] &&
	    [ "$(json_get "$DSTATUS/distencd.json" counts.running)" = 0 ]
}

start_at "2026-12-07 12:00:00"
wait_until 15 dstate "outside active hours"
ok "at Monday noon the daemon is outside its active hours" dstate "outside active hours"
cp "$T/clips/lb.mkv" "$T/stage/a.mkv" && mv "$T/stage/a.mkv" "$DSPOOL/a.mkv"
job_wait_state 30 a.mkv queued
# Written after the loop's pass that would have started it.
wait_until 15 queued_only
ok "a dropped file is queued, not started" queued_only
"$CTL" -c "$CONF" status >"$T/status.out" 2>&1
grep_ok "$T/status.out" "^active hours: outside \\(running jobs finish\\) until Mon 2026-12-07 19:00 UTC\$" \
    "distencctl status says the state and the next change"
grep_ok "$DLOG" "outside active hours: no job starts" "the log says it"
stop_daemon

start_at "2026-12-07 18:59:58"
job_wait_state 60 a.mkv running done
ok "the job starts when the window opens" job_state_in a.mkv running done
grep_ok "$DLOG" "inside active hours: jobs start" "the log says the window opened"
started=$(job_get a.mkv started)
ok "it started at or after 19:00 by the daemon's clock" \
    sh -c 'case $1 in 2026-12-07T19:*) exit 0;; esac; exit 1' _ "$started"
stop_daemon
