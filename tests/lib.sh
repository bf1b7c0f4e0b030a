# shellcheck shell=sh
#
# Shared code for distenc's shell tests, sourced by every script under
# tests/integration and tests/bench (POSIX sh).
#
#   TAP        plan N; pass DESC; fail DESC; skip DESC REASON; diag TEXT...;
#              ok DESC CMD [ARG...]  (pass when CMD exits 0);
#              is GOT WANT DESC; near GOT WANT TOL DESC;
#              grep_ok FILE ERE DESC; bail_rest REASON
#   setup      $T, a temporary directory removed on exit (KEEP_TMP=1 keeps
#              it); $TESTCONF, a config with the fast "test" profile;
#              $DISTENC, the binary (${top_builddir}/distenc unless DISTENC
#              is set); need_distenc; need_tools
#   running    run_distenc ARG...  sets DE_RC and the files DE_OUT, DE_ERR
#   probing    probe_stream, probe_tag, probe_format_tag, stream_count,
#              frame_count, video_duration, frame_duration, loudness,
#              true_peak, side_data, side_data_same, chapter_starts,
#              chapter_titles
#   files      file_sha256, file_mtime, dir_entries, tree_is_empty
#   mounts     try_mount_tmpfs DIR OPTIONS (unmounted on exit)
#   clips      clip KIND PATH [SECONDS]  (see tests/mkclip.sh)
#   timing     time_cmd TIMEFILE CMD [ARG...]  (benchmarks)
#   time scale scaled SECONDS (every limit a test waits for, times
#              DISTENC_TEST_TIMEOUT_SCALE); test_seed, rnd N KEY (random
#              choices, their seed printed; DISTENC_TEST_SEED replays)
#   exit       at_exit CMD  (run on exit, before unmounting and removing $T)
#   daemon     $DISTENCD, need_distencd, run_distencd, write_dconf,
#              start_daemon, stop_daemon, daemon_alive, proc_alive,
#              proc_gone_within, proc_descendants, is_distencd_proc,
#              wait_until, status_rewritten, json_get, iso_epoch,
#              job_status, job_get,
#              job_state_in, job_wait_state, jobs_table, video_size,
#              temp_files_in, clip_boxed, slow_copy, now, elapsed
#              (see below; every daemon started is stopped on exit)
#
# Time: every limit a test waits for (wait_until, proc_gone_within,
# job_wait_state, stop_daemon, run_distenc's DISTENC_TIMEOUT, run_distencd)
# is multiplied by DISTENC_TEST_TIMEOUT_SCALE (default 1; e.g. 3 on a slow
# or busy machine), here and nowhere else: scripts pass their limits as
# they would be on a quiet machine, and scale with "scaled" a limit they
# compare a time they measured against.
#
# Every TAP script ends with exit status 0 however its checks went: the
# TAP driver counts the "not ok" lines.  Checks the script did not reach
# are reported "not ok" on exit, so an early stop can never look like
# success.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
DISTENC=${DISTENC:-${top_builddir:-.}/distenc}

# Target loudness of the built-in profile, and the tolerance on it.
# shellcheck disable=SC2034
TARGET_LUFS=-23
# shellcheck disable=SC2034
LUFS_TOL=1

. "$top_srcdir/tests/mkclip.sh"

# --- time scale, random choices ------------------------------------------

DISTENC_TEST_TIMEOUT_SCALE=${DISTENC_TEST_TIMEOUT_SCALE:-1}
if ! awk -v s="$DISTENC_TEST_TIMEOUT_SCALE" \
    'BEGIN { exit !(s ~ /^[0-9]*\.?[0-9]+$/ && s + 0 > 0) }'; then
	echo "# DISTENC_TEST_TIMEOUT_SCALE='$DISTENC_TEST_TIMEOUT_SCALE' is no positive number: 1"
	DISTENC_TEST_TIMEOUT_SCALE=1
fi
export DISTENC_TEST_TIMEOUT_SCALE

# scaled SECONDS: SECONDS times DISTENC_TEST_TIMEOUT_SCALE.
scaled() {
	awk -v t="$1" -v s="$DISTENC_TEST_TIMEOUT_SCALE" \
	    'BEGIN { v = t * s; if (v == int(v)) printf "%d\n", v; else printf "%.3f\n", v }'
}

# test_seed: set the seed of this script's random choices (rnd) and say
# it as a TAP diagnostic, so that a failure can be replayed: the seed is
# DISTENC_TEST_SEED when set, else made from the clock and the PID.  Call
# it once, in the script itself (not in a $(...)), before rnd.
TEST_SEED=
test_seed() {
	TEST_SEED=${DISTENC_TEST_SEED:-$((($(date +%s) % 100000) * 1000 + $$ % 1000))}
	diag "random seed $TEST_SEED (replay: DISTENC_TEST_SEED=$TEST_SEED)"
}

# rnd N KEY: a whole number 0..N-1 drawn from TEST_SEED and KEY (a number
# naming the choice, e.g. a round), the same for the same seed and key.
rnd() {
	if [ -z "$TEST_SEED" ]; then
		echo "rnd: BUG: test_seed was not called" >&2
		return 1
	fi
	awk -v n="$1" -v s="$TEST_SEED" -v k="$2" \
	    'BEGIN { srand((s * 31 + k) % 2147483647); print int(rand() * n) }'
}

