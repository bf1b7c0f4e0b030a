#!/bin/sh
#
# A second real video stream (not a cover picture) is left out by default
# and copied as it is with extra_video = true, the film's own video
# encoded first either way.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 5
need_tools
need_distenc

src=$T/in/twovideos.mkv
mkdir -p "$T/in"
corpus_two_videos "$T/in" 2>"$T/ffmpeg.err"
is "$(stream_count "$src" video)" 2 "fixture: two video streams"

run_distenc -c "$TESTCONF" -i "$src" -o "$T/out1" -s "$T/stats"
is "$(probe_stream "$T/out1/twovideos.mkv" v codec_name | tr '\n' ' ')" \
    "hevc " "by default: the film alone"
de_all >"$T/all1.txt"
grep_ok "$T/all1.txt" 'stream 1: video: dropped \(a second video \(extra_video\)\)' \
    "the log says the second video was left out, and why"

write_conf "$T/extra.conf" ultrafast 300 'extra_video = true;'
run_distenc -c "$T/extra.conf" -i "$src" -o "$T/out2" -s "$T/stats"
is "$DE_RC" 0 "extra_video: distenc exits 0"
is "$(probe_stream "$T/out2/twovideos.mkv" v codec_name,width |
    tr '\n' ' ')" "hevc 160 h264 80 " \
    "extra_video: the film encoded, the second video copied as it is"
