#!/bin/sh
#
# Constant quality on an interlaced source, with keep_pass1 on: the first
# read (the audio's loudness, the frames counted) goes through the
# deinterlacer as the encode does, so a frame per field gives 50 fps and
# twice the source's frames and the output is verified at that rate; no
# pass 1 is kept or resumed, there being no stats to keep.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 6
need_tools
need_distenc

mkdir -p "$T/in"
corpus_interlaced "$T/in" 2>"$T/ffmpeg.err"
src=$T/in/interlaced.mkv
C=$T/crf.conf
write_conf "$C" ultrafast 300 'rate_control = "crf"; crf = 30;
    deinterlace_fields = true; crop = "off";'
cat >>"$C" <<EOF
keep_pass1 = true;
work_dir = "$T/work";
EOF
run_distenc -c "$C" -o "$T/out" "$src"
is "$DE_RC" 0 "distenc exits 0"
grep_ok "$DE_ERR" 'interlace: interlaced: .*deinterlaced \(bwdif\) to 50\.000 fps' \
    "the source is deinterlaced, a frame per field"
is "$(probe_stream "$T/out/interlaced.mkv" v:0 r_frame_rate)/$(frame_count "$T/out/interlaced.mkv")" \
    "50/1/$(( $(frame_count "$src") * 2 ))" \
    "50 fps, twice the source's frames"
grep_ok "$DE_ERR" 'verify: [0-9]+ frames.*as the source' "verified at that rate"
grep_ok "$DE_ERR" 'bitrate: crf 30' "in constant quality"
ok "no pass 1 is kept or resumed" sh -c \
    '! grep -q "pass 1: kept\|pass 1: resumed" "$1"' _ "$DE_ERR"
