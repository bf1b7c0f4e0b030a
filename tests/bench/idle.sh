#!/bin/sh
#
# Benchmark (not part of make check): what distencd costs when it has
# nothing to do, and how soon it starts a job once the file has settled.
#
#	tests/bench/idle.sh [-s SECONDS] [-n FILES] [-r REPEATS] [-p POLL] [-m PART] [-k]
#
#   -s  idle measuring window in seconds (default 60)
#   -n  finished jobs for the second idle measurement (default 1000)
#   -r  repeats of the latency measurement (default 5)
#   -p  poll_interval during the idle measurements (default 60, distencd's
#       own default)
#   -m  what to measure: idle, latency or all (default all)
#   -k  keep the temporary directory
#
# (a) Idle cost: CPU time (utime + stime from /proc/PID/stat) over the
#     window and resident memory (VmRSS, and the peak VmHWM, from
#     /proc/PID/status) of the daemon with an empty spool; then with a spool
#     of FILES finished jobs (tiny non-media files f0001.mkv ..., each
#     failed with "not a media file" and remembered, as cheap to keep as
#     done ones), measured on the daemon that ran them and again after a
#     restart (jobs remembered from the status files).  Targets: under
#     0.1 s of CPU per minute, under 16 MiB RSS.
# (b) Settle-to-start latency, with settle_time = 1 and poll_interval = 60
#     (only inotify can make it quick): a clip is moved into the spool, and
#     the time from the move + settle_time to the moment its status first
#     says "running" or a worker process appears is measured REPEATS times.
#     Target: under 1 s (median).
#
# Prints each figure, the targets, and the ratios between the runs; it
# never fails on a figure.  Exit status: 0 when measured, 1 when the daemon
# could not be run or did not do what was needed to measure.
#
# Environment: top_srcdir, top_builddir (default: two levels up), DISTENCD.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

window=60
nfiles=1000
repeats=5
poll=60
part=all
while getopts s:n:r:p:m:k opt; do
	case $opt in
	s) window=$OPTARG ;;
	n) nfiles=$OPTARG ;;
	r) repeats=$OPTARG ;;
	p) poll=$OPTARG ;;
	m) part=$OPTARG ;;
	k) KEEP_TMP=1 ;;
	*) sed -n '7s/^#//p' "$0" >&2; exit 2 ;;
	esac
done
case $part in
idle|latency|all) ;;
*) echo "bench: -m idle, latency or all" >&2; exit 2 ;;
esac

die() {
	echo "bench: $*" >&2
	[ -n "${DLOG:-}" ] && [ -s "$DLOG" ] && tail -n 20 "$DLOG" | sed 's/^/bench:   /' >&2
	exit 1
}

[ -x "$DISTENCD" ] || die "no executable distencd at $DISTENCD"
command -v "$PYTHON" >/dev/null 2>&1 || die "python3 is not installed"
TCK=$(getconf CLK_TCK)

# cpu_ticks PID: utime + stime, in clock ticks; children_ticks PID: cutime
# + cstime (workers reaped meanwhile).
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}
children_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $14 + $15 }'
}
# status_kib PID FIELD: VmRSS, VmHWM... in KiB.
status_kib() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# wait_daemon_ready: distencd.json written by this daemon.
wait_daemon_ready() {
	wait_until 30 eval '[ "$(json_get "$DSTATUS/distencd.json" pid)" = "$DPID" ]'
}

