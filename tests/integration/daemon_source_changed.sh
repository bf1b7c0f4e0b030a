#!/bin/sh
#
# A source cut short while its job encodes (its worker held with SIGSTOP
# meanwhile, as pass 1 begins): the job fails for good with that reason,
# "the file changed while it was encoded", its sizes before and after,
# not with what reading the cut file looked like (damage), and it is not
# retried.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 3
need_tools
need_distencd

write_dconf "$CONF" 'max_attempts = 3;' \
    'slowp = { inherit = "test"; preset = "medium"; };'
sed -i 's/default_profile = "test";/default_profile = "slowp";/' "$CONF"
clip_boxed "$T/clips/big.mkv" 10 640 360
size=$(stat -c %s "$T/clips/big.mkv")
start_daemon_ready "$CONF"

# in_pass1: the job's status says pass 1 (written as it begins).
in_pass1() {
	[ "$(job_get a.mkv stage)" = "pass 1" ]
}

drop "$T/clips/big.mkv" a.mkv
job_wait_state 60 a.mkv running
wait_until 60 in_pass1
st=$(job_status a.mkv)
w=$(workers | head -n 1)
kill -STOP "$w"
truncate -s 100000 "$DSPOOL/a.mkv"
kill -CONT "$w"
# failed_or_waiting: the first version's job has ended an attempt.
failed_or_waiting() {
	case $(json_get "$st" state) in
	failed|waiting|done) return 0 ;;
	esac
	return 1
}
wait_until 120 failed_or_waiting
is "$(json_get "$st" state)" failed "the job fails for good"
is "$(json_get "$st" error)" \
    "the file changed while it was encoded ($size bytes, now 100000): the version read is no longer there" \
    "its reason: the file changed, with its sizes"
is "$(json_get "$st" attempts)" 1 "it is not retried"
stop_daemon