# --- TAP ---------------------------------------------------------------

_tap_n=0
_tap_planned=0

plan() {
	_tap_planned=$1
	echo "1..$1"
}

# One TAP line: newlines and '#' would break the protocol.
_tap_line() {
	printf '%s\n' "$*" | tr '\n#' ' .' | sed 's/ *$//'
}

pass() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s' "$_tap_n" "$(_tap_line "$*")"
	echo
}

fail() {
	_tap_n=$((_tap_n + 1))
	printf 'not ok %d - %s' "$_tap_n" "$(_tap_line "$*")"
	echo
}

# skip DESC REASON
skip() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s # SKIP %s' "$_tap_n" "$(_tap_line "$1")" \
	    "$(_tap_line "${2:-}")"
	echo
}

# diag LINE...: each argument (and each line in it) as a "# " line.
diag() {
	for _dl; do
		printf '%s\n' "$_dl"
	done | sed 's/^/# /'
}

# Show a file's last lines as diagnostics.
diag_file() {
	if [ -s "$1" ]; then
		diag "--- ${2:-$1} (last ${3:-20} lines):"
		tail -n "${3:-20}" "$1" | sed 's/^/#   /'
	fi
}

# ok DESC CMD [ARG...]: passes when the command succeeds.
ok() {
	_ok_desc=$1
	shift
	if "$@"; then
		pass "$_ok_desc"
	else
		fail "$_ok_desc"
		diag "  command failed: $*"
	fi
}

# is GOT WANT DESC: string equality.
is() {
	if [ "x$1" = "x$2" ]; then
		pass "$3"
	else
		fail "$3"
		diag "  got:  '$1'" "  want: '$2'"
	fi
}

# Is $1 a decimal number?
is_number() {
	printf '%s\n' "$1" | grep -Eq '^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$'
}

# near GOT WANT TOL DESC: |GOT - WANT| <= TOL; a GOT that is no number fails.
near() {
	if is_number "$1" && awk -v g="$1" -v w="$2" -v t="$3" \
	    'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= t + 1e-6) }'; then
		pass "$4"
	else
		fail "$4"
		diag "  got:  '$1'" "  want: $2 +/- $3"
	fi
}

# min_psnr FILE SRC: the lowest PSNR (dB) of a frame of FILE's video
# against SRC's, frame by frame.
min_psnr() {
	ffmpeg -nostdin -hide_banner -i "$1" -i "$2" \
	    -lavfi "[0:v][1:v]psnr=stats_file=$T/psnr.log" -f null - \
	    >/dev/null 2>&1
	awk '{ sub("psnr_avg:", "", $6); if (min == "" || $6 + 0 < min)
	    min = $6 + 0 } END { print min }' "$T/psnr.log"
}

# grep_ok FILE ERE DESC: some line of FILE matches ERE.
grep_ok() {
	if [ -f "$1" ] && grep -Eq -- "$2" "$1"; then
		pass "$3"
	else
		fail "$3"
		diag "  no line matching /$2/ in $1"
	fi
}

# Report every check not yet run as failed, with REASON.
bail_rest() {
	while [ "$_tap_n" -lt "$_tap_planned" ]; do
		fail "$1"
	done
}

# --- temporary directory, exit ------------------------------------------

T=$(mktemp -d "${TMPDIR:-/tmp}/distenc-test.XXXXXX") || {
	echo "1..1"
	echo "not ok 1 - cannot make a temporary directory"
	exit 0
}

# On exit: fill in the checks not run, unmount, remove $T.  A TAP script
# (one that called plan) always exits 0; another (a benchmark) keeps its
# status.
_lib_exit() {
	_lib_rc=$?
	trap - EXIT HUP INT TERM
	if [ "$_tap_n" -lt "$_tap_planned" ]; then
		diag "the script stopped after $_tap_n of $_tap_planned checks"
		bail_rest "not run: the test script stopped early"
	elif [ "$_tap_n" -gt "$_tap_planned" ] && [ "$_tap_planned" -gt 0 ]; then
		diag "BUG: $_tap_n checks run, $_tap_planned planned"
	fi
	# Exit hooks (at_exit), e.g. stopping daemons, before unmounting.
	if [ -n "${_lib_atexit:-}" ]; then
		eval "$_lib_atexit"
	fi
	if [ -f "$T/.mounts" ]; then
		# Innermost (last made) first.
		sed -n '1!G;h;$p' "$T/.mounts" | while IFS= read -r _m; do
			umount "$_m" 2>/dev/null || umount -l "$_m" 2>/dev/null ||
			    diag "cannot unmount $_m"
		done
	fi
	if [ -n "${KEEP_TMP:-}" ]; then
		diag "kept $T"
	else
		chmod -R u+w "$T" 2>/dev/null
		rm -rf "$T"
	fi
	[ "$_tap_planned" -gt 0 ] && exit 0
	exit "$_lib_rc"
}
trap _lib_exit EXIT
trap 'exit 1' HUP INT TERM

mkdir -p "$T/stats" "$T/clips"

