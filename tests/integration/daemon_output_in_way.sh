#!/bin/sh
#
# A source whose output directory is another source's output file
# (a.mp4 gives out/a.mkv, then a.mkv/b.mkv wants out/a.mkv/): the job
# fails for good at once, its reason naming the file in the way; it is
# not retried, since a retry would meet the same file.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 4
need_tools
need_distencd

CONF=$T/d.conf
clip letterbox "$T/clips/a.mkv"
write_dconf "$CONF" 'max_attempts = 3; retry_delay = 1;'
start_daemon_ready "$CONF"

spool_drop "$T/clips/a.mkv" a.mp4
job_wait_state 120 a.mp4 done failed
is "$(job_get a.mp4 state)" done "a.mp4 is done: out/a.mkv"
spool_drop "$T/clips/a.mkv" a.mkv/b.mkv
job_wait_state 120 a.mkv/b.mkv failed waiting done
is "$(job_get a.mkv/b.mkv state)" failed "a.mkv/b.mkv fails for good"
is "$(job_get a.mkv/b.mkv error)" "output directory: $DOUT/a.mkv: not a directory" \
    "its reason names the file in the way"
is "$(job_get a.mkv/b.mkv attempts)" 1 "it is not retried"
stop_daemon
