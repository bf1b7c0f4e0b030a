#!/bin/sh
#
# jobs = 0 and threads = 0 (the defaults): one job per processor, each
# job's encoder threads its share of them.  The processors are set with
# taskset: on two, one input runs alone with two encoder threads, three
# inputs two at a time with one each; on one, one at a time with one;
# -j 1 gives the one job both; a profile's threads are kept; a chunked
# film alone runs two encoders of one thread.  The daemon, on two
# processors: a file alone gets both, two files queued together one each.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 16
need_tools taskset
need_distenc

# The first two processors this test may use, from taskset's list.
cpus=$(taskset -pc $$ | sed 's/.*: *//' | tr ',' '\n' | awk -F- '
	{ hi = NF > 1 ? $2 : $1; for (c = $1; c <= hi && n < 2; c++) {
		printf "%s%d", n ? "," : "", c; n++ } }')
cpu0=${cpus%%,*}
if [ "$cpus" = "$cpu0" ]; then
	diag "one processor only ($cpus): the checks need two"
	bail_rest "fewer than two processors: check not run"
	exit 0
fi
# A job takes at most 2 GiB: with less than 4 GiB, one job at a time.
memjobs=$(awk '/^MemTotal:/ { n = int($2 / 2097152); print (n > 2 ? 2 : n) }' /proc/meminfo)
if [ "$memjobs" -lt 2 ]; then
	diag "less than 4 GiB of memory: jobs = 0 is one job at a time"
	bail_rest "less than 4 GiB of memory: check not run"
	exit 0
fi
taskset -pc "$cpus" $$ >/dev/null
diag "processors: $cpus"

# shares N TEXT: N lines of the last run's stderr say "processors: TEXT";
# shares_min N TEXT: N or more.
shares() {
	[ "$(grep -c "processors: $2" "$DE_ERR")" = "$1" ]
}
shares_min() {
	[ "$(grep -c "processors: $2" "$DE_ERR")" -ge "$1" ]
}

clip letterbox "$T/in/a.mkv"
cp "$T/in/a.mkv" "$T/in/b.mkv"
cp "$T/in/a.mkv" "$T/in/c.mkv"

# --- the batch ----------------------------------------------------------------

run_distenc -vv -c "$TESTCONF" -o "$T/out1" "$T/in/a.mkv"
is "$DE_RC" 0 "one input, two processors: distenc exits 0"
ok "one input alone: 2 encoder threads" \
    shares 1 "2, jobs at once: 1; 2 encoder threads"
ok "x265's thread pool has the 2 threads" \
    grep -Eq 'Thread pool (created|0) using 2 threads' "$DE_ERR"

run_distenc -c "$TESTCONF" -o "$T/out3" "$T/in/a.mkv" "$T/in/b.mkv" \
    "$T/in/c.mkv"
is "$DE_RC" 0 "three inputs, two processors: distenc exits 0"
# The first two start together; the third as one of them ends, so its
# share depends on whether the other is still running: not checked.
ok "three inputs: the first two run at once, one encoder thread each" \
    shares_min 2 "2, jobs at once: 2; 1 encoder thread\$"
is "$(find "$T/out3" -name '*.mkv' | wc -l | tr -d ' ')" 3 \
    "three inputs: three outputs"

taskset -pc "$cpu0" $$ >/dev/null
run_distenc -c "$TESTCONF" -o "$T/out4" "$T/in/a.mkv" "$T/in/b.mkv"
taskset -pc "$cpus" $$ >/dev/null
is "$DE_RC" 0 "two inputs, one processor: distenc exits 0"
ok "one processor: one job at a time, one encoder thread" \
    shares 2 "1, jobs at once: 1; 1 encoder thread\$"

run_distenc -c "$TESTCONF" -j 1 -o "$T/out5" "$T/in/a.mkv" "$T/in/b.mkv"
ok "-j 1, two inputs: each job alone has both processors" \
    shares 2 "2, jobs at once: 1; 2 encoder threads"

write_conf "$T/t3.conf" ultrafast 300 "threads = 3;"
run_distenc -c "$T/t3.conf" -o "$T/out6" "$T/in/a.mkv" "$T/in/b.mkv"
is "$DE_RC" 0 "threads = 3 in the profile: distenc exits 0"
ok "threads = 3 in the profile: kept, whatever the share" \
    shares 0 ".*encoder thread"

cat >"$T/av1.conf" <<EOF
profiles = { c = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16;
  min_chunk_length = 16; crop = "off"; }; };
default_profile = "c";
work_dir = "$T/work";
EOF
run_distenc -c "$T/av1.conf" -o "$T/out7" "$T/in/a.mkv"
is "$DE_RC" 0 "a chunked film alone: distenc exits 0"
ok "a chunked film alone: 2 chunk encoders of one thread" \
    shares 1 "2, jobs at once: 1; 2 chunk encoders of 1 thread"

# --- the daemon ---------------------------------------------------------------

. "$top_srcdir/tests/daemon_lib.sh"
CTL=${top_builddir}/distencctl
DCONF_JOBS=0 daemon_setup "control_socket = \"$T/control\";"
json_ok() {
	[ "$(json_get "$DJSON" slots)" = 2 ]
}
ok "the daemon on two processors: 2 slots" json_ok

drop "$T/clips/lb.mkv" alone.mkv
job_wait_state 60 alone.mkv done failed
ok "a file alone in the daemon: 2 encoder threads" \
    grep -q 'processors: 2, jobs at once: 1; 2 encoder threads' \
    "$DLOGS/$(job_get alone.mkv id).log"

"$CTL" -c "$CONF" pause >/dev/null 2>&1
drop "$T/clips/lb.mkv" one.mkv
drop "$T/clips/lb.mkv" two.mkv
job_wait_state 30 one.mkv queued
job_wait_state 30 two.mkv queued
"$CTL" -c "$CONF" resume >/dev/null 2>&1
job_wait_state 60 one.mkv done failed
job_wait_state 60 two.mkv done failed
# one_each ID...: each job's log says it had one thread of two.
one_each() {
	for _id; do
		grep -q 'processors: 2, jobs at once: 2; 1 encoder thread$' \
		    "$DLOGS/$_id.log" || return 1
	done
}
ok "two files queued together: one encoder thread each" \
    one_each "$(job_get one.mkv id)" "$(job_get two.mkv id)"
