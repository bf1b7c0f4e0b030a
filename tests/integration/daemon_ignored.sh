#!/bin/sh
#
# distencd ignores hidden and partial names (.x.mkv, x.mkv.part, x.tmp,
# x.mkv~, .hid/y.mkv) and a sidecar alone: no job, no output.  Checked
# once a good file dropped after them is done, settle_time and two rescans
# have passed, and the daemon has gone round its loop twice more.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 3
need_tools
need_distencd

SETTLE=2
daemon_setup
# Real clips: taken, they would be encoded.
for n in .x.mkv x.mkv.part x.tmp 'x.mkv~'; do
	cp "$T/clips/lb.mkv" "$DSPOOL/$n"
done
mkdir -p "$DSPOOL/.hid"
cp "$T/clips/lb.mkv" "$DSPOOL/.hid/y.mkv"
printf 'crop = "off";\n' >"$DSPOOL/side.mkv.distenc"
t_ignored=$(now)
stage after.mkv
mv "$T/stage/after.mkv" "$DSPOOL/after.mkv"

# A later file done, at least two rescans after the ignored names were
# dropped, and two more turns of the daemon's loop.
job_wait_state 60 after.mkv done failed
while ! awk -v a="$t_ignored" -v b="$(now)" -v w=$((SETTLE + 2 * 2 + 1)) \
    'BEGIN { exit !(b - a >= w) }'; do
	sleep 0.2
done
status_rewritten 2 "$DJSON" 30 ||
    diag "$DJSON not rewritten twice in $(scaled 30) s"
ignored_jobs=
for n in .x.mkv x.mkv.part x.tmp 'x.mkv~' .hid/y.mkv side.mkv.distenc; do
	if job_status "$n" >/dev/null; then
		ignored_jobs="$ignored_jobs '$n'"
	fi
done
if [ -z "$ignored_jobs" ]; then
	pass "no job for .x.mkv, x.mkv.part, x.tmp, x.mkv~, .hid/y.mkv, side.mkv.distenc"
else
	fail "no job for .x.mkv, x.mkv.part, x.tmp, x.mkv~, .hid/y.mkv, side.mkv.distenc"
	diag "  jobs for:$ignored_jobs"
fi
find "$DOUT" ! -type d >"$T/outputs"
printf '%s\n' "$DOUT/after.mkv" >"$T/outputs.want"
if cmp -s "$T/outputs" "$T/outputs.want"; then
	pass "output_dir holds the one output and nothing else"
else
	fail "output_dir holds the one output and nothing else"
	diag "$(diff "$T/outputs.want" "$T/outputs")"
fi
if wait_until 10 counts_are 1 0; then
	pass "distencd.json: counts.done 1, counts.failed 0, busy 0, queue 0"
else
	fail "distencd.json: counts.done 1, counts.failed 0, busy 0, queue 0"
	diag "$(cat "$DJSON")"
fi
diag "jobs:" "$(jobs_table)"
