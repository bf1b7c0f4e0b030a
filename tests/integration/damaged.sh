#!/bin/sh
#
# A Matroska file cut at 70% of its bytes (the demuxer reports that the
# file ended early): refused as truncated, naming the file and with no
# output; with allow_damaged = true, what could be read is encoded,
# verified and published, with a warning in the log and the job's summary.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 8
need_tools
need_distenc

cut_clip "$T/in/cut.mkv" 70

run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$T/in/cut.mkv"
is "$DE_RC" 1 "refused"
grep_ok "$DE_OUT" "^failed: .*cut\.mkv: truncated or damaged: 1 error reading it \(.*File ended prematurely\)" \
    "the reason: truncated, and what the demuxer said"
ok "no output" tree_is_empty "$T/out"

write_conf "$T/allow.conf" ultrafast 300 "allow_damaged = true;"
run_distenc -c "$T/allow.conf" -o "$T/out" -s "$T/stats" "$T/in/cut.mkv"
is "$DE_RC" 0 "with allow_damaged: encoded"
grep_ok "$DE_OUT" "^done: .*; warning: truncated or damaged: .*encoding what could be read \(allow_damaged\)" \
    "the job's summary carries the warning"
grep_ok "$DE_ERR" "cut\.mkv: truncated or damaged: .*allow_damaged" \
    "the log says it"
frames=$(frame_count "$T/out/cut.mkv")
ok "the frames that could be read, fewer than the whole film's 50 ($frames)" \
    sh -c '[ "$1" -gt 20 ] && [ "$1" -lt 50 ]' _ "${frames:-0}"
grep_ok "$DE_ERR" "verify: $frames frames" "verified as read"
