#!/bin/sh
#
# A chunked job of a Matroska file cut at 60% of its bytes: the read of
# the whole file beside the scene detection finds the demuxer's error, so
# it is refused as truncated, as the two-pass pipeline refuses it, before
# any chunk is encoded; with allow_damaged = true the frames read are
# encoded, with a warning.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distenc

cut_clip "$T/in/cut.mkv" 60

# conf FILE [EXTRA]: a fast chunked x265 profile.
conf() {
	cat >"$1" <<EOC
profiles = { hevct = { inherit = "hevc-chunked"; preset = "ultrafast";
  min_chunk_length = 10; crop = "off"; threads = 1; ${2:-} }; };
default_profile = "hevct";
stats_dir = "$T/stats";
work_dir = "$T/work";
EOC
}

conf "$T/c.conf"
run_distenc -c "$T/c.conf" -o "$T/out" -s "$T/stats" "$T/in/cut.mkv"
is "$DE_RC" 1 "refused"
grep_ok "$DE_OUT" "^failed: .*cut\.mkv: truncated or damaged: 1 error reading it \(.*File ended prematurely\)" \
    "the reason: truncated, and what the demuxer said"
ok "no output" tree_is_empty "$T/out"

conf "$T/allow.conf" "allow_damaged = true;"
run_distenc -c "$T/allow.conf" -o "$T/out" -s "$T/stats" "$T/in/cut.mkv"
is "$DE_RC" 0 "with allow_damaged: encoded"
grep_ok "$DE_OUT" "^done: .*; warning: truncated or damaged: .*\(allow_damaged\)" \
    "with the warning in the job's summary"
