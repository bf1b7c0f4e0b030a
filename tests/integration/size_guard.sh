#!/bin/sh
#
# The size guard: a 40 kbps source encoded at 500 kbps (no cap) comes out
# larger than max_output_share of it: when_larger "skip" writes nothing
# and says both sizes, "remux" publishes the source's video with the
# audio normalised, "keep" keeps the encode with a warning.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 9
need_tools
need_distenc
need_encoder libx264

lib_clip libx264 40 "$T/in/low.mkv"
C=$T/guard.conf

write_conf "$C" ultrafast 500 'max_source_share = 0; when_larger = "skip";'
run_distenc -c "$C" -o "$T/skip" "$T/in/low.mkv"
is "$DE_RC" 0 "skip: no failure"
grep_ok "$DE_OUT" '^skipped: .*low\.mkv: size guard: video [0-9]+ bytes would be more than 0\.9 of the source.s [0-9]+ bytes$' \
    "the summary gives both sizes"
is "$(find "$T/skip" -type f | wc -l | tr -d ' ')" 0 "and nothing is written"

write_conf "$C" ultrafast 500 'max_source_share = 0; when_larger = "remux";'
run_distenc -c "$C" -o "$T/remux" "$T/in/low.mkv"
is "$(probe_stream "$T/remux/low.mkv" v:0 codec_name)" h264 \
    "remux: the source's video is copied"
is "$(probe_stream "$T/remux/low.mkv" a:0 codec_name)" opus \
    "and the rest of the job still applies (audio to Opus)"
is "$(frame_count "$T/remux/low.mkv")" 50 "every frame is there"
grep_ok "$DE_OUT" "^done: .*the source's video copied" "the summary says so"

write_conf "$C" ultrafast 500 'max_source_share = 0; when_larger = "keep";'
run_distenc -c "$C" -o "$T/keep" "$T/in/low.mkv"
is "$(probe_stream "$T/keep/low.mkv" v:0 codec_name)" hevc "keep: the encode is kept"
grep_ok "$DE_ERR" 'size guard: video [0-9]+ bytes is more than 0\.9 .*kept' \
    "with a warning"
