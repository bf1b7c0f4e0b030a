#!/bin/sh
#
# Metrics: while a job runs, status_dir/distencd.prom has its speed and
# share done; once it is done, the jobs by state, the totals (started,
# done, frames, seconds of media, bytes in and out equal to the source's
# and output's sizes), no chunks, the claims held and the rescan duration; promtool (package
# prometheus) finds nothing to lint; "distencctl metrics" prints the
# file; it is rewritten every poll_interval; no temporary file is left.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 16
need_tools
need_distencd
CTL=${top_builddir}/distencctl
PROM=$T/status/distencd.prom

CONF=$T/d.conf
write_dconf "$CONF" "token_dir = \"$T/tok\"; node = \"m1\"; lease = 8;" \
    'slowp = { inherit = "test"; preset = "medium"; };'
sed -i 's/default_profile = "test";/default_profile = "slowp";/' "$CONF"
clip_boxed "$T/clips/big.mkv" 10 640 360
frames=$(frame_count "$T/clips/big.mkv")
# metric LINE-START: the value of the first sample starting so.
metric() {
	awk -v k="$1" 'index($0, k " ") == 1 { print $NF; exit }' "$PROM"
}
has_fps() {
	grep -Eq '^distenc_job_encode_frames_per_second\{job="a\.mkv-[0-9a-f]+"\} [0-9.]+$' "$PROM"
}

start_daemon "$CONF"
wait_until 15 test -s "$PROM"
ok "the metrics file is written" test -s "$PROM"
cp "$T/clips/big.mkv" "$T/stage/a.mkv" && mv "$T/stage/a.mkv" "$DSPOOL/a.mkv"
# The worker held (SIGSTOP) once its status shows a stage (written as a
# stage begins, a few seconds before this job can end): its last figures
# stay in the metrics, rewritten every poll_interval.
has_stage() {
	[ "$(job_get a.mkv state)" = running ] &&
	    [ -n "$(job_get a.mkv stage | grep -v '^null$')" ] && [ -n "$(workers)" ]
}
job_wait_state 60 a.mkv running
wait_until 60 has_stage
w=$(workers | head -n 1)
kill -STOP "$w"
diag "worker $w held at stage '$(job_get a.mkv stage)', frame $(job_get a.mkv frame)"
wait_until 15 has_fps
ok "a running job's speed is there, by job id" has_fps
grep_ok "$PROM" '^distenc_job_progress_ratio\{job="a\.mkv-[0-9a-f]+"\} 0\.[0-9]+$' \
    "and its share done"
is "$(metric distenc_claims_held)" 1 "one claim held while it runs"
kill -CONT "$w"
job_wait_state 300 a.mkv done
wait_until 15 sh -c 'grep -q "^distenc_jobs_done_total 1\$" "$1"' _ "$PROM"
is "$(metric 'distenc_jobs{state="done"}')" 1 "jobs by state: one done"
is "$(metric distenc_jobs_started_total)/$(metric distenc_jobs_done_total)" 1/1 \
    "started and done totals"
is "$(metric distenc_encoded_frames_total)" "$frames" "encoded frames: the clip's"
is "$(metric distenc_encoded_media_seconds_total)" 10 "seconds of media: the clip's 10"
is "$(metric 'distenc_chunks{state="done"}')/$(metric 'distenc_chunks{state="pending"}')" 0/0 \
    "no chunk done or pending: no chunked job runs"
is "$(metric distenc_input_bytes_total)" "$(stat -c %s "$DSPOOL/a.mkv")" \
    "bytes in: the source's size"
is "$(metric distenc_output_bytes_total)" "$(stat -c %s "$DOUT/a.mkv")" \
    "bytes out: the output's size"
grep_ok "$PROM" '^distenc_spool_rescan_duration_seconds [0-9.e-]+$' "the rescan duration"
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics <"$PROM" >"$T/promtool.out" 2>&1
	rc=$?
	is "$rc:$(cat "$T/promtool.out")" "0:" "promtool check metrics finds nothing" ||
	    diag_file "$T/promtool.out" promtool
else
	skip "promtool check metrics finds nothing" "promtool (package prometheus) is not installed"
fi
m0=$(stat -c %Y.%y "$PROM")
wait_until 15 sh -c '[ "$(stat -c %Y.%y "$1")" != "$2" ]' _ "$PROM" "$m0"
ok "it is rewritten every poll_interval" sh -c '[ "$(stat -c %Y.%y "$1")" != "$2" ]' _ "$PROM" "$m0"
"$CTL" -c "$CONF" metrics >"$T/ctl.prom" 2>&1
ok "distencctl metrics prints them" grep -q '^distenc_jobs_done_total 1$' "$T/ctl.prom"
stop_daemon
ok "no temporary file is left in status_dir" \
    sh -c '[ -z "$(ls -A "$1" | grep -Ev "\.(json|prom)\$|^token-marker\$")" ]' _ "$T/status"
