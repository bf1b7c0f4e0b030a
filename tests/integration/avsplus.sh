#!/bin/sh
#
# AviSynth scripts through AviSynth+, when libavisynth.so can be loaded:
# against a stand-in library built for the tests (tests/avsplus), which
# serves a made-up clip.  Its frames, read through the C interface with
# padded rows, are compared with the same pattern made by the ffmpeg
# program's geq filter; functions the built-in interpreter lacks go to
# AviSynth+; its errors are reported; distenc encodes such a script with
# AviSynth+'s audio.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 13
need_tools
need_distenc

need_avsplus

# The stand-in's frames, made by ffmpeg: fake_md5 FRAMES PIX_FMT MAX SHIFT
fake_md5() {
	ffmpeg -v error -f lavfi -i "color=size=128x96:rate=24000/1001,format=$2,geq=lum='mod(N+X+Y,$3)':cb='(128-mod(N,64))*$4':cr='(64+mod(N,64))*$4'" \
	    -frames:v "$1" -f framemd5 - 2>"$T/ffmpeg.err" | grep -v '^#' |
	    awk -F', *' '{ print $NF }'
}

printf 'LoadPlugin("mvtools2.dll")\nFakeClip(128, 96, 30, 24000, 1001, 48000, 2, 8)\nQTGMC(preset="slow")\n' \
    >"$S/p.avs"
"$AVSREAD" "$S/p.avs" >"$T/frames" 2>"$T/err"
is "$(head -1 "$T/frames")" \
    "frames=30 fps=24000/1001 size=128x96 pix_fmt=yuv420p audio=1" \
    "AviSynth+ loaded: the clip's frames, rate, size and format"
ok "QTGMC, unknown to the built-in interpreter, is left to AviSynth+" \
    sh -c '! grep -q QTGMC "$1"' _ "$T/err"
tail -n +2 "$T/frames" >"$T/ours"
fake_md5 30 yuv420p 256 1 >"$T/theirs"
ok "every frame as AviSynth+ gave it (rows padded to its pitch)" \
    cmp -s "$T/ours" "$T/theirs"
"$AVSREAD" -r 12:20 "$S/p.avs" | tail -n +2 >"$T/part"
sed -n 13,20p "$T/theirs" >"$T/want"
ok "frames 12 to 19 read alone" cmp -s "$T/part" "$T/want"
is "$("$AVSREAD" -a -r 0:0 "$S/p.avs" | grep '^audio ')" "audio 0 60060" \
    "AviSynth+'s audio: 30 frames' worth at 48 kHz"

printf 'FakeClip(128, 96, 10, 24000, 1001, 0, 0, 10)\n' >"$S/p10.avs"
is "$("$AVSREAD" -r 0:0 "$S/p10.avs" | head -1)" \
    "frames=10 fps=24000/1001 size=128x96 pix_fmt=yuv420p10le audio=0" \
    "a 10-bit clip is yuv420p10le"
"$AVSREAD" "$S/p10.avs" | tail -n +2 >"$T/ours"
fake_md5 10 yuv420p10le 1024 4 >"$T/theirs"
ok "its frames as AviSynth+ gave them" cmp -s "$T/ours" "$T/theirs"

printf 'FakeClip(128, 96, 10, 25, 1, 0, 0, 8)\nError("no")\n' >"$S/bad.avs"
"$AVSREAD" "$S/bad.avs" >/dev/null 2>"$T/err"
grep_ok "$T/err" 'bad\.avs: AviSynth\+: Script error: there is no function named "Error".*\(the built-in interpreter: .*bad\.avs:1:1: FakeClip: not a function' \
    "what neither AviSynth+ nor the built-in interpreter runs: both errors"

# What AviSynth+ cannot run (the stand-in has no FFVideoSource), the
# built-in interpreter may.
clip letterbox "$S/src/a.mkv" 1
printf 'FFVideoSource("src/a.mkv").Trim(5, 14)\n' >"$S/own.avs"
"$AVSREAD" "$S/own.avs" 2>"$T/err" | tail -n +2 >"$T/ours"
ffmpeg -v error -i "$S/src/a.mkv" -map 0:v -vf trim=start_frame=5:end_frame=15 \
    -f framemd5 - 2>/dev/null | grep -v '^#' | awk -F', *' '{ print $NF }' \
    >"$T/theirs"
ok "a script AviSynth+ fails is run by the built-in interpreter" \
    sh -c '[ -s "$1" ] && cmp -s "$1" "$2" && grep -q "AviSynth+: .*; trying the built-in interpreter" "$3"' \
    _ "$T/ours" "$T/theirs" "$T/err"

run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$S/p.avs"
is "$DE_RC" 0 "distenc encodes a script through AviSynth+"
is "$(probe_stream "$T/out/p.mkv" v:0 codec_name) $(video_size "$T/out/p.mkv") $(frame_count "$T/out/p.mkv")" \
    "hevc 128x96 30" "HEVC, 128x96, the script's 30 frames"
is "$(stream_count "$T/out/p.mkv" audio)" 1 "with AviSynth+'s audio"
grep_ok "$DE_ERR" "probe: AviSynth\+ script 128x96 yuv420p 8-bit, 23.976 fps" \
    "the log says AviSynth+ ran the script"
