#!/bin/sh
#
# Metrics of a job whose worker's whole report is read in one go (the
# daemon held with SIGSTOP while its worker runs to the end): the job's
# frames and seconds of media still reach its status file and the
# totals, distenc_encoded_frames_total and
# distenc_encoded_media_seconds_total.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 6
need_tools
need_distencd
PROM=$DSTATUS/distencd.prom

daemon_setup
# metric NAME: its value.
metric() {
	awk -v k="$1" 'index($0, k " ") == 1 { print $NF; exit }' "$PROM"
}
# near VALUE WANT: VALUE within 0.1 of WANT.
near() {
	awk -v v="$1" -v w="$2" 'BEGIN { exit !(v != "" && v - w < 0.1 && w - v < 0.1) }'
}
worker_gone() {
	! proc_alive "$w"
}

drop "$T/clips/lb.mkv" a.mkv
job_wait_state 60 a.mkv running
wait_until 10 _has_worker
w=$(workers | head -n 1)
kill -STOP "$DPID"
wait_until 120 worker_gone
ok "the worker ran to its end while the daemon was held" worker_gone
kill -CONT "$DPID"
job_wait_state 60 a.mkv done
wait_until 15 sh -c 'grep -q "^distenc_jobs_done_total 1\$" "$1"' _ "$PROM"
is "$(job_get a.mkv state)" done "the job is done"
is "$(job_get a.mkv frames)" "$SRC_FRAMES" "its status counts the clip's frames"
ok "and its seconds of media" near "$(job_get a.mkv duration)" 2
is "$(metric distenc_encoded_frames_total)" "$SRC_FRAMES" \
    "distenc_encoded_frames_total: the clip's frames"
ok "distenc_encoded_media_seconds_total: its 2 s" \
    near "$(metric distenc_encoded_media_seconds_total)" 2
stop_daemon
