#!/bin/sh
#
# A one-frame video through a chunked profile: a still picture, encoded as
# a one-frame film with a warning in the job's summary, as the two-pass
# pipeline does (the corpus's "still" case).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 3
need_tools
need_distenc

mkdir -p "$T/in"
ffmpeg -nostdin -v error -f lavfi -i testsrc2=s=160x90:d=1 -frames:v 1 \
    -c:v libx264 "$T/in/still.mkv" 2>"$T/ffmpeg.err"
cat >"$T/c.conf" <<EOC
profiles = { hevct = { inherit = "hevc-chunked"; preset = "ultrafast";
  min_chunk_length = 10; crop = "off"; threads = 1; }; };
default_profile = "hevct";
stats_dir = "$T/stats";
work_dir = "$T/work";
EOC
run_distenc -c "$T/c.conf" -o "$T/out" -s "$T/stats" "$T/in/still.mkv"
is "$DE_RC" 0 "encoded"
is "$(frame_count "$T/out/still.mkv")" 1 "as one frame"
grep_ok "$DE_OUT" "^done: .*; warning: a still picture, not a film" \
    "with the warning in the job's summary"