# measure NAME: idle CPU over the window, memory at its end; prints a line
# and sets M_CPUMIN (s per minute) and M_RSS (MiB) for NAME.
measure() {
	daemon_alive || die "the daemon is not running"
	_c0=$(cpu_ticks "$DPID")
	_k0=$(children_ticks "$DPID")
	_t0=$(now)
	sleep "$window"
	daemon_alive || die "the daemon died while measured"
	_c1=$(cpu_ticks "$DPID")
	_k1=$(children_ticks "$DPID")
	_dt=$(elapsed "$_t0")
	_rss=$(status_kib "$DPID" VmRSS)
	_hwm=$(status_kib "$DPID" VmHWM)
	eval "cpumin_$1=\$(awk -v a=$_c0 -v b=$_c1 -v t=$TCK -v d=$_dt 'BEGIN { printf \"%.4f\", (b - a) / t * 60 / d }')"
	eval "rss_$1=\$(awk -v k=$_rss 'BEGIN { printf \"%.2f\", k / 1024 }')"
	eval "anon_$1=\$(status_kib \"\$DPID\" RssAnon)"
	eval "_cm=\$cpumin_$1 _rm=\$rss_$1"
	printf '  %-34s CPU %7.4f s/min (%d ticks in %.1f s)  RSS %6.2f MiB  peak %6.2f MiB\n' \
	    "$2" "$_cm" $((_c1 - _c0)) "$_dt" "$_rm" \
	    "$(awk -v k="$_hwm" 'BEGIN { printf "%.2f", k / 1024 }')"
	printf '  %-34s (RSS: anonymous %.2f MiB, file-backed %.2f MiB; threads %s, fds %s)\n' "" \
	    "$(awk -v k="$(status_kib "$DPID" RssAnon)" 'BEGIN { print k / 1024 }')" \
	    "$(awk -v k="$(status_kib "$DPID" RssFile)" 'BEGIN { print k / 1024 }')" \
	    "$(awk '$1 == "Threads:" { print $2 }' "/proc/$DPID/status")" \
	    "$(ls "/proc/$DPID/fd" | wc -l)"
	[ $((_k1 - _k0)) -gt 0 ] &&
	    echo "    (note: $((_k1 - _k0)) ticks of reaped child processes in the window)"
	return 0
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

echo "distencd: $DISTENCD ($("$DISTENCD" -V 2>&1)); $(nproc) CPUs; clock ticks $TCK/s"

# --- (a) idle cost ------------------------------------------------------------

if [ "$part" != latency ]; then
	echo
	echo "(a) idle cost: poll_interval $poll s, window $window s (targets: < 0.1 s CPU per minute, < 16 MiB RSS)"
	DCONF_POLL=$poll write_dconf "$T/idle.conf"
	start_daemon "$T/idle.conf" "$T/idle.log"
	wait_daemon_ready || die "no distencd.json from the daemon"
	sleep 3
	measure empty "empty spool"
	stop_daemon

	echo "  making $nfiles non-media files to fail (\"not a media file\")..."
	i=1
	while [ "$i" -le "$nfiles" ]; do
		printf 'not a media file %d\n' "$i" >"$DSPOOL/$(printf 'f%04d.mkv' "$i")"
		i=$((i + 1))
	done
	t0=$(now)
	start_daemon "$T/idle.conf" "$T/idle2.log"
	wait_daemon_ready || die "no distencd.json from the daemon"
	all_failed() {
		[ "$(json_get "$DSTATUS/distencd.json" counts.failed)" = "$nfiles" ]
	}
	# Long enough for a rescan after settle_time, and for the jobs.
	if ! wait_until $((poll * 2 + nfiles / 2 + 60)) all_failed; then
		echo "  counts: $(json_get "$DSTATUS/distencd.json" counts)"
		die "the daemon did not fail the $nfiles files"
	fi
	echo "  $nfiles jobs failed in $(elapsed "$t0") s (from the start of the daemon)"
	sleep 3
	measure full "$nfiles finished jobs"
	stop_daemon
	start_daemon "$T/idle.conf" "$T/idle3.log"
	wait_daemon_ready || die "no distencd.json from the restarted daemon"
	wait_until 30 all_failed ||
	    echo "  note: after the restart distencd.json counts $(json_get "$DSTATUS/distencd.json" counts.failed) failed, not $nfiles"
	sleep 3
	measure restart "$nfiles finished jobs, restarted"
	stop_daemon
	# shellcheck disable=SC2154
	echo "  ratios to the empty spool: CPU $(ratio "$cpumin_full" "$cpumin_empty") and $(ratio "$cpumin_restart" "$cpumin_empty") (restarted), RSS $(ratio "$rss_full" "$rss_empty") and $(ratio "$rss_restart" "$rss_empty") (restarted)"
	# shellcheck disable=SC2154
	echo "  memory per finished job: $(awk -v a="$anon_full" -v e="$anon_empty" -v n="$nfiles" 'BEGIN { printf "%.1f", (a - e) / n }') KiB of anonymous RSS ($(awk -v a="$anon_restart" -v e="$anon_empty" -v n="$nfiles" 'BEGIN { printf "%.1f", (a - e) / n }') KiB restarted)"
	for n in empty full restart; do
		eval "c=\$cpumin_$n r=\$rss_$n"
		awk -v c="$c" -v r="$r" -v n="$n" 'BEGIN {
			printf "  %-8s CPU %s the 0.1 s/min target, RSS %s the 16 MiB target\n", n,
			    (c < 0.1 ? "within" : "OVER"), (r < 16 ? "within" : "OVER") }'
	done
