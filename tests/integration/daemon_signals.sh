#!/bin/sh
#
# distencd and signals: a worker killed with SIGSEGV fails its job with
# "SIGSEGV" in the status and the job log, and the daemon carries on;
# SIGHUP with a broken config keeps the old one (error logged as
# FILE:LINE: KEY:), SIGHUP with a valid changed config takes effect (a new
# directories entry, jobs = 1); a file changed while its job is queued is
# a new job, and the old one does not run;
# SIGTERM during an encode ends the daemon with status 0 within 10 s,
# leaving no temporary output, no stats and no worker; after a restart the
# interrupted job is done again, and the finished ones are not redone.
#
# The long jobs are a 640x360 10 s clip at preset "medium" (directory
# "slow", profile "slowp"): a few seconds of encoding to hit.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 26
need_tools
need_distencd

CONF=$T/d.conf
mkdir -p "$T/stage"
PROFILES='slowp = { inherit = "test"; preset = "medium"; }; nocrop = { inherit = "test"; crop = "off"; };'
DIRS='directories = ( { path = "slow"; profile = "slowp"; } );'
DIRS2='directories = ( { path = "slow"; profile = "slowp"; }, { path = "nocrop"; profile = "nocrop"; } );'

clip letterbox "$T/clips/lb.mkv" 2
clip pillarbox "$T/clips/pb.mkv" 2
clip_boxed "$T/clips/big.mkv" 10 640 360
clip_boxed "$T/clips/big20.mkv" 20 640 360
big_frames=$(frame_count "$T/clips/big.mkv")

# drop FILE REL: move a copy of FILE to <spool>/REL.
drop() {
	mkdir -p "$(dirname "$T/stage/$2")" "$(dirname "$DSPOOL/$2")"
	cp "$1" "$T/stage/$2"
	mv "$T/stage/$2" "$DSPOOL/$2"
}

# The daemon's workers (children), one PID a line.
workers() {
	pgrep -P "$DPID" 2>/dev/null
}
has_worker() {
	[ -n "$(workers)" ]
}
# job_in_pass REL: in pass 1 or 2 with frames done (a status written at
# the start of a pass says frame 0).
# The status seen goes to $T/encoding.json.
job_in_pass() {
	_jp_f=$(job_status "$1") || return 1
	cp "$_jp_f" "$T/encoding.json" 2>/dev/null || return 1
	_jp_f=$T/encoding.json
	case $(json_get "$_jp_f" stage) in
	"pass 1"|"pass 2") ;;
	*) return 1 ;;
	esac
	[ "$(json_get "$_jp_f" frame)" -gt 0 ] 2>/dev/null
}
# wait_encoding REL: the job is running, a worker exists, and the status
# shows frames of pass 1 or 2 done.
wait_encoding() {
	job_wait_state 60 "$1" running || return 1
	wait_until 10 has_worker || { diag "  no worker process"; return 1; }
	wait_until 20 job_in_pass "$1" ||
	    diag "  not seen encoding: stage '$(job_get "$1" stage)', frame '$(job_get "$1" frame)'"
	return 0
}

write_dconf "$CONF" "$DIRS" "$PROFILES"
start_daemon "$CONF"
wait_until 15 test -s "$DSTATUS/distencd.json" ||
    diag "no $DSTATUS/distencd.json after 15 s"

# --- a worker killed by SIGSEGV ----------------------------------------------------

drop "$T/clips/big.mkv" slow/segv.mkv
if wait_encoding slow/segv.mkv; then
	cp "$T/encoding.json" "$T/encoding.segv.json" 2>/dev/null
	w=$(workers)
	diag "SIGSEGV to worker(s) $w (stage $(job_get slow/segv.mkv stage), frame $(job_get slow/segv.mkv frame))"
	# shellcheck disable=SC2086
	kill -SEGV $w
else
	diag "slow/segv.mkv never ran: no worker to kill"
