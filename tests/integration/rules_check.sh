#!/bin/sh
#
# distenc -n and distencd -n check rules: each bad rule is an error with
# its file and line (no action, two actions, an unknown profile, a range
# upside down, an unknown HDR kind); a good file passes.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 10
need_distenc
need_distencd

B=$T/bad.conf
cat >"$B" <<'EOF2'
rules = (
  { codec = [ "hevc" ]; },
  { profile = "hevc"; skip = "both"; },
  { profile = "nope"; },
  { min_height = 1080; max_height = 720; skip = "x"; },
  { hdr = [ "hdr11" ]; skip = "x"; }
);
EOF2
run_distenc -n -c "$B"
is "$DE_RC" 2 "distenc -n: a bad rule is a configuration error"
grep_ok "$DE_ERR" "bad\.conf:2: rules\.\[0\]: needs one action" "no action: file:line"
grep_ok "$DE_ERR" "bad\.conf:3: rules\.\[1\]: needs one action" "two actions: file:line"
grep_ok "$DE_ERR" "bad\.conf:4: rules\.\[2\]\.profile: unknown profile \"nope\"" \
    "an unknown profile: file:line"
grep_ok "$DE_ERR" "bad\.conf:5: rules\.\[3\]\.max_height: below min_height" \
    "a range upside down: file:line"
grep_ok "$DE_ERR" "bad\.conf:6: rules\.\[4\]\.hdr\.\[0\]: \"hdr11\" is not one of" \
    "an unknown HDR kind: file:line"
run_distencd -n -c "$B"
ok "distencd -n: the same errors (exit status $DE_RC)" test "$DE_RC" -ne 0
grep_ok "$DE_ERR" "bad\.conf:4: rules\.\[2\]\.profile: unknown profile" \
    "distencd -n reports them with file:line"

G=$T/good.conf
cat >"$G" <<'EOF2'
include = [ "*.mkv", "*.avs" ];
exclude = [ "*sample*" ];
rules = ( { codec = [ "hevc" ]; max_video_bitrate = 8000; skip = "HEVC"; },
	  { max_height = 720; profile = "hevc-fast"; } );
EOF2
run_distenc -n -c "$G"
is "$DE_RC" 0 "distenc -n: good rules pass"
run_distencd -n -c "$G"
is "$DE_RC" 0 "distencd -n: good rules pass"
