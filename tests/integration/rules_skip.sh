#!/bin/sh
#
# A rule that skips: an HEVC source below 8 Mbit/s is not encoded; the
# summary and the job's log say which rule and why; an H.264 source
# beside it is encoded as usual, and the exit status is 0.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 5
need_tools
need_distenc
need_encoder libx265

lib_clip libx265 150 "$T/in/hevc.mkv"
lib_clip libx264 400 "$T/in/avc.mkv"
C=$T/rules.conf
write_conf "$C"
cat >>"$C" <<EOF
log_dir = "$T/logs";
rules = ( { name = "hevc-small"; codec = [ "hevc" ];
	    max_video_bitrate = 8000; skip = "already HEVC below 8 Mbit/s"; } );
EOF
run_distenc -c "$C" -o "$T/out" "$T/in"
is "$DE_RC" 0 "a skipped source is no failure"
grep_ok "$DE_OUT" '^skipped: .*hevc\.mkv: rule 1 \(hevc-small\): already HEVC below 8 Mbit/s$' \
    "the summary names the rule and its reason"
ok "nothing is written for the skipped source" test ! -e "$T/out/hevc.mkv"
ok "the H.264 source is encoded" test -s "$T/out/avc.mkv"
grep_ok "$T/logs/hevc.log" 'rules: rule 1 \(hevc-small\) holds: skipped' \
    "the job's log says which rule decided"
