#!/bin/sh
#
# move_sources refuses a directory below done/ that belongs to another
# user: a source is never moved into a directory someone else controls.
# Needs root (to give the directory away); skipped otherwise.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "1..0 # SKIP needs root and a user nobody"
	exit 0
fi

plan 4
need_tools
need_distencd

CONF=$T/d.conf
TOP=$(dirname "$DSPOOL")
clip letterbox "$T/clips/a.mkv"

mkdir -p "$TOP/done/sub"
chown nobody "$TOP/done/sub"
write_dconf "$CONF" "move_sources = true;"
start_daemon_ready "$CONF"

spool_drop "$T/clips/a.mkv" sub/a.mkv
job_wait_state 120 sub/a.mkv done failed
is "$(job_get sub/a.mkv state)" done "the job is done"
ok "the move is refused and logged" \
    wait_until 15 grep -q "not moving the source.*sub: not owned by the daemon's user" "$DLOG"
ok "the source stays in the spool" test -f "$DSPOOL/sub/a.mkv"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
