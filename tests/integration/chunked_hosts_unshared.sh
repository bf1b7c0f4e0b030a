#!/bin/sh
#
# A host whose work_dir is not the job's host's cannot help with its
# chunks (the plan and the chunks are in the job's work directory), and a
# helper never makes that directory: it would be left behind (seen when a
# helper started as the job ended, after the job's host had removed it).
# Two daemons on one token directory, each with a work_dir of its own: the
# job's host's chunk encoder is held (SIGSTOP) until the other host's
# helper has looked and said why it cannot help; that host's work_dir then
# has no directory for the job, and the job ends done on its host.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/chunked_hosts_lib.sh"

plan 5
need_tools
need_distencd
chunked_hosts_setup
for n in A B; do
	node_conf "$T/$n.conf" "$n" "$SPOOL" "$TOK" "$OUT" \
	    "work_dir = \"$T/work-$n\";"
done

start_daemon "$T/A.conf" "$T/A.log"
PA=$DPID
start_daemon "$T/B.conf" "$T/B.log"
PB=$DPID
cp "$T/src/film.mkv" "$SPOOL/film.mkv"
ID=$(job_id film.mkv "$SPOOL/film.mkv")

# The job's host: the one holding the claim once the plan is out.
wait_until 120 sh -c 'ls "$1"/*.plan >/dev/null 2>&1' _ "$TOK/$ID.d" ||
    diag "no plan of $ID after $(scaled 120) s"
if _held_by A "$TOK/$ID.claim" >/dev/null; then
	own=A opid=$PA help=B
else
	own=B opid=$PB help=A
fi
_stop_encoders "$opid"
end=$(deadline 120)
while [ -z "$_st_tree" ] && ! [ -f "$TOK/$ID.done" ] && ! past "$end"; do
	sleep 0.01
	_stop_encoders "$opid"
done
diag "node $own holds $ID: its encoder ($_st_tree ) stopped until node $help has looked"
# shellcheck disable=SC2016
wait_until 120 sh -c 'cat "$1" "$2"/* 2>/dev/null |
    grep -q "no work directory for the job in $3: it has ended (or work_dir is not shared)"' \
    _ "$T/$help.log" "$T/node-$help/logs" "$T/work-$help"
rc=$?
ok "node $help's helper says why it cannot help" test "$rc" = 0
# shellcheck disable=SC2086
kill -CONT $_st_tree 2>/dev/null

wait_until 120 test -f "$TOK/$ID.done" ||
    diag "no done marker after $(scaled 120) s"
ok "the job is done" test -f "$TOK/$ID.done"
ok "its output is AV1 with all $FRAMES frames" av1_frames_ok "$OUT/film.mkv" "$FRAMES"
ok "node $help's work_dir has no directory for the job" \
    test ! -e "$T/work-$help/$ID"
ok "node $own's work directory for the job is removed" \
    wait_until 30 test ! -d "$T/work-$own/$ID"