# A config for tests: the fast profile "test".  write_conf FILE [PRESET
# [BITRATE [EXTRA]]] writes one with other values; EXTRA goes inside the
# profile, e.g. "threads = 4;".
write_conf() {
	cat >"$1" <<EOF
profiles = { test = { preset = "${2:-ultrafast}"; bitrate = ${3:-300}; crop_samples = 12; ${4:-} }; };
default_profile = "test";
stats_dir = "$T/stats";
EOF
}
TESTCONF=$T/test.conf
write_conf "$TESTCONF"

# --- prerequisites --------------------------------------------------------

# Fail every check if the tools the checks rely on are missing.
need_tools() {
	for _t in ffmpeg ffprobe "$@"; do
		if ! command -v "$_t" >/dev/null 2>&1; then
			diag "$_t is not installed"
			bail_rest "$_t missing: check not run"
			exit 0
		fi
	done
}

# Fail every check if the binary under test is missing.
need_distenc() {
	if [ ! -f "$DISTENC" ] || [ ! -x "$DISTENC" ]; then
		diag "no executable distenc at $DISTENC"
		bail_rest "distenc missing ($DISTENC): check not run"
		exit 0
	fi
}

# --- running distenc ------------------------------------------------------

_de_n=0
# run_distenc ARG...: run the binary with a time limit, stdin closed;
# DE_RC is its exit status, DE_OUT and DE_ERR files with its output.
run_distenc() {
	_de_n=$((_de_n + 1))
	DE_OUT=$T/run$_de_n.stdout
	DE_ERR=$T/run$_de_n.stderr
	diag "run $_de_n: distenc $*"
	if command -v timeout >/dev/null 2>&1; then
		timeout "$(scaled "${DISTENC_TIMEOUT:-600}")" "$DISTENC" "$@" \
		    >"$DE_OUT" 2>"$DE_ERR" </dev/null
	else
		"$DISTENC" "$@" >"$DE_OUT" 2>"$DE_ERR" </dev/null
	fi
	DE_RC=$?
	diag "run $_de_n: exit status $DE_RC"
	diag_file "$DE_OUT" stdout 10
	diag_file "$DE_ERR" stderr 20
	return 0
}

# The output, both streams: for "the program's output mentions ...".
de_all() {
	cat "$DE_OUT" "$DE_ERR" 2>/dev/null
}

# --- probing --------------------------------------------------------------

# probe_stream FILE SELECTOR FIELD: one line per selected stream.
probe_stream() {
	ffprobe -v error -select_streams "$2" -show_entries "stream=$3" \
	    -of default=nw=1:nk=1 -- "$1" 2>/dev/null
}

# probe_tag FILE SELECTOR TAG
probe_tag() {
	ffprobe -v error -select_streams "$2" -show_entries "stream_tags=$3" \
	    -of default=nw=1:nk=1 -- "$1" 2>/dev/null
}

# probe_format_tag FILE TAG
probe_format_tag() {
	ffprobe -v error -show_entries "format_tags=$2" \
	    -of default=nw=1:nk=1 -- "$1" 2>/dev/null
}

# stream_count FILE TYPE (video, audio, subtitle, attachment, data)
stream_count() {
	ffprobe -v error -show_entries stream=codec_type -of csv=p=0 \
	    -- "$1" 2>/dev/null | grep -c "^$2\$"
}

# frame_count FILE: frames decoded from the first video stream.
frame_count() {
	ffprobe -v error -count_frames -select_streams v:0 \
	    -show_entries stream=nb_read_frames -of default=nw=1:nk=1 \
	    -- "$1" 2>/dev/null
}

# frame_pts FILE: the video frames' timestamps, one a line.
frame_pts() {
	ffprobe -v error -select_streams v:0 -show_entries frame=pts \
	    -of csv=p=0 "$1" | sed 's/,.*//' | grep .
}

# min_psnr A B: the lowest frame PSNR (dB) of video A against video B,
# frame by frame: a frame from the wrong place shows as a low one.
min_psnr() {
	ffmpeg -nostdin -hide_banner -i "$1" -i "$2" \
	    -lavfi "[0:v][1:v]psnr=stats_file=$T/min_psnr.log" -f null - \
	    >/dev/null 2>&1
	awk '{ sub("psnr_avg:", "", $6); if (min == "" || $6 + 0 < min)
	    min = $6 + 0 } END { print min }' "$T/min_psnr.log"
}

# frame_duration FILE: seconds per frame of the first video stream.
frame_duration() {
	probe_stream "$1" v:0 r_frame_rate |
	    awk -F/ 'NR == 1 && $1 > 0 { printf "%.6f\n", ($2 ? $2 : 1) / $1 }'
}

# video_duration FILE: from the first video packet's start to the end of
# the last one (packet durations; one frame where a packet has none).
video_duration() {
	_vd_fd=$(frame_duration "$1")
	ffprobe -v error -select_streams v:0 \
	    -show_entries packet=pts_time,duration_time -of csv=p=0 \
	    -- "$1" 2>/dev/null |
	awk -F, -v fd="${_vd_fd:-0}" '
	$1 != "N/A" && $1 != "" {
		d = ($2 == "N/A" || $2 == "" || $2 + 0 <= 0) ? fd : $2
		if (n++ == 0 || $1 < lo) lo = $1
		if ($1 + d > hi) hi = $1 + d
	}
	END { if (n) printf "%.6f\n", hi - lo }'
}