fi
job_wait_state 30 slow/segv.mkv failed done
# The status seen while it was encoding.
progress_ok() {
	"$PYTHON" - "$T/encoding.segv.json" "$big_frames" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
num = (int, float)
bad = []
if j.get("state") != "running": bad.append("state %r" % j.get("state"))
if j.get("stage") not in ("pass 1", "pass 2"): bad.append("stage %r" % j.get("stage"))
if j.get("frames") != n: bad.append("frames %r, want %d" % (j.get("frames"), n))
f = j.get("frame")
if not isinstance(f, int) or not 0 < f <= n: bad.append("frame %r" % f)
p = j.get("progress")
if not isinstance(p, num) or not 0 < p < 1: bad.append("progress %r" % p)
if not isinstance(j.get("fps"), num) or not j["fps"] > 0: bad.append("fps %r" % j.get("fps"))
if not (j.get("eta") is None or isinstance(j.get("eta"), num)): bad.append("eta %r" % j.get("eta"))
if not j.get("started"): bad.append("started %r" % j.get("started"))
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
}
if [ -s "$T/encoding.segv.json" ] && progress_ok; then
	pass "while encoding: status running, stage pass N, frame, frames $big_frames, progress, fps"
else
	fail "while encoding: status running, stage pass N, frame, frames $big_frames, progress, fps"
fi
diag "status while encoding:" "$(cat "$T/encoding.segv.json" 2>&1)"
segv_err=$(job_get slow/segv.mkv error)
if [ "$(job_get slow/segv.mkv state)" = failed ] &&
    printf '%s\n' "$segv_err" | grep -q SIGSEGV; then
	pass "SIGSEGV: the job fails with SIGSEGV in its status error"
else
	fail "SIGSEGV: the job fails with SIGSEGV in its status error"
	diag "  state '$(job_get slow/segv.mkv state)', error '$segv_err'"
fi
diag "  error: $segv_err"
segv_log=$DLOGS/$(job_get slow/segv.mkv id).log
grep_ok "$segv_log" SIGSEGV "SIGSEGV: the job log says SIGSEGV"
ok "SIGSEGV: the daemon is still running" daemon_alive
# The dead worker could not clean up: the daemon must.
wait_until 5 eval '[ -z "$(temp_files_in "$DOUT" "$T/stats")" ]'
tmp_left=$(temp_files_in "$DOUT" "$T/stats")
if [ -z "$tmp_left" ] && [ ! -e "$DOUT/slow/segv.mkv" ]; then
	pass "SIGSEGV: no output, no temporary output or stats left"
else
	fail "SIGSEGV: no output, no temporary output or stats left"
	diag "$tmp_left" "$(ls -la "$DOUT/slow" 2>&1)"
fi
drop "$T/clips/lb.mkv" next.mkv
job_wait_state 60 next.mkv done failed
if [ "$(job_get next.mkv state)" = done ] &&
    [ "$(probe_stream "$DOUT/next.mkv" v:0 codec_name)" = hevc ]; then
	pass "SIGSEGV: the next file is encoded"
else
	fail "SIGSEGV: the next file is encoded"
fi

# --- SIGHUP with a broken config ------------------------------------------------------

cp "$CONF" "$T/d.conf.good"
DCONF_JOBS=0 write_dconf "$CONF" "$DIRS" "$PROFILES"
badline=$(grep -n '^jobs = 0;' "$CONF" | cut -d: -f1)
kill -HUP "$DPID"
if wait_until 15 grep -Eq "$CONF:$badline: jobs: ." "$DLOG"; then
	pass "SIGHUP, jobs = 0: the daemon logs \"$CONF:$badline: jobs: REASON\""
else
	fail "SIGHUP, jobs = 0: the daemon logs \"$CONF:$badline: jobs: REASON\""
	diag_file "$DLOG" "daemon log"
fi
if daemon_alive && [ "$(json_get "$DSTATUS/distencd.json" slots)" = 2 ]; then
	pass "SIGHUP, jobs = 0: the daemon runs on, 2 slots (the old config)"
else
	fail "SIGHUP, jobs = 0: the daemon runs on, 2 slots (the old config)"
	diag "  alive: $(daemon_alive && echo yes || echo no), slots '$(json_get "$DSTATUS/distencd.json" slots)'"
fi
drop "$T/clips/lb.mkv" hup1.mkv
job_wait_state 60 hup1.mkv done failed
if [ "$(job_get hup1.mkv state)" = done ] &&
    [ "$(video_size "$DOUT/hup1.mkv")" = 320x136 ]; then
	pass "SIGHUP, jobs = 0: a new file is still encoded"
else
	fail "SIGHUP, jobs = 0: a new file is still encoded"
fi

# --- SIGHUP with a valid changed config ------------------------------------------

