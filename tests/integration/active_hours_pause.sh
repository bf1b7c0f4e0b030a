#!/bin/sh
#
# outside_hours = "pause", the clock set by libfaketime to a Monday at
# noon: while a job runs, a reload to windows that leave out Monday stops
# its worker (SIGSTOP, state T) and the daemon keeps renewing the job's
# claim; a reload back to hours that include Monday continues the worker
# (SIGCONT), and the job is done.

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
SOCK=$T/control
TOK=$T/tok

# conf HOURS: the daemon's configuration with these active hours.
conf() {
	DCONF_JOBS=1 write_dconf "$T/d.conf" "control_socket = \"$SOCK\"; token_dir = \"$TOK\"; node = \"h1\"; lease = 8; outside_hours = \"pause\"; active_hours = [ $1 ];" \
	    'slowp = { inherit = "test"; preset = "medium"; };'
	sed -i 's/default_profile = "test";/default_profile = "slowp";/' "$T/d.conf"
}
# proc_state PID: the letter of /proc/PID/stat (R, S, T...).
proc_state() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1
}
stopped() {
	[ "$(proc_state "$1")" = T ]
}
not_stopped() {
	_s=$(proc_state "$1")
	[ -n "$_s" ] && [ "$_s" != T ]
}
mtime() {
	stat -c %Y "$1" 2>/dev/null
}
renewed_after() {
	_m=$(mtime "$1") && [ "$_m" -gt "$2" ]
}

conf '"Mon-Sun 00:00-24:00"'
clip_boxed "$T/clips/big.mkv" 4 640 360
mkdir -p "$T/stage"
LD_PRELOAD=$FAKELIB FAKETIME="@2026-12-07 12:00:00" start_daemon "$T/d.conf"
wait_until 15 test -S "$SOCK"
cp "$T/clips/big.mkv" "$T/stage/a.mkv" && mv "$T/stage/a.mkv" "$DSPOOL/a.mkv"
job_wait_state 30 a.mkv running
worker=$(pgrep -P "$DPID" | head -1)
id=$(job_get a.mkv id)

conf '"Tue-Sun 00:00-24:00"'
"$CTL" -S "$SOCK" reload >/dev/null 2>&1
wait_until 15 stopped "$worker"
ok "outside the hours the worker is stopped" stopped "$worker"
grep_ok "$DLOG" "stopped \\(SIGSTOP\\) 1 workers" "the log says so"
ok "the job is still running" job_state_in a.mkv running
m0=$(mtime "$TOK/$id.claim")
wait_until 20 renewed_after "$TOK/$id.claim" "$m0"
ok "its claim is renewed meanwhile" renewed_after "$TOK/$id.claim" "$m0"

conf '"Mon 00:00-24:00"'
"$CTL" -S "$SOCK" reload >/dev/null 2>&1
wait_until 15 not_stopped "$worker"
ok "inside the hours again the worker continues" not_stopped "$worker"
grep_ok "$DLOG" "continued \\(SIGCONT\\) 1 workers" "the log says so"
job_wait_state 300 a.mkv done
ok "and the job is done" job_state_in a.mkv done
stop_daemon
