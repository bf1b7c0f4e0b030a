# shellcheck shell=sh
#
# The chunked job the chunked tests share, sourced after tests/lib.sh:
#
#   chunked_setup    SRC, a clip of four scenes ($T/in/scenes.mkv);
#                    CONF, a fast AV1 chunked profile with its work
#                    directory WORK ($T/work), one job at a time
#   chunked_plan     the plan step alone (run_distenc): PLAN, the plan
#                    file, and JOBDIR, the job's work directory

chunked_setup() {
	SRC=$T/in/scenes.mkv
	clip scenes "$SRC"
	WORK=$T/work
	CONF=$T/chunk.conf
	cat >"$CONF" <<EOC
profiles = { av1t = { inherit = "av1"; cpu_used = 7; lag_in_frames = 16;
  threads = 1; min_chunk_length = 16; crop = "off"; }; };
default_profile = "av1t";
jobs = 1;
work_dir = "$WORK";
EOC
}

chunked_plan() {
	run_distenc -c "$CONF" -o "$T/out" --chunk-step plan "$SRC"
	PLAN=$(find "$WORK" -name plan)
	JOBDIR=$(dirname "${PLAN:-$WORK/none/plan}")
}
