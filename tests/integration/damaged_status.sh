#!/bin/sh
#
# The daemon encodes a truncated Matroska file dropped into the spool with
# allow_damaged = true: the job is done, and its status file's summary
# and its log carry the warning that the source is truncated.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 4
need_tools
need_distencd

cut_clip "$T/clips/cut.mkv" 70
write_conf "$TESTCONF" ultrafast 300 "allow_damaged = true;"
write_dconf "$T/d.conf"
start_daemon "$T/d.conf"
wait_until 15 test -s "$DSTATUS/distencd.json" ||
    diag "no $DSTATUS/distencd.json after 15 s"
mkdir -p "$T/tmp"
cp "$T/clips/cut.mkv" "$T/tmp/cut.mkv" && mv "$T/tmp/cut.mkv" "$DSPOOL/cut.mkv"

ok "the job is done" job_wait_state 120 cut.mkv done
summary=$(job_get cut.mkv summary)
case $summary in
*"warning: truncated or damaged: "*"(allow_damaged)"*)
	pass "the status file's summary carries the warning" ;;
*)
	fail "the status file's summary carries the warning"
	diag "  summary: $summary" ;;
esac
log=$DLOGS/$(job_get cut.mkv id).log
grep_ok "$log" "truncated or damaged: .*encoding what could be read" \
    "the job's log says it"
ok "the output is there" test -s "$DOUT/cut.mkv"
stop_daemon
