#!/bin/sh
#
# With overwrite = true, a new version of a source whose output exists
# is encoded and replaces the output once verified; its move to done/
# keeps the earlier source under a numbered name.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distencd

CONF=$T/d.conf
TOP=$(dirname "$DSPOOL")
clip letterbox "$T/clips/a.mkv"
clip pillarbox "$T/clips/b.mkv"
write_dconf "$CONF" "move_sources = true;
on_done = [ \"/bin/sh\", \"-c\", \"echo \\\"\$DISTENC_SOURCE\\\" >>$T/done.list\" ];
overwrite = true;"
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

drop "$T/clips/b.mkv" a/clip.mkv
wait_until 120 sh -c '[ "$(video_size "$1")" = 240x180 ]' _ "$DOUT/a/clip.mkv"
is "$(video_size "$DOUT/a/clip.mkv")" 240x180 "the new version replaced the output"
ok "done/ holds both versions: a/clip.mkv and a/clip.1.mkv" \
    wait_until 15 sh -c 'cmp -s "$1/done/a/clip.mkv" "$2" && cmp -s "$1/done/a/clip.1.mkv" "$3"' \
    _ "$TOP" "$T/clips/a.mkv" "$T/clips/b.mkv"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
is "$(grep -c . "$T/done.list")" 2 "on_done ran for both versions"
