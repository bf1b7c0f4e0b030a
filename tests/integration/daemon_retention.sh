#!/bin/sh
#
# distencd forgets a finished job job_retention seconds after it ended once
# its source has left the spool, and removes its status file; a finished
# job whose source is still in the spool is kept (forgetting it would
# encode the file again).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distencd

CONF=$T/d.conf
DCONF_POLL=1
clip letterbox "$T/clips/a.mkv"
write_dconf "$CONF" 'job_retention = 1;'
start_daemon_ready "$CONF"

spool_drop "$T/clips/a.mkv" gone.mkv
spool_drop "$T/clips/a.mkv" kept.mkv
job_wait_state 120 gone.mkv done failed
job_wait_state 120 kept.mkv done failed
is "$(job_get gone.mkv state) $(job_get kept.mkv state)" "done done" \
    "both jobs are done"
gone_status=$(job_status gone.mkv)

rm "$DSPOOL/gone.mkv"
ok "the job whose source left the spool is forgotten: its status file removed" \
    wait_until 30 sh -c '! test -e "$1"' _ "$gone_status"
is "$(job_get kept.mkv state)" done \
    "the job whose source is still in the spool is kept"
is "$(json_get "$DSTATUS/distencd.json" counts.done)" 1 \
    "the daemon counts one done job"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
