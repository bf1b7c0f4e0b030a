#!/bin/sh
#
# job_retention_count = 2: with three jobs done, the oldest one whose
# source has left the spool is forgotten and its status file removed; the
# oldest of all is kept, its source still in the spool (forgetting it
# would encode the file again), and so is the newest, within the count.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 6
need_tools
need_distencd

CONF=$T/d.conf
DCONF_POLL=1
DCONF_JOBS=1
clip letterbox "$T/clips/a.mkv"
write_dconf "$CONF" 'job_retention_count = 2;'
start_daemon_ready "$CONF"

# One after the other, so they end in this order.
for n in first second third; do
	spool_drop "$T/clips/a.mkv" "$n.mkv"
	job_wait_state 120 "$n.mkv" done failed
done
is "$(job_get first.mkv state) $(job_get second.mkv state) $(job_get third.mkv state)" \
    "done done done" "three jobs are done"
first_status=$(job_status first.mkv)
second_status=$(job_status second.mkv)
third_status=$(job_status third.mkv)

rm "$DSPOOL/second.mkv" "$DSPOOL/third.mkv"
ok "the oldest job whose source left the spool is forgotten: its status file removed" \
    wait_until 30 sh -c '! test -e "$1"' _ "$second_status"
ok "the oldest job, its source still in the spool, is kept" test -e "$first_status"
ok "the newest is kept, within the count" test -e "$third_status"
grep_ok "$DLOG" "forgot 1 finished jobs beyond job_retention_count 2" \
    "the daemon says what it forgot and why"
two_done() {
	[ "$(json_get "$DSTATUS/distencd.json" counts.done)" = 2 ]
}
wait_until 10 two_done
is "$(json_get "$DSTATUS/distencd.json" counts.done)" 2 "the daemon counts two done jobs"
stop_daemon