fi

# --- (b) settle-to-start latency --------------------------------------------------

if [ "$part" != idle ]; then
	echo
	echo "(b) settle-to-start latency: settle_time 1 s, poll_interval 60 s, $repeats files moved in (target: < 1 s)"
	DSPOOL=$T/lat/spool DOUT=$T/lat/out DSTATUS=$T/lat/status DLOGS=$T/lat/logs
	DCONF_SETTLE=1 DCONF_POLL=60 DCONF_JOBS=1 write_dconf "$T/lat.conf"
	clip letterbox "$T/clips/lb.mkv" 2 || die "cannot make the clip"
	mkdir -p "$T/stage"
	start_daemon "$T/lat.conf" "$T/lat.log"
	wait_daemon_ready || die "no distencd.json from the daemon"
	sleep 2
	# running REL: its status says running, or the daemon has a worker.
	running() {
		[ -n "$(pgrep -P "$DPID")" ] && return 0
		_rf=$(grep -l "\"relative\": *\"$1\"" "$DSTATUS"/*.json 2>/dev/null) &&
		    grep -Eq '"state": *"(running|done|failed)"' $_rf
	}
	: >"$T/lat.times"
	i=1
	while [ "$i" -le "$repeats" ]; do
		cp "$T/clips/lb.mkv" "$T/stage/lat$i.mkv"
		t_mv=$(now)
		mv "$T/stage/lat$i.mkv" "$DSPOOL/lat$i.mkv"
		t_end=$(awk -v a="$t_mv" 'BEGIN { printf "%.3f", a + 30 }')
		t_run=
		while awk -v n="$(now)" -v e="$t_end" 'BEGIN { exit !(n < e) }'; do
			if running "lat$i.mkv"; then
				t_run=$(now)
				break
			fi
			sleep 0.01
		done
		[ -n "$t_run" ] || die "lat$i.mkv not started 30 s after it was moved in"
		lat=$(awk -v a="$t_mv" -v b="$t_run" 'BEGIN { printf "%.3f", b - a - 1 }')
		echo "$lat" >>"$T/lat.times"
		printf '  lat%d.mkv: started %.3f s after it settled (%.3f s after the move)\n' \
		    "$i" "$lat" "$(awk -v l="$lat" 'BEGIN { print l + 1 }')"
		job_wait_state 60 "lat$i.mkv" done failed >/dev/null ||
		    die "lat$i.mkv did not finish"
		i=$((i + 1))
	done
	stop_daemon
	med=$(sort -n "$T/lat.times" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	echo "  median $med s (target: under 1 s: $(awk -v m="$med" 'BEGIN { print (m < 1 ? "within" : "OVER") }'))"
fi
exit 0
