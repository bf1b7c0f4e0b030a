#!/bin/sh
# distenc quick start on Debian 12.
#
#   sh contrib/quickstart.sh          install, build, make a sample clip,
#                                     encode it with the built-in settings,
#                                     then run the daemon on a spool
#   sh contrib/quickstart.sh daemon   only the daemon part
#   sh contrib/quickstart.sh check    install, build and run the test suite
#
# Everything goes below quickstart/ (or QUICKSTART_DIR), as the user who
# runs it: no root, no systemd.
# Installing needs root (sudo is used when it is there).
set -eu

cd "$(dirname "$0")/.."
mode=${1:-demo}

PACKAGES="autoconf automake make gcc pkg-config ffmpeg
libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev
libswscale-dev libswresample-dev libx265-dev libaom-dev libsvtav1enc-dev libconfig-dev
libjansson-dev libcmocka-dev"
# What the tests use besides: a FUSE file system for the spool, Matroska
# inspection, JSON reading in the shell tests, and sshd and sshfs for two
# network mounts of one token directory over 127.0.0.1 (the tests run
# their own sshd; the system's ssh service is not started, and is
# disabled when this script installed it), and libfaketime for a host
# whose clock is an hour off; the benchmarks (tests/bench/) time with GNU
# time.
CHECK_PACKAGES="bindfs fuse3 mkvtoolnix python3 openssh-server sshfs systemd clang
faketime curl slurm-wlm munge prometheus chromium time"

say() { printf '\n==> %s\n' "$*"; }

install_packages() {
	missing=
	wanted=$PACKAGES
	[ "$mode" = check ] && wanted="$wanted $CHECK_PACKAGES"
	for p in $wanted; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	say "installing:$missing"
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update
	# Debian starts and enables a service it installs (openssh-server):
	# a policy-rc.d saying 101 stops the start, and it is disabled after.
	policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
		$sudo chmod 755 /usr/sbin/policy-rc.d
		policy=1
	fi
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $missing ||
	    { [ -n "$policy" ] && $sudo rm -f /usr/sbin/policy-rc.d; exit 1; }
	[ -n "$policy" ] && $sudo rm -f /usr/sbin/policy-rc.d
	case " $missing " in
	(*" openssh-server "*)
		$sudo systemctl disable ssh.service ssh.socket >/dev/null 2>&1 ||
		    true;;
	esac
}

build() {
	say "building"
	[ -x configure ] || autoreconf -fi
	[ -f Makefile ] || ./configure
	make -j"$(nproc)"
}

dir=${QUICKSTART_DIR:-quickstart}

# sample FILE TOP: a 6 s 640x360 clip, its picture TOP rows down, with
# quiet audio.
sample() {
	[ -s "$1" ] && return 0
	say "making a sample clip: $1 (letterboxed 640x360, quiet audio)"
	ffmpeg -v error -y \
	    -f lavfi -i "testsrc2=s=640x272:r=25:d=6,pad=640:360:0:$2:black" \
	    -f lavfi -i "sine=f=220:d=6:sample_rate=48000,volume=-30dB" \
	    -c:v libx264 -pix_fmt yuv420p -c:a aac -ac 2 "$1"
}

