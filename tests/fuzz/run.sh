#!/bin/sh
#
# Run each libFuzzer target from its seed corpus (tests/fuzz/corpus/NAME):
# briefly under make check (FUZZ_CHECK_RUNS executions each, default 2000,
# from the fixed seed FUZZ_SEED, default 1, so that the run is the same
# every time), or with --long for FUZZ_RUNS executions each (default 10
# million, from a random seed, leaks checked on the inputs it keeps).  A
# target that was not built (no clang with -fsanitize=fuzzer when
# configured) is skipped.
# Each result line gives the executions done and libFuzzer's seed, so a
# failure can be replayed (-seed=N); the input that broke a target is
# printed and kept in the test directory with KEEP_TMP=1.
#
#   tests/fuzz/run.sh [--long] [TARGET...]

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

long=
if [ "${1:-}" = --long ]; then
	long=1
	shift
fi
# target corpus what
TARGETS="avs_parse avs the script parser
avs_eval avs the script evaluator
token token token, marker and node files
plan plan chunk plans
qpfile qpfile QP files
conf conf the configuration and sidecar checks"
[ $# -gt 0 ] && TARGETS=$(echo "$TARGETS" | while read -r t rest; do
	for w; do [ "$w" = "$t" ] && echo "$t $rest"; done; done)

plan "$(echo "$TARGETS" | grep -c .)"
LSAN_OPTIONS="suppressions=$top_srcdir/tests/fuzz/lsan.supp:${LSAN_OPTIONS:-}"
export LSAN_OPTIONS
if [ -n "$long" ]; then
	# A leak check after every input that allocated more than it freed
	# (libconfig does so on many of its parse errors, its own leak,
	# suppressed) made the configuration target 20 times slower: the
	# campaign runs without it, and every input it kept (the corpus, one
	# for each new path through the code) is run again with it after.
	limit="-runs=${FUZZ_RUNS:-10000000} -detect_leaks=0"
	desc="${FUZZ_RUNS:-10000000} executions"
	ASAN_OPTIONS="quarantine_size_mb=16:${ASAN_OPTIONS:-}"
	export ASAN_OPTIONS
else
	# Under make check a fixed seed and a number of runs, so that a run
	# does not depend on luck; FUZZ_SEED changes the seed.
	limit="-runs=${FUZZ_CHECK_RUNS:-2000} -seed=${FUZZ_SEED:-1}"
	desc="${FUZZ_CHECK_RUNS:-2000} executions (seed ${FUZZ_SEED:-1})"
fi
while read -r t corpus what; do
	fuzzer=$top_builddir/tests/fuzz/fuzz_$t
	if [ ! -x "$fuzzer" ]; then
		skip "$what: $desc of fuzzing" \
		    "no fuzzer built (configure found no clang with -fsanitize=fuzzer)"
		continue
	fi
	mkdir -p "$T/$t"
	cp "$top_srcdir/tests/fuzz/corpus/$corpus/"* "$T/$t/"
	if (cd "$T" && "$fuzzer" $limit -max_len=4096 -timeout=10 \
	    -rss_limit_mb=1024 -artifact_prefix="$T/$t-" "$T/$t" \
	    >"$T/$t.log" 2>&1 </dev/null) && { [ -z "$long" ] ||
	    (cd "$T" && "$fuzzer" -runs=0 -detect_leaks=1 -max_len=4096 \
	    -timeout=10 -rss_limit_mb=1024 -artifact_prefix="$T/$t-" "$T/$t" \
	    >>"$T/$t.log" 2>&1 </dev/null); }; then
		pass "$what: $desc of fuzzing, nothing found ($(grep -o 'Done [0-9]* runs' "$T/$t.log" | head -n 1), $(grep -o 'Seed: [0-9]*' "$T/$t.log" | head -n 1)${long:+; the $(ls "$T/$t" | wc -l) inputs kept run again with leak checks})"
	else
		fail "$what: $desc of fuzzing, nothing found ($(grep -o 'Seed: [0-9]*' "$T/$t.log" | head -n 1))"
		diag_file "$T/$t.log" fuzzer 40
		for _c in "$T/$t"-crash-* "$T/$t"-timeout-* "$T/$t"-oom-* \
		    "$T/$t"-leak-*; do
			[ -f "$_c" ] && diag "input: $(od -c "$_c" | head -20)"
		done
	fi
done <<TARGETS_END
$TARGETS
TARGETS_END