# _ebur128 FILE N: the ebur128 summary of audio stream N.
_ebur128() {
	ffmpeg -nostdin -hide_banner -nostats -i "$1" -map "0:a:$2" \
	    -af ebur128=peak=true -f null - 2>&1
}

# loudness FILE N: integrated loudness (LUFS) of audio stream N (from 0).
loudness() {
	_ebur128 "$1" "$2" | awk '/^ +I:/ { v = $2 } END { if (v != "") print v }'
}

# true_peak FILE N: true peak (dBTP) of audio stream N.
true_peak() {
	_ebur128 "$1" "$2" |
	    awk '/True peak:/ { t = 1 } t && /^ +Peak:/ { v = $2 } END { if (v != "") print v }'
}

# side_data FILE frame|stream TYPE: the fields of the side data of that
# type (e.g. "Mastering display metadata") on the first video frame or on
# the first video stream (the container), one "key=value" a line,
# fractions as decimals.
side_data() {
	if [ "$2" = frame ]; then
		ffprobe -v error -select_streams v:0 -show_frames \
		    -read_intervals '%+#1' -show_entries frame=side_data_list \
		    -of default -- "$1" 2>/dev/null
	else
		ffprobe -v error -select_streams v:0 -show_streams \
		    -of default -- "$1" 2>/dev/null
	fi | awk -v want="$3" '
	/^\[SIDE_DATA\]/ { in_sd = 1; take = 0; next }
	/^\[\/SIDE_DATA\]/ { in_sd = 0; if (take) done = 1; take = 0; next }
	!in_sd || done { next }
	/^side_data_type=/ { take = (substr($0, 16) == want); next }
	take {
		k = $0; sub(/=.*/, "", k)
		v = $0; sub(/^[^=]*=/, "", v)
		if (v ~ /^-?[0-9]+\/[0-9]+$/) {
			split(v, f, "/")
			v = f[2] ? sprintf("%.6f", f[1] / f[2]) : "nan"
		}
		print k "=" v
	}'
}

# side_data_same WANT GOT: every key of the side data lines WANT is in GOT
# with an equal value (numbers: within 0.0001 or 0.1 %); differences go
# to diag.  WANT must not be empty.
side_data_same() {
	[ -n "$1" ] || { diag "  no reference side data"; return 1; }
	printf '%s\n' "$1" >"$T/sd.want"
	printf '%s\n' "$2" >"$T/sd.got"
	awk -F= '
	FNR == NR { got[$1] = substr($0, length($1) + 2); next }
	{
		k = $1; w = substr($0, length(k) + 2)
		if (!(k in got)) { print "  missing " k " (want " w ")"; bad = 1; next }
		g = got[k]
		if (g == w) next
		if (w ~ /^-?[0-9.]+$/ && g ~ /^-?[0-9.]+$/) {
			d = g - w; if (d < 0) d = -d
			a = w < 0 ? -w : w
			if (d <= 0.0001 || d <= a * 0.001) next
		}
		print "  " k ": got " g ", want " w; bad = 1
	}
	END { exit bad }' "$T/sd.got" "$T/sd.want" >"$T/sd.diff"
	_sds=$?
	[ -s "$T/sd.diff" ] && diag "$(cat "$T/sd.diff")"
	return $_sds
}

# chapter_starts FILE, chapter_titles FILE: one line per chapter.
chapter_starts() {
	ffprobe -v error -show_entries chapter=start_time \
	    -of csv=p=0 -- "$1" 2>/dev/null |
	    awk -F, 'NF { printf "%.3f\n", $1 }'
}

chapter_titles() {
	ffprobe -v error -show_entries chapter=:chapter_tags=title \
	    -of default=nw=1:nk=1 -- "$1" 2>/dev/null
}

# --- files ----------------------------------------------------------------

file_sha256() {
	[ -f "$1" ] || return 0
	sha256sum <"$1" 2>/dev/null | cut -d' ' -f1
}

# Modification time with nanoseconds (and inode: an atomic replace makes
# a new one).
file_mtime() {
	stat -c '%y %i' -- "$1" 2>/dev/null
}

# dir_entries DIR: everything under DIR (recursively), one path a line.
dir_entries() {
	[ -d "$1" ] || return 0
	find "$1" -mindepth 1 2>/dev/null
}

# tree_is_empty DIR: DIR holds no file (directories alone are allowed)
# or does not exist.
tree_is_empty() {
	[ -d "$1" ] || return 0
	_tie=$(find "$1" ! -type d 2>/dev/null)
	[ -z "$_tie" ] && return 0
	diag "  files left in $1:" "$_tie"
	return 1
}

# only_entry DIR PATH: the only non-directory under DIR is PATH.
only_entry() {
	_oe=$(find "$1" ! -type d ! -path "$2" 2>/dev/null)
	[ -z "$_oe" ] && [ -f "$2" ] && return 0
	[ -n "$_oe" ] && diag "  unexpected files in $1:" "$_oe"
	return 1
}

# --- mounts ---------------------------------------------------------------

# try_mount_tmpfs DIR OPTIONS: mount a tmpfs (unmounted on exit).
try_mount_tmpfs() {
	mkdir -p "$1" || return 1
	if mount -t tmpfs -o "$2" tmpfs "$1" 2>"$T/mount.err"; then
		printf '%s\n' "$1" >>"$T/.mounts"
		return 0
	fi
	diag "cannot mount a tmpfs ($2) on $1: $(cat "$T/mount.err")"
	return 1
}

