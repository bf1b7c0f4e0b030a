#!/bin/sh
#
# An MP4 file with its index (the moov atom) first, cut at 60% of its
# bytes: its index lists video well past where the file ends.  Refused as
# truncated; with allow_damaged = true, encoded as far as it reads, with
# a warning that says where the index says the video goes and where it
# ends.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distenc

ffmpeg -nostdin -v error -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
    -f lavfi -i sine=f=440:d=2:sample_rate=48000 -c:v libx264 \
    -preset ultrafast -g 25 -c:a aac -movflags +faststart "$T/whole.mp4" \
    2>"$T/ffmpeg.err"
mkdir -p "$T/in"
head -c $(($(wc -c <"$T/whole.mp4") * 60 / 100)) "$T/whole.mp4" \
    >"$T/in/cut.mp4"

run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$T/in/cut.mp4"
is "$DE_RC" 1 "refused"
grep_ok "$DE_OUT" "^failed: .*cut\.mp4: truncated or damaged" \
    "the reason: truncated or damaged"
ok "no output" tree_is_empty "$T/out"

write_conf "$T/allow.conf" ultrafast 300 "allow_damaged = true;"
run_distenc -c "$T/allow.conf" -o "$T/out" -s "$T/stats" "$T/in/cut.mp4"
is "$DE_RC" 0 "with allow_damaged: encoded"
grep_ok "$DE_OUT" "^done: .*; warning: truncated or damaged: its index lists video at 1\.[0-9]+s, but the video ends at [01]\.[0-9]+s" \
    "the warning says where the index says the video goes, and where it ends"
