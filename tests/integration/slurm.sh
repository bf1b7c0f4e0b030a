#!/bin/sh
#
# distenc --slurm against a real Slurm cluster of one node (slurm_lib.sh):
# no sbatch, an unreachable controller and a work directory of this host
# alone are refused before anything is submitted; a chunked AV1 film and a
# two-pass film give what a local run gives (frames, codec, chunks);
# distencctl slurm shows the jobs; a film cancelled (scancel) while its
# chunks are encoded leaves no output and, submitted again, reuses the
# finished chunks; a chunk task requeued (scontrol requeue) is done once.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/slurm_lib.sh"

plan 48
need_tools
need_distenc
slurm_need

WORK=$T/work
CONF=$T/slurm.conf.distenc
cat >"$CONF" <<EOC
profiles = { av1t = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16;
  threads = 1; min_chunk_length = 16; crop = "off"; };
  av1s = { inherit = "av1t"; cpu_used = 6; };
  test = { preset = "ultrafast"; bitrate = 300; crop_samples = 12; }; };
default_profile = "av1t";
stats_dir = "$T/stats";
work_dir = "$WORK";
slurm = { check_shared = false; time_chunk = "10:00"; };
EOC
clip scenes "$T/in/a/scenes.mkv"

# job_of SOURCE STEP: the Slurm job id of a step of the last submission.
job_of() {
	sed -n "s/^$2 //p" "$(slurm_dir "$1")/jobs" 2>/dev/null | tail -n 1
}

# published OUT: the output is there (or the jobs ended without it).
published() {
	test -f "$1" || slurm_jobs_gone
}

# --- refused before anything is submitted --------------------------------

mkdir -p "$T/nobin"
PATH=$T/nobin "$DISTENC" -c "$CONF" -o "$T/out0" --slurm \
    "$T/in/a/scenes.mkv" >"$T/nobin.out" 2>&1
is "$?" 1 "no sbatch: exits 1"
grep_ok "$T/nobin.out" "cannot run sbatch.*nothing submitted" \
    "no sbatch: said so, nothing submitted"

sed "s/^SlurmctldPort=.*/SlurmctldPort=$(_slurm_port 2)/" "$SLURM_CONF" \
    >"$T/down.conf"
sed 's/^SlurmctldHost=.*/&\nMessageTimeout=2/' "$T/down.conf" \
    >"$T/down2.conf"
SLURM_CONF=$T/down2.conf run_distenc -c "$CONF" -o "$T/out0" --slurm \
    "$T/in/a/scenes.mkv"
is "$DE_RC" 1 "controller down: exits 1"
grep_ok "$DE_ERR" "the Slurm controller does not answer" \
    "controller down: said so"

sed 's/check_shared = false; //' "$CONF" >"$T/shared.conf"
run_distenc -c "$T/shared.conf" -o "$T/out0" --slurm "$T/in/a/scenes.mkv"
is "$DE_RC" 1 "work_dir below /tmp: exits 1"
grep_ok "$DE_ERR" "the nodes of the cluster must share it" \
    "work_dir below /tmp: refused, the nodes must share it"
ok "refused runs: nothing submitted" slurm_jobs_gone

# --- a chunked AV1 film and a two-pass film, as a local run ---------------

FILM=$T/in/a/scenes.mkv
run_distenc -c "$CONF" -o "$T/out" --slurm "$FILM"
is "$DE_RC" 0 "chunked: submitted, exits 0"
grep_ok "$DE_OUT" "^submitted: $FILM: plan job [0-9]+$" \
    "chunked: says its plan job"
ok "chunked: published within 150 s" wait_until 150 published \
    "$T/out/scenes.mkv"
D=$(slurm_dir "$FILM")
wait_until 30 test -s "$D/join.state"
is "$(cat "$D/plan.state" 2>/dev/null | cut -d';' -f1)" "done: 4 chunks" \
    "chunked: the plan job found 4 chunks"
is "$(ls "$D" | grep -c '^chunk-.*\.out$')" 4 "chunked: 4 array tasks ran"
is "$(cat "$D/join.state" 2>/dev/null)" done "chunked: the join job is done"
run_distenc -c "$CONF" -o "$T/local" "$FILM"
is "$(frame_count "$T/out/scenes.mkv")" "$(frame_count "$T/local/scenes.mkv")" \
    "chunked: as many frames as a local run ($MKCLIP_SCENE_FRAMES)"
is "$(probe_stream "$T/out/scenes.mkv" v:0 codec_name)" \
    "$(probe_stream "$T/local/scenes.mkv" v:0 codec_name)" \
    "chunked: the codec of a local run (av1)"

TP=$T/in/b/two.mkv
clip letterbox "$TP" 2
run_distenc -c "$CONF" -p test -o "$T/out" --slurm "$TP"
grep_ok "$DE_OUT" "^submitted: $TP: encode job [0-9]+$" "two-pass: one job"
ok "two-pass: published within 120 s" wait_until 120 published \
    "$T/out/two.mkv"
