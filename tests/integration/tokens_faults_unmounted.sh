#!/bin/sh
#
# The token directory unmounted (its marker .distenc-tokens missing): the
# daemon says so in its log and its status, encodes nothing and makes no
# marker on the empty mount point while it is so; once mounted again the
# job is done.  "Nothing" is checked after the daemon has queued the job
# and gone round its loop once more.  Needs bind mounts (root).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/tokens_faults_lib.sh"

plan 5
need_tools
need_distencd
faults_clips 1

U=$T/unmount
mkdir -p "$U/share" "$U/tok"
if ! mount --bind "$U/share" "$U/tok" 2>"$T/mount.err"; then
	diag "cannot bind-mount: $(cat "$T/mount.err")"
	for d in "says so" "nothing is encoded" "no marker" "status says why" \
	    "mounted again"; do
		skip "token directory unmounted: $d" "bind mounts need root"
	done
	exit 0
fi
printf '%s\n' "$U/tok" >>"$T/.mounts"
node_conf "$U.conf" "gamma" "$U/spool" "$U/tok" "$U/out"
start_daemon "$U.conf" "$U-1.log"
wait_until 10 test -f "$U/tok/.distenc-tokens"
stop_daemon
umount "$U/tok"
start_daemon "$U.conf" "$U-2.log"
wait_until 10 grep -q "is the share mounted" "$U-2.log"
grep_ok "$U-2.log" "marker .distenc-tokens is missing.*is the share mounted" \
    "token directory unmounted: the daemon says so"
drop_clip 1 "$U/spool"
queued_and_looked gamma
ok "token directory unmounted: nothing is encoded" \
    sh -c '! grep -q "started:" "$1" && [ ! -e "$2/s1.mkv" ]' _ "$U-2.log" "$U/out"
ok "token directory unmounted: no marker made on the empty mount point" \
    test ! -e "$U/tok/.distenc-tokens"
case $(json_get "$(node_status gamma)" tokens) in
(*"is the share mounted"*) pass "token directory unmounted: the daemon status says why";;
(*) fail "token directory unmounted: the daemon status says why";;
esac
mount --bind "$U/share" "$U/tok"
# The output is published before the done marker is written: wait for
# the marker itself.
ok "mounted again: the job is then done" wait_until 120 \
    test -f "$U/tok/$(job_id s1.mkv "$U/spool/s1.mkv").done"
stop_daemon
