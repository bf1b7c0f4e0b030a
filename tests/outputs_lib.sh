# The start shared by the tests of distencd's outputs (sourced after
# tests/lib.sh and plan): two clips, a daemon with move_sources and an
# on_done hook that lists the sources it ran for in $T/done.list, and a
# first source a/clip.mkv encoded and moved to done/ (one check).
#
#	outputs_start [GLOBALS]

outputs_start() {
	CONF=$T/d.conf
	TOP=$(dirname "$DSPOOL")
	clip letterbox "$T/clips/a.mkv"
	clip pillarbox "$T/clips/b.mkv"
	write_dconf "$CONF" "move_sources = true;
on_done = [ \"/bin/sh\", \"-c\", \"echo \\\"\$DISTENC_SOURCE\\\" >>$T/done.list\" ];
${1:-}"
	start_daemon_ready "$CONF"
	spool_drop "$T/clips/a.mkv" a/clip.mkv
	job_wait_state 120 a/clip.mkv done failed
	is "$(job_get a/clip.mkv state)" done "the first source is done"
	wait_until 15 test -f "$TOP/done/a/clip.mkv" ||
	    diag "a/clip.mkv not moved to done/"
}
