#!/bin/sh
#
# distencd on a library: its spool holds a film with its .nfo, poster and
# subtitles, and an HEVC file a rule skips.  The companions are no jobs
# (no status file); the skipped file ends in state "skipped" with the
# rule and reason in its status, its log and distencctl, its source kept
# in the spool while the film's goes to done/; after a restart it is not
# taken again; with move_skipped a skipped source goes to done/ too.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 12
need_tools
need_distencd
need_encoder libx265

CTL=${top_builddir}/distencctl
DONE=$(dirname "$DSPOOL")/done
lib_clip libx265 150 "$T/clips/hevc.mkv"
clip letterbox "$T/clips/film.mkv"
printf '<movie/>\n' >"$T/clips/film.nfo"
printf '1\n00:00:00,000 --> 00:00:01,000\nHi\n' >"$T/clips/film.srt"
ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=size=160x90 \
    -frames:v 1 "$T/clips/poster.jpg"

RULES='move_sources = true;
rules = ( { name = "hevc"; codec = [ "hevc" ]; skip = "already HEVC"; } );'
CONF=$T/d.conf
write_dconf "$CONF" "$RULES"

# drop FILE REL: move a copy into the spool at once.
drop() {
	mkdir -p "$(dirname "$DSPOOL/$2")" "$T/tmp"
	cp "$1" "$T/tmp/x" && mv "$T/tmp/x" "$DSPOOL/$2"
}

start_daemon "$CONF"
wait_until 15 test -s "$DSTATUS/distencd.json"
for f in film.nfo film.srt poster.jpg; do
	drop "$T/clips/$f" "Film/$f"
done
drop "$T/clips/film.mkv" Film/film.mkv
drop "$T/clips/hevc.mkv" hevc.mkv
job_wait_state 60 hevc.mkv skipped done failed
is "$(job_get hevc.mkv state)" skipped "the HEVC file is skipped by the rule"
is "$(job_get hevc.mkv reason)" "rule 1 (hevc): already HEVC" \
    "its status gives the rule and the reason"
job_wait_state 120 Film/film.mkv done failed
is "$(job_get Film/film.mkv state)" done "the film is encoded"
is "$(jobs_table | wc -l | tr -d ' ')" 2 \
    "the .nfo, .srt and poster are no jobs (no status files)"
"$CTL" -s "$DSTATUS" jobs >"$T/jobs.out" 2>&1
grep_ok "$T/jobs.out" '^skipped .*hevc\.mkv: rule 1 \(hevc\): already HEVC$' \
    "distencctl lists it as skipped with its reason"
grep_ok "$(job_get hevc.mkv log)" 'skipped: rule 1 \(hevc\): already HEVC' \
    "the job's log says so"
ok "the skipped source stays in the spool" test -f "$DSPOOL/hevc.mkv"
ok "the encoded film's source went to done/" test -f "$DONE/Film/film.mkv"

# After a restart the skipped file is remembered, not taken again: a new
# file dropped after it is done, and the skipped one still has one line.
stop_daemon
start_daemon "$CONF"
drop "$T/clips/film.mkv" film2.mkv
job_wait_state 120 film2.mkv done failed
is "$(job_get hevc.mkv state)" skipped "after a restart it is still skipped"
is "$(grep -c 'skipped: rule 1' "$(job_get hevc.mkv log)")" 1 \
    "and was not tried again"
stop_daemon

write_dconf "$CONF" "$RULES
move_skipped = true;"
start_daemon "$CONF"
drop "$T/clips/hevc.mkv" other/hevc2.mkv
job_wait_state 60 other/hevc2.mkv skipped done failed
is "$(job_get other/hevc2.mkv state)" skipped "another HEVC file is skipped"
wait_until 10 test -f "$DONE/other/hevc2.mkv"
ok "with move_skipped its source goes to done/" \
    sh -c 'test -f "$1" && test ! -e "$2"' _ "$DONE/other/hevc2.mkv" \
    "$DSPOOL/other/hevc2.mkv"