# the output is published before the job records its outcome
wait_until 30 test -s "$(slurm_dir "$TP")/encode.state"
is "$(cat "$(slurm_dir "$TP")/encode.state" 2>/dev/null)" done \
    "two-pass: the job is done"
run_distenc -c "$CONF" -p test -o "$T/local" "$TP"
is "$(frame_count "$T/out/two.mkv")" "$(frame_count "$T/local/two.mkv")" \
    "two-pass: as many frames as a local run"
is "$(probe_stream "$T/out/two.mkv" v:0 codec_name)" hevc "two-pass: hevc"

"${top_builddir}/distencctl" -c "$CONF" slurm >"$T/ctl.out" 2>&1
diag_file "$T/ctl.out" "distencctl slurm" 20
grep_ok "$T/ctl.out" "^  plan $(job_of "$FILM" plan) COMPLETED" \
    "distencctl slurm: the plan job and its state"
grep_ok "$T/ctl.out" "^  chunk $(job_of "$FILM" chunk)_3 COMPLETED" \
    "distencctl slurm: the array's tasks"
grep_ok "$T/ctl.out" "^  distenc join: done" \
    "distencctl slurm: distenc's own view"

# --- a plan that fails ----------------------------------------------------

NM=$T/in/f/notmedia.mkv
clip notmedia "$NM"
run_distenc -c "$CONF" -o "$T/out" --slurm "$NM"
# plan_state: the plan job has recorded how it went.
plan_state() {
	test -f "$(slurm_dir "$NM")/plan.state"
}
ok "failed plan: recorded within 60 s" wait_until 60 plan_state
grep_ok "$(slurm_dir "$NM")/plan.state" "^failed: .*notmedia" \
    "failed plan: the reason in the input's state"
is "$(wc -l <"$(slurm_dir "$NM")/jobs")" 1 "failed plan: no chunk or join job"
"${top_builddir}/distencctl" -c "$CONF" slurm >"$T/ctl2.out" 2>&1
grep_ok "$T/ctl2.out" "^  distenc plan: failed: " \
    "failed plan: distencctl slurm shows why"

# --- scancel while the chunks are encoded, then submitted again ----------

FILM2=$T/in/c/cancel.mkv
mkdir -p "$T/in/c" && cp "$FILM" "$FILM2"
# two_chunks: chunks 0 and 1 are there.
two_chunks() {
	[ "$(find "$WORK" -name 'chunk-000[01].mkv' | wc -l)" -ge 2 ]
}
run_distenc -c "$CONF" -p av1s -o "$T/out" --max-parallel-encodes 1 \
    --slurm "$FILM2"
if wait_until 120 two_chunks; then
	scancel "$(job_of "$FILM2" plan)" "$(job_of "$FILM2" chunk)" \
	    "$(job_of "$FILM2" join)"
	pass "scancel: cancelled with two chunks done"
else
	fail "scancel: cancelled with two chunks done"
fi
wait_until 30 slurm_jobs_gone
ok "scancel: no output" test ! -e "$T/out/cancel.mkv"
is "$(ls -A "$T/out" | grep -c cancel)" 0 "scancel: no partial output file"
run_distenc -c "$CONF" -p av1s -o "$T/out" --max-parallel-encodes 1 \
    --slurm "$FILM2"
ok "resubmitted: published within 150 s" wait_until 150 published \
    "$T/out/cancel.mkv"
D=$(slurm_dir "$FILM2")
grep_ok "$D/plan-$(job_of "$FILM2" plan).out" "plan: reusing" \
    "resubmitted: the plan is reused"
reused=$(cat "$D"/chunk-*.out | grep -c 'already there and verified')
ok "resubmitted: chunks 0 and 1 reused ($reused reused)" test "$reused" -ge 2
is "$(frame_count "$T/out/cancel.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "resubmitted: every frame"

# --- a chunk task requeued ------------------------------------------------

FILM3=$T/in/d/requeue.mkv
mkdir -p "$T/in/d" && cp "$FILM" "$FILM3"
# chunk0: chunk 0 is there.
chunk0() {
	[ -n "$(find "$WORK" -name 'chunk-0000.mkv')" ]
}
run_distenc -c "$CONF" -p av1s -o "$T/out" --max-parallel-encodes 1 \
    --slurm "$FILM3"
