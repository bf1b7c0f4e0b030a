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
		timeout "${DISTENC_TIMEOUT:-600}" "$DISTENC" "$@" \
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
