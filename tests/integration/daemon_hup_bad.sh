#!/bin/sh
#
# distencd and SIGHUP with a broken config (jobs = 65): the error logged
# as FILE:LINE: KEY:, the daemon runs on with the old config (2 slots) and
# still encodes a new file.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 3
need_tools
need_distencd

signals_setup

cp "$CONF" "$T/d.conf.good"
DCONF_JOBS=65 write_dconf "$CONF" "$DIRS" "$PROFILES"
badline=$(grep -n '^jobs = 65;' "$CONF" | cut -d: -f1)
kill -HUP "$DPID"
if wait_until 15 grep -Eq "$CONF:$badline: jobs: ." "$DLOG"; then
	pass "SIGHUP, jobs = 65: the daemon logs \"$CONF:$badline: jobs: REASON\""
else
	fail "SIGHUP, jobs = 65: the daemon logs \"$CONF:$badline: jobs: REASON\""
	diag_file "$DLOG" "daemon log"
fi
if daemon_alive && [ "$(json_get "$DSTATUS/distencd.json" slots)" = 2 ]; then
	pass "SIGHUP, jobs = 65: the daemon runs on, 2 slots (the old config)"
else
	fail "SIGHUP, jobs = 65: the daemon runs on, 2 slots (the old config)"
	diag "  alive: $(daemon_alive && echo yes || echo no), slots '$(json_get "$DSTATUS/distencd.json" slots)'"
fi
drop "$T/clips/lb.mkv" hup1.mkv
job_wait_state 60 hup1.mkv done failed
if [ "$(job_get hup1.mkv state)" = done ] &&
    [ "$(video_size "$DOUT/hup1.mkv")" = 320x136 ]; then
	pass "SIGHUP, jobs = 65: a new file is still encoded"
else
	fail "SIGHUP, jobs = 65: a new file is still encoded"
fi

