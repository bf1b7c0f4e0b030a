#!/bin/sh
#
# distencd stops a worker that shows no progress for stall_timeout seconds
# (here a worker stopped with SIGSTOP, as one hung in a read would be): its
# job fails as transient with the reason, and its slot is free again.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 6
need_tools
need_distencd

CONF=$T/d.conf
DCONF_JOBS=1
clip letterbox "$T/clips/a.mkv"
clip_boxed "$T/clips/big.mkv" 10 640 360
write_dconf "$CONF" 'stall_timeout = 5;
max_attempts = 1;
directories = ( { path = "slow"; profile = "slowp"; } );' \
    'slowp = { inherit = "test"; preset = "medium"; };'
start_daemon_ready "$CONF"

spool_drop "$T/clips/big.mkv" slow/big.mkv
job_wait_state 60 slow/big.mkv running
wait_until 10 sh -c '[ -n "$(pgrep -P "$1")" ]' _ "$DPID"
w=$(pgrep -P "$DPID" | head -n 1)
kill -STOP "$w"
job_wait_state 60 slow/big.mkv failed done waiting
is "$(job_get slow/big.mkv state)" failed "the stalled job fails"
is "$(job_get slow/big.mkv error)" "no progress for 5 s: stopped" \
    "its reason says it made no progress"
ok "the stalled worker is gone" proc_gone_within 15 "$w"

spool_drop "$T/clips/a.mkv" next.mkv
job_wait_state 120 next.mkv done failed
is "$(job_get next.mkv state)" done "the slot is free again: the next job is done"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
ok "the daemon logged the stop" grep -q "no progress for 5 s: stopping the worker" "$DLOG"
