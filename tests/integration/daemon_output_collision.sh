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

CONF=$T/d.conf
TOP=$(dirname "$DSPOOL")
clip letterbox "$T/clips/a.mkv"
clip pillarbox "$T/clips/b.mkv"
write_dconf "$CONF" "move_sources = true;
on_done = [ \"/bin/sh\", \"-c\", \"echo \\\"\$DISTENC_SOURCE\\\" >>$T/done.list\" ];"
start_daemon "$CONF"
wait_until 15 test -s "$DSTATUS/distencd.json" ||
    diag "no $DSTATUS/distencd.json after 15 s"

# drop CLIP REL: move a copy into the spool at once.
drop() {
	mkdir -p "$(dirname "$DSPOOL/$2")" "$T/tmp"
	cp "$1" "$T/tmp/x" && mv "$T/tmp/x" "$DSPOOL/$2"
}

drop "$T/clips/a.mkv" a/clip.mkv
job_wait_state 120 a/clip.mkv done failed
is "$(job_get a/clip.mkv state)" done "the first source is done"
wait_until 15 test -f "$TOP/done/a/clip.mkv" ||
    diag "a/clip.mkv not moved to done/"

drop "$T/clips/b.mkv" a/clip.mp4
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
