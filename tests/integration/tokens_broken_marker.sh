#!/bin/sh
#
# A daemon finding a job's done marker corrupt leaves that job waiting,
# saying why, and goes on with the others; once the marker is gone the
# job is taken and encoded.  Never "done" for a job not done.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 5
need_tools
need_distencd

TLEASE=4
TPOLL=1
TJOBS=1
B=$T/broken
mkdir -p "$T/tmp"
tiny "$T/tmp/a.mkv" 0.6
tiny "$T/tmp/b.mkv" 0.6
node_conf "$B.conf" "eta" "$B/spool" "$B/tok" "$B/out"
DSTATUS=$T/node-eta/status
start_daemon "$B.conf" "$B.log"
wait_until 10 test -f "$B/tok/.distenc-tokens"
id=$(job_id a.mkv "$T/tmp/a.mkv")
printf 'distenc-done 1\nnode other\n' >"$B/tok/$id.done"	# cut short
mv "$T/tmp/a.mkv" "$B/spool/a.mkv"
mv "$T/tmp/b.mkv" "$B/spool/b.mkv"
wait_until 60 test -f "$B/out/b.mkv"
ok "the other job is encoded" test -f "$B/out/b.mkv"
job_wait_state 20 a.mkv waiting
case $(job_get a.mkv error) in
(*"$id.done: done marker is incomplete"*"not taken as done"*)
	pass "the job with the corrupt marker waits, naming it and why" ;;
(*)	fail "the job with the corrupt marker waits, naming it and why"
	diag "$(jobs_table)" ;;
esac
ok "it is not encoded, nor done" \
    sh -c '[ ! -e "$1/a.mkv" ] && ! grep -q "a.mkv: done" "$2"' _ "$B/out" "$B.log"
rm -f "$B/tok/$id.done"
wait_until 60 test -f "$B/out/a.mkv"
ok "the marker gone: the job is encoded" test -f "$B/out/a.mkv"
stop_daemon
is "$DRC" 0 "the daemon stops cleanly"
