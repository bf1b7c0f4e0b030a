#!/bin/sh
#
# Film grain synthesis with SVT-AV1: with svt_film_grain every frame of a
# grainy clip carries film grain parameters, whole or in chunks; without
# it none does.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/svt_lib.sh"

plan 6
need_tools
need_distenc

# A 2 s clip with grain: the test pattern under temporal noise.
src=$T/in/grain.mkv
mkdir -p "$T/in"
ffmpeg -nostdin -v error -f lavfi -i testsrc2=s=320x180:r=25:d=2 \
    -vf noise=alls=20:allf=t -c:v ffv1 "$src" 2>"$T/ffmpeg.err" ||
    diag_file "$T/ffmpeg.err" ffmpeg 5

# grainy FILE: the frames that carry film grain parameters.
grainy() {
	ffprobe -v error -export_side_data film_grain -select_streams v:0 \
	    -show_frames -show_entries frame_side_data=side_data_type \
	    -of csv -- "$1" 2>/dev/null | grep -c 'Film grain'
}

svt_conf "$T/grain.conf" "svt_film_grain = 10;"
run_distenc -c "$T/grain.conf" -o "$T/out" "$src"
is "$DE_RC:$(frame_count "$T/out/grain.mkv")" 0:50 \
    "grain: exits 0, as many frames as the source"
is "$(grainy "$T/out/grain.mkv")" 50 \
    "grain: every frame carries film grain parameters"
run_distenc -c "$T/grain.conf" -p svtc -o "$T/outc" "$src"
is "$DE_RC:$(frame_count "$T/outc/grain.mkv")" 0:50 \
    "grain in chunks: exits 0, as many frames as the source"
is "$(grainy "$T/outc/grain.mkv")" 50 \
    "grain in chunks: every frame of every chunk carries film grain parameters"

svt_conf "$T/plain.conf"
run_distenc -c "$T/plain.conf" -o "$T/outp" "$src"
is "$DE_RC" 0 "no grain: exits 0"
is "$(grainy "$T/outp/grain.mkv")" 0 \
    "no grain: no frame carries film grain parameters"
