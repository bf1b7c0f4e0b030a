#!/bin/sh
#
# rate_control = "crf": x265 in one pass at constant quality, with no
# stats file (a stats_dir that cannot be made does not matter, where the
# two-pass encode fails on it), and a VBV maximum of max_source_share of
# the source's bitrate.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 6
need_tools
need_distenc
need_encoder libx264

lib_clip libx264 400 "$T/in/film.mkv"
C=$T/crf.conf
write_conf "$C" ultrafast 300 'rate_control = "crf"; crf = 30; max_output_share = 0;'
sed -i "s#^stats_dir = .*#stats_dir = \"/proc/none/stats\";#" "$C"
run_distenc -c "$C" -o "$T/out" "$T/in/film.mkv"
is "$DE_RC" 0 "constant quality needs no stats directory"
ok "the film is encoded" test -s "$T/out/film.mkv"
is "$(probe_stream "$T/out/film.mkv" v:0 codec_name)" hevc "in HEVC"
grep_ok "$DE_ERR" 'video: x265 preset ultrafast, 8-bit, crf 30, one pass' \
    "the log tells the rate control"
grep_ok "$DE_ERR" 'bitrate: crf 30, VBV maximum [0-9]+ kbps \(0\.7 of the source' \
    "with the source's cap as VBV maximum"

write_conf "$C" ultrafast 300 'max_output_share = 0;'
sed -i "s#^stats_dir = .*#stats_dir = \"/proc/none/stats\";#" "$C"
run_distenc -c "$C" -o "$T/out2" "$T/in/film.mkv"
is "$DE_RC" 1 "the two-pass encode does need it (the check above means something)"