DCONF_JOBS=1 write_dconf "$CONF" "$DIRS2" "$PROFILES"
nlog=$(wc -l <"$DLOG")
kill -HUP "$DPID"
if ! wait_until 10 eval 'tail -n +$((nlog + 1)) "$DLOG" | grep -qi reload'; then
	diag "no line about a reload in the daemon log 10 s after SIGHUP"
fi
drop "$T/clips/lb.mkv" nocrop/a.mkv
job_wait_state 60 nocrop/a.mkv done failed
is "$(job_get nocrop/a.mkv profile)" nocrop \
    "SIGHUP, new directories entry: nocrop/a.mkv gets profile nocrop"
is "$(video_size "$DOUT/nocrop/a.mkv")" 320x180 \
    "SIGHUP, new directories entry: output not cropped (320x180)"

wait_until 5 eval '[ "$(json_get "$DSTATUS/distencd.json" slots)" = 1 ]'
is "$(json_get "$DSTATUS/distencd.json" slots)" 1 \
    "SIGHUP, jobs = 1: distencd.json says 1 slot"

# --- a queued file that changes before it starts ------------------------------------

# One slot, busy with a 20 s clip at preset medium; q.mkv settles and is
# queued behind it, then is rewritten (another clip): the job queued for
# the old file must not run, the new file is a new job, encoded as it is.
drop "$T/clips/big20.mkv" slow/busy.mkv
job_wait_state 60 slow/busy.mkv running
drop "$T/clips/lb.mkv" q.mkv
job_wait_state 15 q.mkv queued
q_old=$(job_status q.mkv)
q_pre="busy $(job_get slow/busy.mkv state), q.mkv $(job_get q.mkv state)"
cat "$T/clips/pb.mkv" >"$DSPOOL/q.mkv"
diag "q.mkv rewritten in place ($q_pre)"
: >"$T/q_old.seen"
q_done() {
	[ -n "$q_old" ] && json_get "$q_old" state >>"$T/q_old.seen"
	_qs=$(job_status q.mkv) && [ "$_qs" != "$q_old" ] &&
	    job_state_in q.mkv done failed
}
wait_until 180 q_done
[ -n "$q_old" ] && json_get "$q_old" state >>"$T/q_old.seen"
if [ "$q_pre" != "busy running, q.mkv queued" ]; then
	fail "a queued job whose file changed does not run"
	diag "  cannot tell: when q.mkv was rewritten: $q_pre"
elif grep -Eq 'running|done' "$T/q_old.seen"; then
	fail "a queued job whose file changed does not run"
	diag "  the job of the old q.mkv ($q_old) went through: $(sort "$T/q_old.seen" | uniq -c | tr '\n' ' ')"
else
	pass "a queued job whose file changed does not run"
fi
q_new=$(job_status q.mkv)
if [ -n "$q_new" ] && [ "$q_new" != "$q_old" ] &&
    [ "$(job_get q.mkv state)" = done ] &&
    [ "$(job_get q.mkv summary)" != "output exists, skipped" ] &&
    [ "$(video_size "$DOUT/q.mkv")" = 240x180 ] &&
    [ "$(frame_count "$DOUT/q.mkv")" = "$(frame_count "$T/clips/pb.mkv")" ]; then
	pass "the changed file is a new job, encoded as it is now (240x180)"
else
	fail "the changed file is a new job, encoded as it is now (240x180)"
	diag "  status $q_new (old $q_old): state '$(job_get q.mkv state)'," \
	    "  summary '$(job_get q.mkv summary)', output $(video_size "$DOUT/q.mkv")"
fi
job_wait_state 60 slow/busy.mkv done failed

# --- SIGTERM during an encode ------------------------------------------------------

finished="next.mkv hup1.mkv nocrop/a.mkv slow/busy.mkv"
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
    awk -v s="$term_secs" 'BEGIN { exit !(s <= 10) }'; then
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
for r in $finished q.mkv; do
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
		if awk -v a="$t_restart" -v b="$(now)" 'BEGIN { exit !(b - a >= 90) }'; then
			diag "slow/term.mkv still '$st' 90 s after the restart"
			break
		fi
	fi
	sleep 0.2
done
if [ "$(job_get slow/term.mkv state)" = done ] &&
    [ "$(frame_count "$DOUT/slow/term.mkv")" = "$big_frames" ]; then
	pass "restart: the interrupted job is done again, all $big_frames frames"
else
	fail "restart: the interrupted job is done again, all $big_frames frames"
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
