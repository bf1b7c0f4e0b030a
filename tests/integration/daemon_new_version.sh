#!/bin/sh
#
# A new version of a source whose output exists (overwrite off): the new
# job fails with a clear reason instead of "done (output exists,
# skipped)", and its move keeps the earlier source in done/.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 6
need_tools
need_distencd

. "$top_srcdir/tests/outputs_lib.sh"
outputs_start

spool_drop "$T/clips/b.mkv" a/clip.mkv
wait_until 60 job_state_in a/clip.mkv failed
is "$(job_get a/clip.mkv state)" failed "the new version fails"
ok "its reason says the output exists and is not replaced" \
    sh -c 'printf "%s\n" "$1" | grep -q "output .*/a/clip.mkv exists: not replaced (overwrite is off)"' \
    _ "$(job_get a/clip.mkv error)"
is "$(video_size "$DOUT/a/clip.mkv")" 320x136 "the earlier output is kept"
ok "the earlier source in done/ is kept, and this one in failed/" \
    wait_until 15 sh -c 'test -f "$1/done/a/clip.mkv" && test -f "$1/failed/a/clip.mkv" && cmp -s "$1/done/a/clip.mkv" "$2"' _ "$TOP" "$T/clips/a.mkv"

stop_daemon
is "$(grep -c . "$T/done.list")" 1 "on_done ran for the first version only"
