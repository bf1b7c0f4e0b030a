#!/bin/sh
#
# "retry" of a job that failed before the daemon's last start: the file
# (not a video) fails for good; after a restart the job is remembered as
# failed and not started again when the spool offers its file;
# "distencctl retry" queues it, the spool offers the file again and the
# job runs (and fails again, the file being
# what it is), its attempts counted from 0; a job that is not failed or
# cancelled is refused.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 7
need_distencd
CTL=${top_builddir}/distencctl
SOCK=$T/control

CONF=$T/d.conf
write_dconf "$CONF" "control_socket = \"$SOCK\"; max_attempts = 1;"
mkdir -p "$T/stage"
head -c 20000 /dev/urandom >"$T/stage/bad.mkv"
mv "$T/stage/bad.mkv" "$DSPOOL/bad.mkv"
# started: how many times the job was started, by its log.
started() {
	grep -c ": started: attempt\\|^.* started: attempt" "$DLOGS/$(job_get bad.mkv id).log"
}

start_daemon "$CONF"
job_wait_state 60 bad.mkv failed
ok "a file that is no video fails" job_state_in bad.mkv failed
stop_daemon
start_daemon "$CONF"
wait_until 15 test -S "$SOCK"
# A file dropped now settles after bad.mkv: once it has a job, the spool
# has offered bad.mkv too (and the daemon passed it by, as failed).
cp "$DSPOOL/bad.mkv" "$T/stage/later.mkv" && echo x >>"$T/stage/later.mkv"
mv "$T/stage/later.mkv" "$DSPOOL/later.mkv"
job_wait_state 60 later.mkv queued running failed
ok "after a restart it is remembered as failed" job_state_in bad.mkv failed
is "$(started)" 1 "and not started again"

"$CTL" -c "$CONF" retry bad.mkv >"$T/retry.out" 2>&1
ok "retry is answered" sh -c '[ "$1" = 0 ] && grep -q "^queued .* again" "$2"' _ "$?" "$T/retry.out"
wait_until 60 sh -c '[ "$(grep -c "started: attempt" "$1")" = 2 ]' _ "$DLOGS/$(job_get bad.mkv id).log"
is "$(started)" 2 "the spool offers the file again and the job is started"
job_wait_state 60 bad.mkv failed
is "$(job_get bad.mkv attempts)" 1 "its attempts counted from 0"
"$CTL" -c "$CONF" retry no-such-job >/dev/null 2>&1
is "$?" 1 "retry of an unknown job is refused"
stop_daemon
