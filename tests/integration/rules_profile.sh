#!/bin/sh
#
# A rule that chooses the profile: a 720p source takes the profile of a
# height rule (which scales it to 640 wide), a 320x180 source the next
# rule's; the summary and the log name the rule.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 5
need_tools
need_distenc
need_encoder libx264

lib_clip libx264 1500 "$T/in/hd.mkv" 1280x720 1
lib_clip libx264 400 "$T/in/small.mkv"
C=$T/rules.conf
cat >"$C" <<EOF
profiles = { test = { preset = "ultrafast"; bitrate = 300; crop = "off"; };
	     hd = { inherit = "test"; scale_width = 640; }; };
default_profile = "test";
stats_dir = "$T/stats";
log_dir = "$T/logs";
rules = ( { name = "720p"; min_height = 700; max_height = 800; profile = "hd"; },
	  { max_height = 480; profile = "test"; } );
EOF
run_distenc -c "$C" -o "$T/out" "$T/in"
is "$DE_RC" 0 "both sources are encoded"
grep_ok "$DE_OUT" '^done: .*hd\.mkv.*profile hd by rule 1 \(720p\)' \
    "the 720p source takes the height rule's profile"
is "$(video_size "$T/out/hd.mkv")" 640x360 \
    "with that profile's settings (scaled to 640 wide)"
grep_ok "$DE_OUT" '^done: .*small\.mkv.*profile test by rule 2' \
    "the small source takes the next rule's"
grep_ok "$T/logs/hd.log" 'rules: rule 1 \(720p\) holds: profile hd' \
    "the job's log names the rule"
