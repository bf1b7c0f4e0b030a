#!/bin/sh
#
# The bitrate bounded by the source's: a 40 kbps source with a 300 kbps
# profile is capped at max_source_share (0.7: 28 kbps), and the log and
# summary say so; min_bitrate floors it (the floor wins); with
# max_source_share 0 the profile's rate stands.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 6
need_tools
need_distenc
need_encoder libx264

lib_clip libx264 40 "$T/in/low.mkv"
C=$T/cap.conf
write_conf "$C" ultrafast 300 'max_output_share = 0;'
run_distenc -c "$C" -o "$T/out1" "$T/in/low.mkv"
grep_ok "$DE_OUT" '^done: .*\(target 28, source cap\)' \
    "a low-bitrate source caps the target at 0.7 of its video bitrate"
grep_ok "$DE_ERR" 'bitrate: 300 kbps capped to 28 kbps \(0\.7 of the source' \
    "the log says which bound applied"

write_conf "$C" ultrafast 300 'max_output_share = 0; min_bitrate = 50;'
run_distenc -c "$C" -o "$T/out2" "$T/in/low.mkv"
grep_ok "$DE_OUT" '^done: .*\(target 50, floor\)' "min_bitrate floors it"
grep_ok "$DE_ERR" 'raised to the floor min_bitrate 50 kbps' "and the log says so"

write_conf "$C" ultrafast 300 'max_output_share = 0; max_source_share = 0;'
run_distenc -c "$C" -o "$T/out3" "$T/in/low.mkv"
grep_ok "$DE_OUT" '^done: .*\(target 300\)' "max_source_share 0: no cap"
grep_ok "$DE_ERR" 'bitrate: 300 kbps, within the bounds' "the log says no bound applied"
