#!/bin/sh
#
# move_sources refuses a symbolic link on the way into done/: a source is
# never moved into the directory a planted link points to.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distencd

CONF=$T/d.conf
TOP=$(dirname "$DSPOOL")
clip letterbox "$T/clips/a.mkv"

mkdir -p "$T/elsewhere" "$T/other" "$TOP/done"
ln -s "$T/elsewhere" "$TOP/done/sub"
write_dconf "$CONF" "move_sources = true;"
start_daemon_ready "$CONF"

spool_drop "$T/clips/a.mkv" sub/a.mkv
job_wait_state 120 sub/a.mkv done failed
is "$(job_get sub/a.mkv state)" done "the job is done"
ok "the move is refused and logged" \
    wait_until 15 grep -q "not moving the source.*sub: not a directory" "$DLOG"
ok "nothing was moved through done/sub, a symbolic link" \
    tree_is_empty "$T/elsewhere"
ok "the source stays in the spool" test -f "$DSPOOL/sub/a.mkv"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
