#!/bin/sh
#
# Film telecined to 29.97 fps (3:2 pulldown of 72 frames at 23.976) is
# recognised by idet's repeated fields and given back its 72 frames at
# 24000/1001 by fieldmatch and decimate; verification follows the new
# rate; the log says so with idet's counts.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 5
need_tools
need_distenc

src=$T/in/telecined.mkv
out=$T/out
dst=$out/telecined.mkv
mkdir -p "$T/in"
corpus_telecined "$T/in" 2>"$T/ffmpeg.err"
is "$(probe_stream "$src" v:0 r_frame_rate)/$(frame_count "$src")" \
    30000/1001/90 "fixture: 90 frames at 29.97 fps"

run_distenc -c "$TESTCONF" -i "$src" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0 (verified at the new rate)"
is "$(probe_stream "$dst" v:0 r_frame_rate)/$(frame_count "$dst")" \
    24000/1001/72 "72 frames at 23.976 fps: the film's own"
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'interlace: telecined: repeated fields of 3:2 pulldown \(idet: .*repeated fields: [0-9]+ top' \
    "the log gives the decision with idet's counts"
grep_ok "$T/all.txt" 'inverse telecine \(fieldmatch, decimate\) to 23\.976 fps' \
    "the log says the pulldown is undone"
