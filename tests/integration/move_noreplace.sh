#!/bin/sh
#
# move_sources never replaces a file in done/: a source whose name is
# taken there is moved under a numbered name.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distencd

CONF=$T/d.conf
TOP=$(dirname "$DSPOOL")
clip letterbox "$T/clips/a.mkv"

mkdir -p "$TOP/done/d"
printf 'earlier\n' >"$TOP/done/d/a.mkv"
write_dconf "$CONF" "move_sources = true;"
start_daemon_ready "$CONF"

spool_drop "$T/clips/a.mkv" d/a.mkv
job_wait_state 120 d/a.mkv done failed
is "$(job_get d/a.mkv state)" done "the job is done"
ok "the source is moved to done/d/a.1.mkv" \
    wait_until 15 test -f "$TOP/done/d/a.1.mkv"
is "$(cat "$TOP/done/d/a.mkv")" earlier "the file already in done/ is kept"
ok "the source left the spool" test ! -e "$DSPOOL/d/a.mkv"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
