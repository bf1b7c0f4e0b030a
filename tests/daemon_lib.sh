# shellcheck shell=sh
#
# Shared setup of the tests of one running distencd
# (tests/integration/daemon_*.sh, one scenario each), sourced after
# tests/lib.sh.
#
#   daemon_setup [GLOBALS [PROFILES]]
#                        the letterboxed 2 s clip $T/clips/lb.mkv
#                        ($SRC_FRAMES frames), a config $CONF (write_dconf
#                        with GLOBALS and PROFILES), the daemon started
#                        and its status file $DJSON written
#   stage NAME           a copy of the clip in $T/stage (the spool's file
#                        system), NAME may have directories
#   drop FILE REL        a copy of FILE moved into <spool>/REL at once
#   henv KEY FILE        a variable's value in a hook's saved environment
#   counts_are DONE FAILED
#                        distencd.json: counts.done DONE, counts.failed
#                        FAILED, busy 0, queue 0

CONF=$T/d.conf
DJSON=$DSTATUS/distencd.json
mkdir -p "$T/stage" "$T/hooks"

# daemon_setup [GLOBALS [PROFILES]]
daemon_setup() {
	clip letterbox "$T/clips/lb.mkv" 2
	SRC_FRAMES=$(frame_count "$T/clips/lb.mkv")
	diag "source clip: $SRC_FRAMES frames, $(wc -c <"$T/clips/lb.mkv") bytes"
	write_dconf "$CONF" "${1:-}" "${2:-}"
	diag "config:" "$(cat "$CONF")"
	start_daemon "$CONF"
	wait_until 15 test -s "$DJSON" ||
	    diag "no $DJSON after $(scaled 15) s"
}

# stage NAME
stage() {
	mkdir -p "$(dirname "$T/stage/$1")"
	cp "$T/clips/lb.mkv" "$T/stage/$1"
}

# drop FILE REL
drop() {
	mkdir -p "$(dirname "$T/stage/$2")" "$(dirname "$DSPOOL/$2")"
	cp "$1" "$T/stage/$2"
	mv "$T/stage/$2" "$DSPOOL/$2"
}

# henv KEY FILE
henv() {
	grep "^$1=" "$2" 2>/dev/null | cut -d= -f2-
}

# counts_are DONE FAILED
counts_are() {
	[ "$(json_get "$DJSON" counts.done):$(json_get "$DJSON" counts.failed):$(json_get "$DJSON" busy):$(json_get "$DJSON" queue)" = "$1:$2:0:0" ]
}

# For the tests of signals: the long jobs are a 640x360 10 s clip at
# preset "medium" (directory "slow", profile "slowp"), a few seconds of
# encoding to hit.
#
#   signals_setup [JOBS]  the clips lb.mkv, pb.mkv (2 s), big.mkv (10 s,
#                         $BIG_FRAMES frames) and big20.mkv (20 s) in
#                         $T/clips; the daemon started with the slow
#                         directory and JOBS slots (default 2)
#   workers               the daemon's workers (children), a PID a line
#   wait_encoding REL     the job is running, a worker exists, and its
#                         status shows frames of pass 1 or 2 done (that
#                         status copied to $T/encoding.json)
PROFILES='slowp = { inherit = "test"; preset = "medium"; }; nocrop = { inherit = "test"; crop = "off"; };'
DIRS='directories = ( { path = "slow"; profile = "slowp"; } );'
# shellcheck disable=SC2034 # for the caller
DIRS2='directories = ( { path = "slow"; profile = "slowp"; }, { path = "nocrop"; profile = "nocrop"; } );'

# signals_setup [JOBS]
signals_setup() {
	clip letterbox "$T/clips/lb.mkv" 2
	clip pillarbox "$T/clips/pb.mkv" 2
	clip_boxed "$T/clips/big.mkv" 10 640 360
	clip_boxed "$T/clips/big20.mkv" 20 640 360
	# shellcheck disable=SC2034 # for the caller
	BIG_FRAMES=$(frame_count "$T/clips/big.mkv")
	DCONF_JOBS=${1:-2} write_dconf "$CONF" "$DIRS" "$PROFILES"
	start_daemon "$CONF"
	wait_until 15 test -s "$DJSON" ||
	    diag "no $DJSON after $(scaled 15) s"
}

workers() {
	pgrep -P "$DPID" 2>/dev/null
}

_has_worker() {
	[ -n "$(workers)" ]
}

# _job_in_pass REL: in pass 1 or 2 with frames done (a status written at
# the start of a pass says frame 0); the status seen in $T/encoding.json.
_job_in_pass() {
	_jp_f=$(job_status "$1") || return 1
	cp "$_jp_f" "$T/encoding.json" 2>/dev/null || return 1
	_jp_f=$T/encoding.json
	case $(json_get "$_jp_f" stage) in
	"pass 1"|"pass 2") ;;
	*) return 1 ;;
	esac
	[ "$(json_get "$_jp_f" frame)" -gt 0 ] 2>/dev/null
}

# _job_in_stage REL: its status says pass 1 or 2 (written as a pass
# begins).
_job_in_stage() {
	case $(job_get "$1" stage) in
	"pass 1"|"pass 2") return 0 ;;
	esac
	return 1
}

# wait_encoding REL: the job's worker seen in pass 1 or 2 with frames done
# (the status seen in $T/encoding.json), and held there: its processes
# ($HELD) are stopped (SIGSTOP), so that it cannot end before the
# caller's signal; the caller sends it, then release_encoding (SIGCONT).
# A held worker is let run a moment at a time until its status shows
# frames done: its first frame after a stop is reported at once, and the
# daemon writes a running job's last report at each poll.
wait_encoding() {
	HELD=
	job_wait_state 60 "$1" running || return 1
	wait_until 10 _has_worker || { diag "  no worker process"; return 1; }
	wait_until 60 _job_in_stage "$1" ||
	    { diag "  not seen in a pass: stage '$(job_get "$1" stage)'"; return 1; }
	HELD=$(proc_descendants "$DPID")
	# shellcheck disable=SC2086
	kill -STOP $HELD 2>/dev/null
	_we_n=0
	until wait_until 5 _job_in_pass "$1"; do
		_we_n=$((_we_n + 1))
		if [ "$_we_n" -gt 20 ] || [ "$(job_get "$1" state)" != running ]; then
			diag "  not seen encoding: stage '$(job_get "$1" stage)', frame '$(job_get "$1" frame)'"
			return 0
		fi
		# shellcheck disable=SC2086
		kill -CONT $HELD 2>/dev/null
		sleep 0.2
		# shellcheck disable=SC2086
		kill -STOP $HELD 2>/dev/null
	done
	return 0
}

# release_encoding: the worker held by wait_encoding goes on.
release_encoding() {
	# shellcheck disable=SC2086
	[ -z "$HELD" ] || kill -CONT $HELD 2>/dev/null
	HELD=
}
