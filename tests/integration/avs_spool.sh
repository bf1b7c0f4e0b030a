#!/bin/sh
#
# AviSynth scripts in distencd's spool: a script is a job of its own and is
# encoded; a change to the file it reads makes no new job (checked once the
# daemon has rescanned since); a script whose
# source is missing fails with its line; one that would make more than a
# script may (a clip spliced with itself 13 times) fails with the bound.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 8
need_tools
need_distencd

# No AviSynth+ here, even if one is installed: the built-in interpreter.
LD_LIBRARY_PATH=$T/no-avisynth
export LD_LIBRARY_PATH

CONF=$T/d.conf
clip letterbox "$T/clips/a.mkv"
# The scripts name a clip outside the spool: allowed by script_paths.
write_dconf "$CONF" "script_paths = [ \"$T/clips\" ];"
start_daemon "$CONF"
wait_until 15 test -s "$DSTATUS/distencd.json" ||
    diag "no $DSTATUS/distencd.json after 15 s"

# drop NAME TEXT: a script moved into the spool at once.
drop() {
	mkdir -p "$T/tmp"
	printf '%s\n' "$2" >"$T/tmp/x" && mv "$T/tmp/x" "$DSPOOL/$1"
}

drop film.avs "FFVideoSource(\"$T/clips/a.mkv\")
Trim(0, 24)
Crop(0, 22, 0, -22)"
job_wait_state 120 film.avs done failed
is "$(job_get film.avs state)" done "a script in the spool is encoded"
is "$(video_size "$DOUT/film.mkv") $(frame_count "$DOUT/film.mkv")" \
    "320x136 25" "the output has the script's size and 25 frames"

# The script's source changes: the script itself did not, so no new job.
clip pillarbox "$T/clips/b.mkv"
cp "$T/clips/b.mkv" "$T/clips/a.mkv"
# Long enough for a settled change to make a job (settle_time and two
# rescans), then two more turns of the daemon's loop, so that it has
# surely looked again however slow the machine.
sleep $((${DCONF_SETTLE:-2} + ${DCONF_POLL:-2} * 2 + 1))
status_rewritten 2 "$DSTATUS/distencd.json" 30 ||
    diag "$DSTATUS/distencd.json not rewritten twice in $(scaled 30) s"
is "$(jobs_table | grep -c "'film.avs'")" 1 \
    "a change to the script's source makes no new job"

drop lost.avs 'FFVideoSource("gone.mkv")'
job_wait_state 60 lost.avs failed done
is "$(job_get lost.avs state)" failed "a script whose source is missing fails"
ok "its error names the script's line and the missing file" \
    sh -c 'printf "%s\n" "$1" | grep -q "lost.avs:1:1: FFVideoSource: .*/gone.mkv: cannot open"' \
    _ "$(job_get lost.avs error)"

# 13 doublings: 8192 audio pieces, past the 4096 a script may make.
drop big.avs "FFVideoSource(\"$T/clips/a.mkv\")
Trim(0, -1)$(for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do printf '\nlast + last'; done)"
job_wait_state 60 big.avs failed done
is "$(job_get big.avs state)" failed "a script that makes too much fails"
ok "its error names the line and the bound" \
    sh -c 'printf "%s\n" "$1" | grep -q "big.avs:15:6: the clip.s audio would be in 8192 pieces, more than the 4096 a script may make"' \
    _ "$(job_get big.avs error)"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