# --- clips ----------------------------------------------------------------

# clip KIND PATH [SECONDS]: make a test clip (tests/mkclip.sh); a failure
# is reported as a diagnostic, and the checks on the clip then fail.
clip() {
	mkdir -p "$(dirname "$2")"
	if ! mkclip "$@" 2>"$T/mkclip.err"; then
		diag "cannot make the $1 clip $2:"
		diag_file "$T/mkclip.err" mkclip
		return 1
	fi
}

# --- timing (benchmarks) ------------------------------------------------------

# time_cmd TIMEFILE CMD [ARG...]: run CMD and write "WALL USER SYS" (seconds)
# to TIMEFILE; returns CMD's status.  Uses GNU time (package "time"), else
# the wall clock alone (USER and SYS then "nan").
time_cmd() {
	_tc_f=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %U %S' -o "$_tc_f.raw" "$@"
		_tc_rc=$?
		# GNU time puts "Command exited with non-zero status N" first.
		tail -n 1 "$_tc_f.raw" >"$_tc_f"
		rm -f "$_tc_f.raw"
	else
		_tc_0=$(date +%s.%N)
		"$@"
		_tc_rc=$?
		_tc_1=$(date +%s.%N)
		awk -v a="$_tc_0" -v b="$_tc_1" \
		    'BEGIN { printf "%.2f nan nan\n", b - a }' >"$_tc_f"
	fi
	return $_tc_rc
}

# --- exit hooks ---------------------------------------------------------------

# at_exit CMD: run CMD (a shell command line) on exit, before the mounts are
# undone and $T is removed; hooks run in the order they were added.
_lib_atexit=
at_exit() {
	_lib_atexit="$_lib_atexit
$*"
}

# --- the daemon (distencd) ------------------------------------------------------

DISTENCD=${DISTENCD:-${top_builddir:-.}/distencd}
# Python for reading JSON status files (the system one starts fastest).
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then
		PYTHON=/usr/bin/python3
	else
		PYTHON=python3
	fi
fi
# The daemon's directories (write_dconf makes them).
DSPOOL=$T/spool
DOUT=$T/out
DSTATUS=$T/status
DLOGS=$T/logs

# Fail every check if the daemon or the tools its tests need are missing.
need_distencd() {
	if [ ! -f "$DISTENCD" ] || [ ! -x "$DISTENCD" ]; then
		diag "no executable distencd at $DISTENCD"
		bail_rest "distencd missing ($DISTENCD): check not run"
		exit 0
	fi
	if ! command -v "$PYTHON" >/dev/null 2>&1; then
		diag "$PYTHON (for the JSON status files) is not installed"
		bail_rest "python3 missing: check not run"
		exit 0
	fi
}

# write_dconf FILE [GLOBALS [PROFILES]]: a daemon config with every
# directory in $T (spool, out, status, logs, stats; all made), the fast
# profile "test" of $TESTCONF as default_profile, settle_time
# ${DCONF_SETTLE:-2}, poll_interval ${DCONF_POLL:-2}, jobs ${DCONF_JOBS:-2};
# GLOBALS is added as global settings, PROFILES inside "profiles", e.g.
# 'other = { inherit = "test"; crop = "off"; };'.
write_dconf() {
	_wd_prof=$(sed -n 's/^profiles = { \(.*\) };$/\1/p' "$TESTCONF")
	mkdir -p "$DSPOOL" "$DOUT" "$DSTATUS" "$DLOGS" "$T/stats"
	cat >"$1" <<EOF
spool_dir = "$DSPOOL";
output_dir = "$DOUT";
status_dir = "$DSTATUS";
log_dir = "$DLOGS";
stats_dir = "$T/stats";
settle_time = ${DCONF_SETTLE:-2};
poll_interval = ${DCONF_POLL:-2};
jobs = ${DCONF_JOBS:-2};
default_profile = "test";
profiles = { $_wd_prof ${3:-} };
${2:-}
EOF
}

# start_daemon CONF [LOG]: run "distencd -f -c CONF" in the background, in
# $T, without core dumps, stderr and stdout appended to LOG (default
# $T/daemon.log).  Sets DPID and DLOG.  Stopped on exit if still running.
start_daemon() {
	DLOG=${2:-$T/daemon.log}
	(
		cd "$T" || exit 127
		# shellcheck disable=SC3045 # dash, bash and busybox have it
		ulimit -c 0 2>/dev/null
		unset NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID
		exec "$DISTENCD" -f -c "$1"
	) </dev/null >>"$DLOG" 2>&1 &
	DPID=$!
	echo "$DPID" >>"$T/.daemons"
	diag "started distencd -f -c $1 (pid $DPID), log $DLOG"
}

# start_daemon_ready CONF: start_daemon, then wait for its first status.
start_daemon_ready() {
	start_daemon "$1"
	wait_until 15 test -s "$DSTATUS/distencd.json" ||
	    diag "no $DSTATUS/distencd.json after 15 s"
}

