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

. "$top_srcdir/tests/outputs_lib.sh"
outputs_start 'overwrite = true;'

spool_drop "$T/clips/b.mkv" a/clip.mkv
# replaced FILE: the output has the new version's size (a function of
# lib.sh, which a "sh -c" would not know).
replaced() {
	[ "$(video_size "$1")" = 240x180 ]
}
wait_until 120 replaced "$DOUT/a/clip.mkv"
is "$(video_size "$DOUT/a/clip.mkv")" 240x180 "the new version replaced the output"
ok "done/ holds both versions: a/clip.mkv and a/clip.1.mkv" \
    wait_until 15 sh -c 'cmp -s "$1/done/a/clip.mkv" "$2" && cmp -s "$1/done/a/clip.1.mkv" "$3"' \
    _ "$TOP" "$T/clips/a.mkv" "$T/clips/b.mkv"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
is "$(grep -c . "$T/done.list")" 2 "on_done ran for both versions"
