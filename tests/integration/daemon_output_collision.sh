#!/bin/sh
#
# Two sources of distencd's spool that map to one output (a/clip.mkv,
# then a/clip.mp4): the second fails with "output X is also Y's"; it is
# never reported done, its on_done hook does not run, and it is moved to
# failed/, not done/.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 6
need_tools
need_distencd

. "$top_srcdir/tests/outputs_lib.sh"
outputs_start

spool_drop "$T/clips/b.mkv" a/clip.mp4
job_wait_state 120 a/clip.mp4 done failed
is "$(job_get a/clip.mp4 state)" failed "the second source fails"
ok "its reason names the output and the other source" \
    sh -c 'printf "%s\n" "$1" | grep -q "output .*/a/clip.mkv is also .*/a/clip.mkv.s"' \
    _ "$(job_get a/clip.mp4 error)"
is "$(video_size "$DOUT/a/clip.mkv")" 320x136 "the first source's output is kept"
ok "the second source is moved to failed/" \
    wait_until 15 test -f "$TOP/failed/a/clip.mp4"

stop_daemon
is "$(grep -c . "$T/done.list")" 1 "on_done ran for the first source only"
