#!/bin/sh
#
# keep_pass1 with settings changed: a two-pass job cut off in pass 2 (the
# daemon and its worker killed) is started again after its profile's
# bitrate changed; the kept pass 1's fingerprint differs, so the log says
# pass 1 starts again, pass 1 runs a second time, and the job is done at
# the new bitrate.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distencd

. "$top_srcdir/tests/pass1_lib.sh"
pass1_setup
pass1_crash
is "$PASS1_KEPT" yes "pass 1 is kept"
# The profile "test" that slowp inherits: another bitrate.
sed -i 's/bitrate = 300;/bitrate = 200;/' "$CONF"
start_daemon "$CONF"
job_wait_state 300 a.mkv done
ok "the job is done after the restart" job_state_in a.mkv done
JLOG=$DLOGS/$(job_get a.mkv id).log
grep_ok "$JLOG" "pass 1 kept in $T/work/.* is for another file or other settings: starting again" \
    "its log says the kept pass 1 does not fit"
is "$(grep -Ec 'pass 1: [0-9]+ frames in' "$JLOG")" 2 "pass 1 ran again"
grep_ok "$JLOG" "video: x265 preset medium, 8-bit, 200 kbps" "at the new bitrate"
stop_daemon
