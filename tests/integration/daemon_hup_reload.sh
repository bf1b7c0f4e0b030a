#!/bin/sh
#
# distencd and SIGHUP with a valid changed config: a new directories
# entry (nocrop gets profile nocrop, its output not cropped) and jobs = 1
# (distencd.json says 1 slot) take effect.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 3
need_tools
need_distencd

signals_setup

DCONF_JOBS=1 write_dconf "$CONF" "$DIRS2" "$PROFILES"
nlog=$(wc -l <"$DLOG")
kill -HUP "$DPID"
if ! wait_until 10 eval 'tail -n +$((nlog + 1)) "$DLOG" | grep -qi reload'; then
	diag "no line about a reload in the daemon log 10 s after SIGHUP"
fi
drop "$T/clips/lb.mkv" nocrop/a.mkv
job_wait_state 60 nocrop/a.mkv done failed
is "$(job_get nocrop/a.mkv profile)" nocrop \
    "SIGHUP, new directories entry: nocrop/a.mkv gets profile nocrop"
is "$(video_size "$DOUT/nocrop/a.mkv")" 320x180 \
    "SIGHUP, new directories entry: output not cropped (320x180)"

wait_until 5 eval '[ "$(json_get "$DSTATUS/distencd.json" slots)" = 1 ]'
is "$(json_get "$DSTATUS/distencd.json" slots)" 1 \
    "SIGHUP, jobs = 1: distencd.json says 1 slot"

