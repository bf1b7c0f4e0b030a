# shellcheck shell=sh
#
# Helpers for the tests of keep_pass1, sourced after tests/lib.sh.
#
#   pass1_setup     a daemon config $CONF with keep_pass1, work_dir
#                   $T/work and a two-pass profile slow enough to hit,
#                   and the 10 s clip $T/clips/big.mkv
#   pass1_crash     start the daemon, drop the clip as a.mkv, and once
#                   pass 1 is kept kill the daemon and its worker (SIGKILL,
#                   as in a crash); the worker is stopped first, so pass 2
#                   is surely under way

# pass1_kept: a job's pass 1 is kept (pass1.info is written last).
pass1_kept() {
	ls "$T/work"/*/pass1.info >/dev/null 2>&1
}

pass1_setup() {
	CONF=$T/d.conf
	write_dconf "$CONF" "work_dir = \"$T/work\"; keep_pass1 = true;" \
	    'slowp = { inherit = "test"; preset = "medium"; };'
	sed -i 's/default_profile = "test";/default_profile = "slowp";/' "$CONF"
	clip_boxed "$T/clips/big.mkv" 10 640 360
	mkdir -p "$T/stage"
}

pass1_crash() {
	start_daemon "$CONF"
	cp "$T/clips/big.mkv" "$T/stage/a.mkv" &&
	    mv "$T/stage/a.mkv" "$DSPOOL/a.mkv"
	wait_until 120 pass1_kept
	_p1_worker=$(pgrep -P "$DPID" | head -1)
	kill -STOP "$_p1_worker"
	PASS1_KEPT=no
	pass1_kept && PASS1_KEPT=yes
	PASS1_ID=$(job_get a.mkv id)
	kill -KILL "$DPID" "$_p1_worker"
	proc_gone_within 10 "$DPID" "$_p1_worker"
	stop_daemon
}
