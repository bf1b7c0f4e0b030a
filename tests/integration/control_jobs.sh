#!/bin/sh
#
# Steering jobs through the control socket (one slot, a token directory):
# while paused, dropped files stay queued; "priority" puts the later one
# first, so it is the one that starts on "resume"; "cancel" stops its
# worker, the job is "cancelled" with its claim given back and a failed
# marker for the other hosts, and it is not started again when the slot
# is free (the other job runs to done); "retry" queues it again and it
# is done; an unknown id is an error.  Jobs are named by their path.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 18
need_tools
need_distencd
CTL=${top_builddir}/distencctl
SOCK=$T/control
TOK=$T/tok

CONF=$T/d.conf
DCONF_JOBS=1 write_dconf "$CONF" "control_socket = \"$SOCK\"; token_dir = \"$TOK\"; node = \"ctl1\"; lease = 8;" \
    'slowp = { inherit = "test"; preset = "medium"; };'
sed -i 's/default_profile = "test";/default_profile = "slowp";/' "$CONF"
clip_boxed "$T/clips/big.mkv" 4 640 360
mkdir -p "$T/stage"
drop() {
	cp "$T/clips/big.mkv" "$T/stage/$1" && mv "$T/stage/$1" "$DSPOOL/$1"
}
ctl() {
	"$CTL" -c "$CONF" "$@"
}
# counts Q R: the daemon's status says Q queued and R running, paused.
counts() {
	[ "$(json_get "$DSTATUS/distencd.json" counts.queued)" = "$1" ] &&
	    [ "$(json_get "$DSTATUS/distencd.json" counts.running)" = "$2" ] &&
	    [ "$(json_get "$DSTATUS/distencd.json" state)" = paused ]
}

# dcount STATE N: the daemon's status counts N jobs in STATE.
dcount() {
	[ "$(json_get "$DSTATUS/distencd.json" "counts.$1")" = "$2" ]
}

start_daemon "$CONF"
wait_until 15 test -S "$SOCK"
ctl pause >/dev/null 2>&1
is "$?" 0 "pause"
drop first.mkv
drop second.mkv
job_wait_state 30 first.mkv queued
job_wait_state 30 second.mkv queued
# The status is written after the loop's pass that would have started
# a job: both seen, none running, while paused.
wait_until 15 counts 2 0
ok "paused: both files queued, none started" counts 2 0

ctl priority second.mkv 5 >"$T/prio.out" 2>&1
ok "priority of the later file" sh -c '[ "$1" = 0 ] && grep -q "priority 5" "$2"' _ "$?" "$T/prio.out"
ctl resume >/dev/null 2>&1
job_wait_state 30 second.mkv running
ok "on resume the file with the higher priority starts first" job_state_in second.mkv running
ok "the other waits for the slot" job_state_in first.mkv queued

id2=$(job_get second.mkv id)
ok "its claim is held" test -e "$TOK/$id2.claim"
worker=$(pgrep -P "$DPID" | head -1)
ctl cancel second.mkv >"$T/cancel.out" 2>&1
ok "cancel of the running job is answered" \
    sh -c '[ "$1" = 0 ] && grep -q "^cancelling" "$2"' _ "$?" "$T/cancel.out"
job_wait_state 30 second.mkv cancelled
ok "the job is cancelled" job_state_in second.mkv cancelled
ok "its worker is gone" proc_gone_within 10 "$worker"
ok "its claim is given back" test ! -e "$TOK/$id2.claim"
grep_ok "$TOK/$id2.failed" "cancelled" "a failed marker says cancelled"
job_wait_state 300 first.mkv done
ok "the other job runs to done" job_state_in first.mkv done
# The daemon's status counts the done job only after the loop's pass that
# would start a job in the free slot: then nothing may be running.
wait_until 15 dcount done 1
ok "the cancelled job is not started again in the free slot" \
    sh -c '[ "$1" = 0 ] && [ "$2" = 1 ]' _ \
    "$(json_get "$DSTATUS/distencd.json" counts.running)" \
    "$(json_get "$DSTATUS/distencd.json" counts.cancelled)"
ok "and has no output" test ! -e "$DOUT/second.mkv"

ctl retry second.mkv >"$T/retry.out" 2>&1
ok "retry is answered" sh -c '[ "$1" = 0 ] && grep -q "queued .* again" "$2"' _ "$?" "$T/retry.out"
job_wait_state 300 second.mkv done
ok "the retried job is done" job_state_in second.mkv done
ok "with its output" test -s "$DOUT/second.mkv"
ctl cancel no-such-job >"$T/nojob.out" 2>&1
ok "cancel of an unknown job is an error (exit 1)" \
    sh -c '[ "$1" = 1 ] && grep -q "no job no-such-job" "$2"' _ "$?" "$T/nojob.out"
stop_daemon