# spool_drop CLIP REL: a copy of CLIP moved into the spool at once.
spool_drop() {
	mkdir -p "$(dirname "$DSPOOL/$2")" "$T/tmp"
	cp "$1" "$T/tmp/x" && mv "$T/tmp/x" "$DSPOOL/$2"
}

# spool_drop_text REL TEXT: a file holding TEXT moved into the spool at once.
spool_drop_text() {
	mkdir -p "$(dirname "$DSPOOL/$1")" "$T/tmp"
	printf '%s\n' "$2" >"$T/tmp/x" && mv "$T/tmp/x" "$DSPOOL/$1"
}

# proc_alive PID: the process exists and is not a zombie.
proc_alive() {
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	_pa_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$_pa_st" ] && [ "$_pa_st" != Z ] && [ "$_pa_st" != X ]
}

daemon_alive() {
	proc_alive "${DPID:-}"
}

# proc_gone_within SECONDS PID...: wait (0.1 s steps) until none of the
# processes is alive; 1 if some still is after SECONDS (scaled).
proc_gone_within() {
	_pg_end=$(deadline "$1")
	shift
	while :; do
		_pg_any=
		for _pg_p; do
			proc_alive "$_pg_p" && _pg_any=1
		done
		[ -z "$_pg_any" ] && return 0
		past "$_pg_end" && return 1
		sleep 0.1
	done
}

# proc_descendants PID: every live descendant, one PID a line.
proc_descendants() {
	for _pd_c in $(pgrep -P "$1" 2>/dev/null); do
		echo "$_pd_c"
		proc_descendants "$_pd_c"
	done
}

# is_distencd_proc PID: a running distencd process (a daemon or a worker).
is_distencd_proc() {
	_ip_exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	case $_ip_exe in
	*/distencd|*/distencd" (deleted)"|*/lt-distencd) return 0 ;;
	esac
	return 1
}

# stop_daemon [PID]: SIGTERM the daemon (default $DPID), wait up to 15 s
# (scaled), then SIGKILL it and any worker left.  DRC is its exit status (137 when
# it had to be killed), DSTOP_SECS the seconds it took to go.
stop_daemon() {
	_st_pid=${1:-${DPID:-}}
	DRC=
	DSTOP_SECS=
	[ -n "$_st_pid" ] || return 0
	_st_kids=$(proc_descendants "$_st_pid")
	_st_t0=$(now)
	kill -TERM "$_st_pid" 2>/dev/null
	if ! proc_gone_within 15 "$_st_pid"; then
		diag "distencd (pid $_st_pid) still running $(scaled 15) s after SIGTERM: SIGKILL"
		_st_kids="$_st_kids $(proc_descendants "$_st_pid")"
		kill -KILL "$_st_pid" 2>/dev/null
		proc_gone_within 5 "$_st_pid"
	fi
	# shellcheck disable=SC2034 # for the caller
	DSTOP_SECS=$(elapsed "$_st_t0")
	wait "$_st_pid" 2>/dev/null
	# shellcheck disable=SC2034 # for the caller
	DRC=$?
	for _st_k in $_st_kids; do
		if proc_alive "$_st_k" && is_distencd_proc "$_st_k"; then
			diag "process $_st_k of distencd $_st_pid outlived it: SIGKILL"
			kill -KILL "$_st_k" 2>/dev/null
		fi
	done
	if [ -f "$T/.daemons" ]; then
		grep -vx "$_st_pid" "$T/.daemons" >"$T/.daemons.new"
		mv "$T/.daemons.new" "$T/.daemons"
	fi
	[ "$_st_pid" = "${DPID:-}" ] && DPID=
	return 0
}

# On exit: stop every daemon still running, then kill (by PID) any distencd
# process left whose command line names $T (orphaned workers).
_daemon_atexit() {
	if [ -s "$T/.daemons" ]; then
		for _da_p in $(cat "$T/.daemons"); do
			if proc_alive "$_da_p"; then
				stop_daemon "$_da_p"
			fi
		done
	fi
	for _da_p in $(pgrep -f -- "$T/" 2>/dev/null); do
		if is_distencd_proc "$_da_p"; then
			diag "distencd process $_da_p left behind: SIGKILL"
			kill -KILL "$_da_p" 2>/dev/null
		fi
	done
}
at_exit _daemon_atexit

# now: the wall clock in seconds, with nanoseconds.
now() {
	date +%s.%N
}

# elapsed T0: seconds since T0 (from now), 3 decimals.
elapsed() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'
}

# deadline SECONDS: the clock (as now says it) SECONDS (scaled) from now;
# past END: that time has come.
deadline() {
	awk -v n="$(now)" -v s="$(scaled "$1")" 'BEGIN { printf "%.3f\n", n + s }'
}

past() {
	awk -v n="$(now)" -v e="$1" 'BEGIN { exit !(n >= e) }'
}

# wait_until SECONDS CMD [ARG...]: run CMD every 0.2 s until it succeeds
# (0) or SECONDS (scaled) have passed (1).
wait_until() {
	_wu_end=$(deadline "$1")
	shift
	while :; do
		"$@" && return 0
		past "$_wu_end" && return 1
		sleep 0.2
	done
}

