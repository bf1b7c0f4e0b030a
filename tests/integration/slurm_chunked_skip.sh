#!/bin/sh
#
# distenc --slurm with a chunked profile, on an input a rule skips: the
# plan job records "skipped" with the rule's reason (a success) and
# submits nothing more - no chunk array, no join - and leaves no plan in
# the work directory; distencctl slurm shows it skipped.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"
. "$top_srcdir/tests/slurm_lib.sh"

plan 7
need_tools
need_distenc
need_encoder libx265
slurm_need

WORK=$T/work
CONF=$T/slurm.conf.distenc
cat >"$CONF" <<EOC
profiles = { hc = { inherit = "hevc-chunked"; preset = "ultrafast";
  min_chunk_length = 10; crop = "off"; threads = 1; }; };
default_profile = "hc";
stats_dir = "$T/stats";
work_dir = "$WORK";
slurm = { check_shared = false; time_encode = "10:00"; };
rules = ( { name = "hevc"; codec = [ "hevc" ]; skip = "already HEVC"; } );
EOC
lib_clip libx265 150 "$T/in/hevc.mkv"

run_distenc -c "$CONF" -o "$T/out" --slurm "$T/in/hevc.mkv"
grep_ok "$DE_OUT" "^submitted: $T/in/hevc\\.mkv: plan job [0-9]+\$" \
    "the chunked input is submitted as a plan job"
D=$(slurm_dir "$T/in/hevc.mkv")
ok "the plan job ends within 120 s" wait_until 120 slurm_step_over "$D/plan.state"
grep_ok "$D/plan.state" '^skipped: .*hevc\.mkv: rule 1 \(hevc\): already HEVC$' \
    "its outcome: skipped by the rule, with the reason"
ok "no job is left in the queue" wait_until 60 slurm_jobs_gone
diag_file "$D/jobs" "submitted jobs" 10
is "$(grep -c -v '^plan ' "$D/jobs" 2>/dev/null)" 0 \
    "nothing is submitted after the plan job: no chunk array, no join"
ok "no plan and no output are made" \
    sh -c '[ -z "$(find "$1" -name plan 2>/dev/null)" ] && test ! -e "$2"' \
    _ "$WORK" "$T/out/hevc.mkv"
"${top_builddir}/distencctl" -c "$CONF" slurm >"$T/ctl.out" 2>&1
diag_file "$T/ctl.out" "distencctl slurm" 20
grep_ok "$T/ctl.out" 'distenc plan: skipped: .*rule 1 \(hevc\)' \
    "distencctl slurm shows it skipped"
