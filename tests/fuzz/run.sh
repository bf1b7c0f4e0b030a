#!/bin/sh
#
# Run the script parser's libFuzzer target for a short time (FUZZ_SECONDS,
# default 20) from the seed scripts; skipped when it was not built (no
# clang with -fsanitize=fuzzer when configured).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 1
FUZZER=$top_builddir/tests/fuzz/fuzz_avs_parse
if [ ! -x "$FUZZER" ]; then
	skip "the script parser survives ${FUZZ_SECONDS:-20} s of fuzzing" \
	    "no fuzzer built (configure found no clang with -fsanitize=fuzzer)"
	exit 0
fi
mkdir -p "$T/corpus"
cp "$top_srcdir"/tests/fuzz/corpus/*.avs "$T/corpus/"
if (cd "$T" && "$FUZZER" -max_total_time="${FUZZ_SECONDS:-20}" \
    -max_len=4096 -timeout=10 -rss_limit_mb=1024 "$T/corpus" \
    >"$T/fuzz.log" 2>&1); then
	pass "the script parser survives ${FUZZ_SECONDS:-20} s of fuzzing ($(grep -o 'Done [0-9]* runs' "$T/fuzz.log"))"
else
	fail "the script parser survives ${FUZZ_SECONDS:-20} s of fuzzing"
	diag_file "$T/fuzz.log" fuzzer 40
	# Keep the input that broke it for the report.
	for _c in "$T"/crash-* "$T"/timeout-* "$T"/oom-*; do
		[ -f "$_c" ] && diag "input: $(od -c "$_c" | head -20)"
	done
fi
