#!/bin/sh
#
# distencd and SIGTERM during an encode (a 640x360 10 s clip at preset
# medium): the daemon ends with status 0 within 10 s (scaled), leaving no
# temporary output, no stats and no worker; after a restart the
# interrupted job is done again, the finished ones are not redone and a
# job failed by SIGSEGV stays failed.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 12
need_tools
need_distencd

signals_setup

# Two finished jobs, and one failed by a worker's SIGSEGV.
drop "$T/clips/lb.mkv" next.mkv
drop "$T/clips/lb.mkv" hup1.mkv
job_wait_state 60 next.mkv done failed
job_wait_state 60 hup1.mkv done failed
drop "$T/clips/big.mkv" slow/segv.mkv
if wait_encoding slow/segv.mkv; then
	# shellcheck disable=SC2046
	kill -SEGV $(workers)
	release_encoding	# the SIGSEGV, pending while held, is taken
else
	diag "slow/segv.mkv never ran: no worker to kill"
fi
job_wait_state 30 slow/segv.mkv failed done
diag "before SIGTERM:" "$(jobs_table)"

finished="next.mkv hup1.mkv"
drop "$T/clips/big.mkv" slow/term.mkv
wait_encoding slow/term.mkv || diag "slow/term.mkv is not encoding"
term_workers=$(proc_descendants "$DPID")
diag "SIGTERM with slow/term.mkv in stage '$(job_get slow/term.mkv stage)', frame $(job_get slow/term.mkv frame); workers: $term_workers"
ls -la "$DOUT/slow" "$T/stats" 2>&1 | sed 's/^/# /'
# The finished jobs, as they are now.
snapshot() {
	for r in $finished; do
		printf '%s %s %s %s\n' "$r" "$(file_mtime "$DOUT/$r")" \
		    "$(job_get "$r" state)" "$(job_get "$r" started)"
	done
}
snapshot >"$T/finished.before"
dpid1=$DPID
t0=$(now)
kill -TERM "$DPID"
# The daemon passes SIGTERM on to its worker, held until then.
wait_until 10 grep -q "SIGTERM: stopping" "$DLOG"
release_encoding
proc_gone_within 12 "$DPID"
term_secs=$(elapsed "$t0")
if proc_alive "$DPID"; then
	term_rc=running
	stop_daemon
else
	wait "$DPID"
	term_rc=$?
	DPID=
fi
diag "SIGTERM: status $term_rc after $term_secs s"
if [ "$term_rc" = 0 ] &&
    awk -v s="$term_secs" -v t="$(scaled 10)" 'BEGIN { exit !(s <= t) }'; then
	pass "SIGTERM during an encode: exit status 0 within 10 s"
else
	fail "SIGTERM during an encode: exit status 0 within 10 s"
	diag_file "$DLOG" "daemon log"
fi
left=
for p in $term_workers; do
	proc_alive "$p" && left="$left $p"
done
if [ -n "$term_workers" ] && [ -z "$left" ]; then
	pass "SIGTERM: no worker process left"
else
	fail "SIGTERM: no worker process left"
	diag "  workers before: '$term_workers', still alive: '$left'"
	# shellcheck disable=SC2086
	[ -n "$left" ] && kill -KILL $left
fi
tmp_left=$(temp_files_in "$DOUT" "$T/stats")
if [ -z "$tmp_left" ] && tree_is_empty "$T/stats"; then
	pass "SIGTERM: no temporary output, stats_dir empty"
else
	fail "SIGTERM: no temporary output, stats_dir empty"
	diag "$tmp_left"
fi
find "$DOUT" ! -type d | sort >"$T/outputs"
for r in $finished; do
	printf '%s\n' "$DOUT/$r"
done | sort >"$T/outputs.want"
if cmp -s "$T/outputs" "$T/outputs.want"; then
	pass "SIGTERM: output_dir holds the finished jobs' outputs, nothing else"
else
	fail "SIGTERM: output_dir holds the finished jobs' outputs, nothing else"
	diag "$(diff "$T/outputs.want" "$T/outputs")"
fi
diag "status of the interrupted job after shutdown:" \
    "$(cat "$(job_status slow/term.mkv)" 2>&1)"

# --- restart --------------------------------------------------------------------------

start_daemon "$CONF" "$T/daemon2.log"
t_restart=$(now)
# Watch the finished jobs while the interrupted one runs again, for at
# least settle_time + two poll intervals.
: >"$T/seen"
while :; do
	for r in $finished slow/segv.mkv; do
		s=$(job_get "$r" state)
		printf '%s %s\n' "$r" "$s" >>"$T/seen"
	done
	st=$(job_get slow/term.mkv state)
	if awk -v a="$t_restart" -v b="$(now)" 'BEGIN { exit !(b - a >= 7) }'; then
		case $st in done|failed) break ;; esac
		if awk -v a="$t_restart" -v b="$(now)" -v l="$(scaled 240)" 'BEGIN { exit !(b - a >= l) }'; then
			diag "slow/term.mkv still '$st' $(scaled 240) s after the restart"
			break
		fi
	fi
	sleep 0.2
done
if [ "$(job_get slow/term.mkv state)" = done ] &&
    [ "$(frame_count "$DOUT/slow/term.mkv")" = "$BIG_FRAMES" ]; then
	pass "restart: the interrupted job is done again, all $BIG_FRAMES frames"
else
	fail "restart: the interrupted job is done again, all $BIG_FRAMES frames"
	diag "$(cat "$(job_status slow/term.mkv)" 2>&1)"
fi
redo=$(grep -v ' done$' "$T/seen" | grep -v '^slow/segv.mkv' | sort | uniq -c)
if [ -z "$redo" ]; then
	pass "restart: finished jobs stay done (no other state seen)"
else
	fail "restart: finished jobs stay done (no other state seen)"
	diag "$redo"
fi
snapshot >"$T/finished.after"
if cmp -s "$T/finished.before" "$T/finished.after"; then
	pass "restart: finished jobs' outputs (mtime, inode) and started times unchanged"
else
	fail "restart: finished jobs' outputs (mtime, inode) and started times unchanged"
	diag "$(diff "$T/finished.before" "$T/finished.after")"
fi
segv_seen=$(grep '^slow/segv.mkv' "$T/seen" | sort | uniq -c)
if [ "$(grep '^slow/segv.mkv' "$T/seen" | grep -cv ' failed$')" = 0 ]; then
	pass "restart: the job failed by SIGSEGV stays failed (not redone)"
else
	fail "restart: the job failed by SIGSEGV stays failed (not redone)"
	diag "$segv_seen"
fi
ok "restart: the daemon is running" daemon_alive
dpid2=$DPID
stop_daemon
is "$DRC" 0 "restart: SIGTERM when idle: exit status 0"
ok "no temporary output or stats left at the end" \
    eval '[ -z "$(temp_files_in "$DOUT" "$T/stats")" ] && tree_is_empty "$T/stats"'
diag "jobs:" "$(jobs_table)"
diag_file "$DLOG" "second daemon log" 30
left=
for p in $(pgrep -f -- "$T/" 2>/dev/null); do
	is_distencd_proc "$p" && left="$left $p"
done
is "$left" "" "no distencd process left (daemons $dpid1, $dpid2 and workers)"
