#!/bin/sh
#
# distencd and a worker killed with SIGSEGV while encoding (a 640x360
# 10 s clip at preset medium): the status seen while it encoded (running,
# pass N, frame, frames, progress, fps), the job failed with SIGSEGV in its
# status and its log, the daemon carrying on, no output, temporary output
# or stats left, and the next file encoded.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 6
need_tools
need_distencd

signals_setup

drop "$T/clips/big.mkv" slow/segv.mkv
if wait_encoding slow/segv.mkv; then
	cp "$T/encoding.json" "$T/encoding.segv.json" 2>/dev/null
	w=$(workers)
	diag "SIGSEGV to worker(s) $w (stage $(job_get slow/segv.mkv stage), frame $(job_get slow/segv.mkv frame))"
	# shellcheck disable=SC2086
	kill -SEGV $w
	release_encoding	# the SIGSEGV, pending while held, is taken
else
	diag "slow/segv.mkv never ran: no worker to kill"
fi
job_wait_state 30 slow/segv.mkv failed done
# The status seen while it was encoding.
progress_ok() {
	"$PYTHON" - "$T/encoding.segv.json" "$BIG_FRAMES" <<'EOF'
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
	pass "while encoding: status running, stage pass N, frame, frames $BIG_FRAMES, progress, fps"
else
	fail "while encoding: status running, stage pass N, frame, frames $BIG_FRAMES, progress, fps"
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

