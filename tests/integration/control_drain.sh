#!/bin/sh
#
# "reload" and "drain" through the control socket: a reload with a broken
# configuration answers an error naming the file and keeps the old one;
# a valid one answers ok and takes effect (the daemon's slots); "drain"
# while a job runs lets it finish, starts no job (a file dropped after it
# is queued), and the daemon exits with status 0 once the running job is
# done.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 9
need_tools
need_distencd
CTL=${top_builddir}/distencctl
SOCK=$T/control

CONF=$T/d.conf
DCONF_JOBS=1 write_dconf "$CONF" "control_socket = \"$SOCK\";" \
    'slowp = { inherit = "test"; preset = "medium"; };'
sed -i 's/default_profile = "test";/default_profile = "slowp";/' "$CONF"
cp "$CONF" "$T/good.conf"
clip_boxed "$T/clips/big.mkv" 4 640 360
mkdir -p "$T/stage"
drop() {
	cp "$T/clips/big.mkv" "$T/stage/$1" && mv "$T/stage/$1" "$DSPOOL/$1"
}

start_daemon "$CONF"
wait_until 15 test -S "$SOCK"
sed 's/^jobs = 1;/jobs = "many";/' "$T/good.conf" >"$CONF"
"$CTL" -c "$T/good.conf" reload >"$T/bad.out" 2>&1
ok "a reload of a broken configuration fails (exit 1)" \
    sh -c '[ "$1" = 1 ] && grep -q "old configuration is kept: $2:[0-9]*: jobs" "$3"' \
    _ "$?" "$CONF" "$T/bad.out"
sed 's/^jobs = 1;/jobs = 2;/' "$T/good.conf" >"$CONF"
"$CTL" -c "$T/good.conf" reload >"$T/good.out" 2>&1
ok "a reload of a valid one is taken" \
    sh -c '[ "$1" = 0 ] && grep -q "^reloaded $2" "$3"' _ "$?" "$CONF" "$T/good.out"
wait_until 10 grep -q '"slots": *2' "$DSTATUS/distencd.json"
grep_ok "$DSTATUS/distencd.json" '"slots": *2' "the new slots are in effect"
# Back to one slot, so the second file has to wait.
cp "$T/good.conf" "$CONF"
"$CTL" -c "$CONF" reload >/dev/null 2>&1
wait_until 10 grep -q '"slots": *1' "$DSTATUS/distencd.json"

drop first.mkv
job_wait_state 30 first.mkv running
# The worker is held (SIGSTOP) until the second file is queued, so the
# first job is surely running all the while.
worker=$(pgrep -P "$DPID" | head -1)
kill -STOP "$worker"
"$CTL" -c "$CONF" drain >"$T/drain.out" 2>&1
ok "drain is answered" sh -c '[ "$1" = 0 ] && grep -q "^draining" "$2"' _ "$?" "$T/drain.out"
drop second.mkv
job_wait_state 30 second.mkv queued
kill -CONT "$worker"
ok "the daemon exits by itself once the running job ends" proc_gone_within 300 "$DPID"
wait "$DPID"
is "$?" 0 "with status 0"
ok "the running job is done" job_state_in first.mkv done
ok "the queued one was not started" job_state_in second.mkv queued ||
    diag "second.mkv: $(job_get second.mkv state) $(job_get second.mkv error)"
grep_ok "$DLOG" "drained: no job running, stopping" "the log says it drained"