demo() {
	mkdir -p "$dir"
	sample "$dir/sample.mkv" 44
	say "encoding it with the built-in settings (x265 preset slow, two passes)"
	rm -f "$dir/out/sample.mkv"
	./distenc -o "$dir/out" -s "${TMPDIR:-/tmp}/distenc-stats" \
	    "$dir/sample.mkv" | tee "$dir/summary.txt"
	say "what distenc found and did"
	line=$(grep '^done: ' "$dir/summary.txt") || {
		echo "the sample was not encoded: see the messages above" >&2
		exit 1
	}
	rest=${line#done: }
	details=${rest#* (}
	echo "  source: ${rest%% -> *}"
	echo "$details" | sed 's/)$//' | tr -s ',' '\n' | sed 's/^ *//; s/^/  /'
	echo
	echo "The output is $(pwd)/$dir/out/sample.mkv"
	echo "See 'man ./man/distenc.1' and etc/distenc.conf for more."
}

# until_ok SECONDS CMD...: run CMD every second until it succeeds.
until_ok() {
	n=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 1
	done
}

# job_in STATE...: the second sample's job is in one of the states.
job_in() {
	for f in "$d"/status/sample2.mkv-*.json; do
		for s; do
			grep -q "\"state\": \"$s\"" "$f" && return 0
		done
	done
	return 1
}

ctl() {
	./distencctl -c "$d/distencd.conf" "$@"
}

# The product: distencd in the foreground on a spool under $dir/daemon,
# fed a file the way a user does, watched with distencctl, then drained.
daemon_demo() {
	case $dir in
	/*)	d=$dir/daemon ;;
	*)	d=$(pwd)/$dir/daemon ;;
	esac
	mkdir -p "$d/spool" "$d/out" "$d/status" "$d/logs" "$d/work" "$d/stats"
	sample "$dir/sample2.mkv" 30
	printf '%s\n' "spool_dir = \"$d/spool\";" "output_dir = \"$d/out\";" \
	    "status_dir = \"$d/status\";" "log_dir = \"$d/logs\";" \
	    "work_dir = \"$d/work\";" "stats_dir = \"$d/stats\";" \
	    "control_socket = \"$d/control\";" "settle_time = 2;" \
	    "poll_interval = 2;" "jobs = 1;" >"$d/distencd.conf"
	say "starting distencd in the foreground on the spool $d/spool"
	echo "  (its log: $d/distencd.log; its configuration: $d/distencd.conf)"
	./distencd -f -c "$d/distencd.conf" >"$d/distencd.log" 2>&1 &
	pid=$!
	trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT
	until_ok 30 test -S "$d/control" ||
	    { cat "$d/distencd.log" >&2; exit 1; }
	say "dropping $dir/sample2.mkv into the spool: copy, then rename"
	cp "$dir/sample2.mkv" "$d/.sample2.mkv.part"
	mv "$d/.sample2.mkv.part" "$d/spool/sample2.mkv"
	until_ok 60 job_in running done failed || true
	say "distencctl status"
	ctl status || true
	say "distencctl jobs"
	ctl jobs || true
	until_ok 600 job_in done failed ||
	    { echo "the job did not end: see $d/distencd.log" >&2; exit 1; }
	say "distencctl jobs"
	ctl jobs
	say "the status page"
	ctl html "$d/html"
	echo "  (open it in a browser; 'distencctl html DIR SECONDS' keeps it fresh)"
	say "stopping distencd: distencctl drain"
	ctl drain
	wait "$pid"
	trap - EXIT
	echo
	echo "The daemon's output is $d/out/sample2.mkv"
	echo "See 'man ./man/distencd.8', 'man ./man/distencctl.8' and etc/distencd.conf."
}

check() {
	say "running the tests"
	status=0
	make check || status=$?
	if [ -f test-suite.log ]; then
		pass=$(sed -n 's/^# PASS: *//p' test-suite.log)
		fail=$(sed -n 's/^# FAIL: *//p' test-suite.log)
		err=$(sed -n 's/^# ERROR: *//p' test-suite.log)
		skip=$(sed -n 's/^# SKIP: *//p' test-suite.log)
		for f in $(find tests -name '*.log' ! -name test-suite.log); do
			grep -q "^not ok" "$f" 2>/dev/null || continue
			# The whole log of a script with a failed check (its
			# diagnostics say why), at most 300 lines.
			echo "--- $f"
			head -n 300 "$f"
			grep -h "^not ok" "$f" | sed "s|^|$f: |"
		done
		echo "tests: ${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed, ${skip:-0} skipped"
	fi
	return $status
}

install_packages
build
case $mode in
demo)	demo; daemon_demo ;;
daemon)	daemon_demo ;;
check)	check ;;
*)	echo "usage: sh contrib/quickstart.sh [daemon | check]" >&2; exit 2 ;;
esac
