#!/bin/sh
#
# AviSynth+'s clips in the layouts other than planar YUV, against the
# stand-in library (tests/avsplus): YUY2 as 4:2:2, Y8 as grey, YUVA with
# its alpha plane left out (and said), RGB24 and RGB32 (rows bottom up,
# ColorBars' default) converted to 4:4:4 by libswscale exactly as FFmpeg's
# scale filter converts the same picture; 8-bit audio, and audio longer
# or shorter than the video cut or padded to the video's length; and
# distenc encoding an RGB32 script with 8-bit audio that runs on.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 15
need_tools
need_distenc

need_avsplus

# fake FORMAT [AUDIO]: a 128x96 script of 3 frames in FORMAT.
fake() {
	printf 'FakeClip(128, 96, 3, 25, 1, 0, 0, 8)\nFakeFormat(%s)\n' "$1" \
	    >"$S/$1.avs"
}

# ours NAME: the MD5 of each frame avsread gives.
ours() {
	"$AVSREAD" "$S/$1.avs" 2>"$T/$1.err" | tail -n +2
}

# theirs FILTERS: the MD5 of each of 3 frames the ffmpeg program makes.
theirs() {
	ffmpeg -v error -f lavfi -i "color=size=128x96:rate=25,$1" \
	    -frames:v 3 -f framemd5 - 2>"$T/ffmpeg.err" | grep -v '^#' |
	    awk -F', *' '{ print $NF }'
}

YUV="geq=lum='mod(N+X+Y,256)':cb='128-mod(N,64)':cr='64+mod(N,64)'"
RGB="geq=r='mod(X+Y,256)':g='mod(2*Y,256)':b='mod(N+X,256)':a=255"
SWS="scale=flags=bicubic+accurate_rnd+full_chroma_int,format=yuv444p"

fake YUY2
is "$(ours YUY2)" "$(theirs "format=yuv422p,$YUV")" \
    "YUY2: unpacked to yuv422p, every frame as AviSynth+ gave it"
fake Y8
is "$(ours Y8)" "$(theirs "format=gray,geq=lum='mod(N+X+Y,256)'")" \
    "Y8: the luma alone, as grey"
fake YUVA420
is "$(ours YUVA420)" "$(theirs "format=yuv420p,$YUV")" \
    "YUVA420: the Y, U and V planes"
grep_ok "$T/YUVA420.err" "AviSynth\+'s alpha plane is left out" \
    "YUVA420: the alpha plane left out, and said"
fake RGB24
is "$(ours RGB24)" "$(theirs "format=bgr24,$RGB,$SWS")" \
    "RGB24: rows bottom up, converted to yuv444p as FFmpeg's scaler does"
fake RGB32
is "$(ours RGB32)" "$(theirs "format=bgra,$RGB,$SWS")" \
    "RGB32: the same, from 32-bit BGRA"
grep_ok "$T/RGB32.err" "AviSynth\+ gives bgra: converted to yuv444p" \
    "RGB32: the conversion said"

# Audio: 30 frames at 24000/1001 are 60060 samples at 48 kHz.
printf 'FakeClip(128, 96, 30, 24000, 1001, 48000, 2, 8)\nFakeAudio(8, 40)\n' \
    >"$S/long8.avs"
is "$("$AVSREAD" -a -r 0:0 "$S/long8.avs" 2>"$T/long8.err" | grep '^audio ')" \
    "audio 0 60060" "8-bit audio 40 frames long: read, and cut to the video's 30"
grep_ok "$T/long8.err" "80080 samples cut to the video's 60060" \
    "the cut said"
printf 'FakeClip(128, 96, 30, 24000, 1001, 48000, 2, 8)\nFakeAudio(16, 20)\n' \
    >"$S/short.avs"
is "$("$AVSREAD" -a -r 0:0 "$S/short.avs" 2>"$T/short.err" | grep '^audio ')" \
    "audio 0 60060" "audio 20 frames long: padded with silence to the video's 30"

# The whole way: an RGB32 clip with 8-bit audio that runs on.
printf 'FakeClip(128, 96, 30, 24000, 1001, 48000, 2, 8)\nFakeFormat(RGB32)\nFakeAudio(8, 60)\n' \
    >"$S/film.avs"
run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$S/film.avs"
is "$DE_RC" 0 "distenc encodes an RGB32 script with 8-bit audio"
is "$(video_size "$T/out/film.mkv") $(frame_count "$T/out/film.mkv")" \
    "128x96 30" "128x96, the script's 30 frames"
is "$(stream_count "$T/out/film.mkv" audio)" 1 "with its audio"
is "$(probe_stream "$T/out/film.mkv" v:0 color_space) $(probe_stream "$T/out/film.mkv" v:0 color_range)" \
    "smpte170m tv" "tagged with the conversion's BT.601 matrix, limited range"
near "$(ffprobe -v error -select_streams a:0 -show_entries \
    packet=pts_time,duration_time -of csv=p=0 "$T/out/film.mkv" 2>/dev/null |
    awk -F, '$1 + $2 > e { e = $1 + $2 } END { printf "%.3f\n", e }')" \
    1.25 0.05 "the audio cut to the video's 1.25 s, not 2.5 s"