# status_rewritten N FILE [SECONDS]: wait until FILE, a status file the
# daemon replaces at the end of a turn of its loop (distencd.json, after
# every rescan), has been written anew N times (a new mtime or inode);
# 1 if not within SECONDS (default 30, scaled).  With N >= 2, a whole
# turn of the loop (rescan, settle checks, starting jobs) ran after the
# call began: the positive sign that the daemon looked, for checks that
# it then did nothing.
status_rewritten() {
	_sr_n=$1 _sr_f=$2
	_sr_end=$(deadline "${3:-30}")
	_sr_last=$(file_mtime "$_sr_f")
	while [ "$_sr_n" -gt 0 ]; do
		_sr_cur=$(file_mtime "$_sr_f")
		if [ -n "$_sr_cur" ] && [ "$_sr_cur" != "$_sr_last" ]; then
			_sr_n=$((_sr_n - 1))
			_sr_last=$_sr_cur
			continue
		fi
		past "$_sr_end" && return 1
		sleep 0.05
	done
	return 0
}

# json_get FILE KEY[.KEY...]: a value from a JSON file: strings as they are,
# null as "null", numbers and booleans in JSON, objects and arrays as JSON.
# Nothing and status 1 when the file or the key is missing.
json_get() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        v = json.load(f)
    for k in sys.argv[2].split('.'):
        v = v[k]
except Exception:
    sys.exit(1)
print(v if isinstance(v, str) else json.dumps(v))
EOF
}

# job_status REL: the status file (in $DSTATUS) of the job whose "relative"
# (or "source") is REL; the most recently written when there are several.
job_status() {
	"$PYTHON" - "$DSTATUS" "$1" <<'EOF'
import json, os, sys
d, rel = sys.argv[1], sys.argv[2]
best = None
try:
    names = os.listdir(d)
except OSError:
    names = []
for n in names:
    if not n.endswith('.json') or n == 'distencd.json':
        continue
    p = os.path.join(d, n)
    try:
        with open(p) as f:
            j = json.load(f)
        m = os.stat(p).st_mtime_ns
    except Exception:
        continue
    if isinstance(j, dict) and rel in (j.get('relative'), j.get('source')):
        if best is None or m > best[0]:
            best = (m, p)
if best:
    print(best[1])
else:
    sys.exit(1)
EOF
}

# job_get REL KEY: a value (see json_get) of that job's status.
job_get() {
	_jg_f=$(job_status "$1") || return 1
	json_get "$_jg_f" "$2"
}

# job_state_in REL STATE...: the job's state is one of these.
job_state_in() {
	_js_s=$(job_get "$1" state) || return 1
	shift
	for _js_w; do
		[ "$_js_s" = "$_js_w" ] && return 0
	done
	return 1
}

# job_wait_state SECONDS REL STATE...: wait until the job is in one of the
# states; on a timeout its status goes to diag.
job_wait_state() {
	_jw_s=$1
	shift
	wait_until "$_jw_s" job_state_in "$@" && return 0
	diag "  $1: not in state '$(shift; echo "$*")' after $(scaled "$_jw_s") s; status:"
	_jw_f=$(job_status "$1") && diag "$(cat "$_jw_f")"
	return 1
}

# jobs_table: every job status in $DSTATUS, "state relative error" a line
# (for diagnostics).
jobs_table() {
	"$PYTHON" - "$DSTATUS" <<'EOF'
import json, os, sys
d = sys.argv[1]
for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
    if not n.endswith('.json') or n == 'distencd.json':
        continue
    try:
        with open(os.path.join(d, n)) as f:
            j = json.load(f)
        print(j.get('state'), repr(j.get('relative')), j.get('error') or '')
    except Exception as e:
        print('unreadable', n, e)
EOF
}

# video_size FILE: WIDTHxHEIGHT of the first video stream.
video_size() {
	echo "$(probe_stream "$1" v:0 width)x$(probe_stream "$1" v:0 height)"
}

# temp_files_in DIR...: temporary outputs and x265 stats left there.
temp_files_in() {
	for _tf_d; do
		[ -d "$_tf_d" ] && find "$_tf_d" \( -name '*distenc-tmp*' \
		    -o -name '*.x265-stats*' \) -print 2>/dev/null
	done
}

# clip_boxed PATH SECONDS WIDTH HEIGHT: a letterboxed clip like "letterbox"
# of another size (bars of HEIGHT/8, rounded to even, top and bottom).
clip_boxed() {
	mkdir -p "$(dirname "$1")"
	_cb_bar=$(($4 / 16 * 2))
	if ! _mkclip_boxed "$1" "$2" "$3" $(($4 - 2 * _cb_bar)) "$3" "$4" 0 \
	    "$_cb_bar" 2>"$T/mkclip.err"; then
		diag "cannot make the $3x$4 clip $1:"
		diag_file "$T/mkclip.err" mkclip
		return 1
	fi
}

# run_distencd ARG...: like run_distenc, for the daemon's one-shot options
# (-n, -V, a bad option), with a 20 s time limit (scaled).
run_distencd() {
	_de_n=$((_de_n + 1))
	DE_OUT=$T/run$_de_n.stdout
	DE_ERR=$T/run$_de_n.stderr
	diag "run $_de_n: distencd $*"
	timeout "$(scaled 20)" "$DISTENCD" "$@" >"$DE_OUT" 2>"$DE_ERR" </dev/null
	DE_RC=$?
	diag "run $_de_n: exit status $DE_RC"
	diag_file "$DE_OUT" stdout 10
	diag_file "$DE_ERR" stderr 20
	return 0
}