wait_until 120 chunk0
A=$(job_of "$FILM3" chunk)
# state_in TASK STATE...: the task is in one of the states.
state_in() {
	_st=$(slurm_job_state "$1")
	shift
	for _s; do
		[ "$_st" = "$_s" ] && return 0
	done
	return 1
}
# release TASK: a requeued task, which Slurm holds back for a while
# (BeginTime), is told to start now, until it has started.
release() {
	state_in "$1" RUNNING COMPLETED FAILED && return 0
	[ "$(squeue -h -j "$1" -o %r 2>/dev/null)" = BeginTime ] &&
	    scontrol update JobId="$1" StartTime=now >/dev/null 2>&1
	return 1
}
D=$(slurm_dir "$FILM3")
# running: the array's running task, K (not 0), has started distenc.
running() {
	K=$(squeue -h -r -j "$A" -t RUNNING -o %K 2>/dev/null | grep -vx 0 |
	    head -n 1)
	[ -n "$K" ] && grep -q "chunk $K: started" "$D/chunk-${A}_$K.out"
}
wait_until 10 state_in "${A}_0" COMPLETED
wait_until 30 running
scontrol requeue "${A}_${K:-1}" >>"$T/requeue.out" 2>&1
is "$?" 0 "requeue: scontrol requeue of a running chunk task (${K:-none})"
scontrol requeue "${A}_0" >>"$T/requeue.out" 2>&1
is "$?" 0 "requeue: scontrol requeue of a finished chunk task"
wait_until 30 release "${A}_${K:-1}"
wait_until 30 release "${A}_0"
diag_file "$T/requeue.out" "scontrol" 5
ok "requeue: published within 150 s" wait_until 150 published \
    "$T/out/requeue.mkv"
is "$(grep -c 'chunk 0 of 4: frames' "$D/chunk-${A}_0.out")" 1 \
    "requeue: chunk 0 encoded once"
is "$(grep -c 'chunk 0: already there and verified' "$D/chunk-${A}_0.out")" \
    1 "requeue: the finished task's second run found it there"
is "$(grep -c "chunk ${K:-1} of 4: frames" "$D/chunk-${A}_${K:-1}.out")" 1 \
    "requeue: chunk ${K:-1} encoded once"
is "$(grep -c "chunk ${K:-1}: started" "$D/chunk-${A}_${K:-1}.out")" 2 \
    "requeue: the running task ran again"
is "$(frame_count "$T/out/requeue.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "requeue: every frame"

# --- a chunk that fails: requeued, then the film fails -------------------

FILM4=$T/in/e/bad.mkv
mkdir -p "$T/in/e" && cp "$FILM" "$FILM4"
# A plan that promises 20 frames in the last chunk, which has 17 (and
# 103 in the film, so that the plan is whole and in range): made here,
# then reused by the plan job.
run_distenc -c "$CONF" -o "$T/out" --chunk-step plan "$FILM4"
PLAN=$(find "$WORK" -path '*_bad.mkv-*/plan' | head -n 1)
sed -e 's/^chunk 3 83 17 /chunk 3 83 20 /' -e 's/^frames 100$/frames 103/' \
    "$PLAN" >"$T/plan" &&
    cat "$T/plan" >"$PLAN"
sed 's/check_shared = false;/& chunk_retries = 1;/' "$CONF" \
    >"$T/retry.conf"
run_distenc -c "$T/retry.conf" -o "$T/out" --slurm "$FILM4"
# has_array: the plan job submitted the chunks.
has_array() {
	[ -n "$(job_of "$FILM4" chunk)" ]
}
wait_until 60 has_array
A=$(job_of "$FILM4" chunk)
# requeued: the failed task is back in the queue, held by Slurm.
requeued() {
	grep -q "requeued" "$(slurm_dir "$FILM4")/chunk-${A}_3.out" 2>/dev/null &&
	    state_in "${A}_3" PENDING
}
if wait_until 60 requeued; then
	wait_until 60 release "${A}_3"
	pass "failing chunk: requeued once"
else
	fail "failing chunk: requeued once"
fi
ok "failing chunk: the join job never runs" wait_until 60 state_in \
    "$(job_of "$FILM4" join)" CANCELLED
D=$(slurm_dir "$FILM4")
# The join may be cancelled at the task's first failure already: wait for
# its second run's last word.
ok "failing chunk: not requeued again" wait_until 60 grep -q \
    "chunk 3: failed 2 times: not requeued" "$D/chunk-${A}_3.out"
ok "failing chunk: the task failed" wait_until 30 state_in "${A}_3" FAILED
"${top_builddir}/distencctl" -c "$CONF" slurm >"$T/ctl3.out" 2>&1
grep_ok "$T/ctl3.out" "^  distenc chunk-0003: failed: .*the source ended" \
    "failing chunk: distencctl slurm shows why"
ok "failing chunk: no output" test ! -e "$T/out/bad.mkv"
squeue -h -r --states=all -o "%i %j %V %S %e %T" >"$T/timeline" 2>&1
diag_file "$T/timeline" "jobs: id, name, submitted, started, ended, state" 40
diag_file "$T/requeue.out" "scontrol" 20
diag_file "$D/chunk-${A}_3.out" "chunk 3" 30