# iso_epoch ISO8601: seconds since the epoch (fractions kept); nothing and
# status 1 when it is no ISO 8601 UTC time.
iso_epoch() {
	"$PYTHON" - "$1" <<'EOF'
import sys
from datetime import datetime, timezone
s = sys.argv[1].strip()
if s.endswith('Z'):
    s = s[:-1] + '+00:00'
try:
    d = datetime.fromisoformat(s)
except ValueError:
    sys.exit(1)
if d.tzinfo is None:
    sys.exit(1)
print('%.3f' % d.timestamp())
EOF
}

# slow_copy SRC DST REL OUT [PIECES [GAP]]: write SRC to DST (a source in
# the spool, job REL, output OUT) in PIECES pieces (default 5), each
# appended GAP seconds (default 1) after the one before, checking all the
# while (0.1 s steps) that the daemon has not taken it: no status in state
# running, waiting, done or failed, no OUT.  Sets SLOW_EARLY (what was seen
# too early; empty if nothing) and SLOW_MAXGAP (the longest gap between two
# writes, which must stay under settle_time for the check to mean anything).
slow_copy() {
	_sc_src=$1 _sc_dst=$2 _sc_rel=$3 _sc_out=$4
	_sc_n=${5:-5} _sc_gap=${6:-1}
	SLOW_EARLY=
	SLOW_MAXGAP=0
	rm -rf "$T/.pieces"
	mkdir -p "$T/.pieces" "$(dirname "$_sc_dst")"
	split -n "$_sc_n" "$_sc_src" "$T/.pieces/p." || {
		SLOW_EARLY="cannot split $_sc_src"
		return 1
	}
	_sc_last=
	for _sc_p in "$T"/.pieces/p.*; do
		dd if="$_sc_p" of="$_sc_dst" conv=notrunc oflag=append \
		    status=none
		_sc_t=$(now)
		if [ -n "$_sc_last" ]; then
			SLOW_MAXGAP=$(awk -v a="$_sc_last" -v b="$_sc_t" \
			    -v m="$SLOW_MAXGAP" \
			    'BEGIN { g = b - a; printf "%.3f", (g > m ? g : m) }')
		fi
		_sc_last=$_sc_t
		while :; do
			_sc_s=$(job_get "$_sc_rel" state)
			case $_sc_s in
			running|waiting|done|failed)
				SLOW_EARLY="$SLOW_EARLY state $_sc_s after piece ${_sc_p##*.};"
				;;
			esac
			[ -e "$_sc_out" ] &&
			    SLOW_EARLY="$SLOW_EARLY output after piece ${_sc_p##*.};"
			awk -v a="$_sc_t" -v b="$(now)" -v g="$_sc_gap" \
			    'BEGIN { exit !(b - a >= g) }' && break
			sleep 0.1
		done
	done
	rm -rf "$T/.pieces"
	cmp -s "$_sc_src" "$_sc_dst" || {
		SLOW_EARLY="$SLOW_EARLY (BUG: the copy differs from $_sc_src)"
		return 1
	}
	return 0
}

# --- AviSynth+ and damaged sources ----------------------------------------

# need_avsplus: $AVSREAD (the script reader) and the stand-in AviSynth+
# ($FAKE, tests/avsplus) first on the library path, and $S, a folder for
# scripts; every check skipped without them.
need_avsplus() {
	AVSREAD=$top_builddir/tests/avs/avsread
	FAKE=$top_builddir/tests/avsplus
	if [ ! -x "$AVSREAD" ] || [ ! -f "$FAKE/libavisynth.so" ]; then
		bail_rest "no $AVSREAD or $FAKE/libavisynth.so: check not run"
		exit 0
	fi
	LD_LIBRARY_PATH=$FAKE${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
	S=$T/scripts
	mkdir -p "$S"
}

# cut_clip OUT PERCENT: a 2 s 160x90 H.264 and AAC Matroska clip at 25 fps
# (50 frames) cut to PERCENT of its bytes.
cut_clip() {
	ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=2:sample_rate=48000 -c:v libx264 \
	    -preset ultrafast -g 25 -c:a aac "$T/.whole.mkv" \
	    2>"$T/ffmpeg.err" || diag_file "$T/ffmpeg.err" ffmpeg 5
	mkdir -p "$(dirname "$1")"
	head -c $(($(wc -c <"$T/.whole.mkv") * $2 / 100)) "$T/.whole.mkv" \
	    >"$1"
}

# faketime_lib: libfaketime (package faketime) in FAKELIB, for a daemon
# whose clock the test sets (LD_PRELOAD=$FAKELIB FAKETIME="@TIME");
# status 1 when it is not installed.
faketime_lib() {
	for FAKELIB in /usr/lib/*/faketime/libfaketime.so.1 \
	    /usr/lib/faketime/libfaketime.so.1; do
		[ -f "$FAKELIB" ] || continue
		# Preloaded before a sanitizer build's runtime, which is
		# told not to mind.
		ASAN_OPTIONS="verify_asan_link_order=0:${ASAN_OPTIONS:-}"
		export ASAN_OPTIONS
		return 0
	done
	FAKELIB=
	return 1
}
