#!/bin/sh
#
# AviSynth scripts with the built-in interpreter: each function and each
# form of the syntax compared, frame by frame (MD5 of each frame), with
# the same operation done by the ffmpeg program's filters on the same
# source; the script's audio; errors with their file, line and column;
# frame ranges read exactly; scene-detection scripts; a script encoded by
# distenc, with its sources found from the script's folder.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 99
need_tools
need_distenc

AVSREAD=$top_builddir/tests/avs/avsread
if [ ! -x "$AVSREAD" ]; then
	bail_rest "no $AVSREAD: check not run"
	exit 0
fi

# No AviSynth+ here, even if one is installed: the built-in interpreter.
LD_LIBRARY_PATH=$T/no-avisynth
export LD_LIBRARY_PATH

S=$T/scripts
clip letterbox "$S/src/a.mkv" 3
clip gray10 "$S/src/g.mkv" 1
clip truncated "$S/src/t.mkv"
clip letterbox "$S/src/b.mkv" 30
# 320x180 25 fps, 75 frames; g.mkv 10-bit 4:2:2, 25 frames.

# The frames of a script, one MD5 a line (avsread's header line dropped).
script_md5() {
	"$AVSREAD" "$@" 2>"$T/avsread.err" | tail -n +2
}

# The frames of FILE through the ffmpeg program's -vf or -filter_complex.
ffmpeg_md5() {
	_f=$1
	shift
	ffmpeg -v error -i "$_f" "$@" -f framemd5 - 2>"$T/ffmpeg.err" |
	    grep -v '^#' | awk -F', *' '{ print $NF }'
}

# same_frames DESC SCRIPT-TEXT VF [SOURCE]: the script's frames are the
# filter's on the source, all of them, and there are some.
same_frames() {
	printf '%s\n' "$2" >"$S/t.avs"
	script_md5 "$S/t.avs" >"$T/ours"
	ffmpeg_md5 "${4:-$S/src/a.mkv}" -map 0:v -vf "$3" >"$T/theirs"
	if [ -s "$T/ours" ] && cmp -s "$T/ours" "$T/theirs"; then
		pass "$1 ($(wc -l <"$T/ours" | tr -d ' ') frames)"
	else
		fail "$1"
		diag "  script: $2" "  filters: $3" \
		    "  frames: $(wc -l <"$T/ours") against $(wc -l <"$T/theirs")"
		diag_file "$T/avsread.err" avsread
		diag_file "$T/ffmpeg.err" ffmpeg
	fi
}

# info SCRIPT-TEXT: avsread's header line for it.
info() {
	printf '%s\n' "$1" >"$S/i.avs"
	"$AVSREAD" -r 0:0 "$S/i.avs" 2>&1 | head -1
}

# --- sources ------------------------------------------------------------------

for f in FFVideoSource FFmpegSource2 LWLibavVideoSource LSMASHVideoSource \
    AviSource DirectShowSource; do
	same_frames "$f: every frame of the source" "$f(\"src/a.mkv\")" null
done

# --- Trim ---------------------------------------------------------------------

same_frames "Trim(10, 19): frames 10 to 19" \
    'FFVideoSource("src/a.mkv").Trim(10, 19)' \
    trim=start_frame=10:end_frame=20
same_frames "Trim(10, 0): 0 is the last frame" \
    'FFVideoSource("src/a.mkv").Trim(10, 0)' trim=start_frame=10
same_frames "Trim(10, -5): a negative end is a frame count" \
    'FFVideoSource("src/a.mkv").Trim(10, -5)' \
    trim=start_frame=10:end_frame=15
same_frames "Trim(70, 100): the end is cut to the clip" \
    'FFVideoSource("src/a.mkv").Trim(70, 100)' trim=start_frame=70
same_frames "Trim(5, length=3)" \
    'FFVideoSource("src/a.mkv").Trim(5, length=3)' \
    trim=start_frame=5:end_frame=8

# --- Crop and the resizers ----------------------------------------------------

same_frames "Crop(0, 22, 0, -22): negative width and height from the edges" \
    'FFVideoSource("src/a.mkv").Crop(0, 22, 0, -22)' crop=320:136:0:22
same_frames "Crop(40, 20, 200, 100)" \
    'FFVideoSource("src/a.mkv").Crop(40, 20, 200, 100)' crop=200:100:40:20
for r in Spline16 Spline36 Spline64; do
	same_frames "${r}Resize(160, 90) (swscale's spline kernel)" \
	    "FFVideoSource(\"src/a.mkv\").${r}Resize(160, 90)" \
	    scale=160:90:flags=spline
done
same_frames "LanczosResize(176, 100)" \
    'FFVideoSource("src/a.mkv").LanczosResize(176, 100)' \
    scale=176:100:flags=lanczos:param0=3
same_frames "LanczosResize(176, 100, taps=2)" \
    'FFVideoSource("src/a.mkv").LanczosResize(176, 100, taps=2)' \
    scale=176:100:flags=lanczos:param0=2
same_frames "Lanczos4Resize(640, 360)" \
    'FFVideoSource("src/a.mkv").Lanczos4Resize(640, 360)' \
    scale=640:360:flags=lanczos:param0=4
same_frames "BicubicResize(160, 90, 0, 0.75)" \
    'FFVideoSource("src/a.mkv").BicubicResize(160, 90, 0, 0.75)' \
    scale=160:90:flags=bicubic:param0=0:param1=0.75
same_frames "BilinearResize(160, 90)" \
    'FFVideoSource("src/a.mkv").BilinearResize(160, 90)' \
    scale=160:90:flags=bilinear
same_frames "PointResize(640, 360)" \
    'FFVideoSource("src/a.mkv").PointResize(640, 360)' \
    scale=640:360:flags=neighbor
same_frames "Spline36Resize(160, 68, 0, 22, 0, -22): the resizer's crop" \
    'FFVideoSource("src/a.mkv").Spline36Resize(160, 68, 0, 22, 0, -22)' \
    crop=320:136:0:22,scale=160:68:flags=spline
same_frames "BilinearResize with src_left= and src_width= named" \
    'FFVideoSource("src/a.mkv").BilinearResize(120, 90, src_left=40, src_width=-40)' \
    crop=240:180:40:0,scale=120:90:flags=bilinear

# --- formats ------------------------------------------------------------------

same_frames "ConvertToYV12 on 4:2:0 changes nothing" \
    'FFVideoSource("src/a.mkv").ConvertToYV12()' null
same_frames "ConvertBits(10)" \
    'FFVideoSource("src/a.mkv").ConvertBits(10)' format=yuv420p10le
same_frames "ConvertToYUV420 on 10-bit 4:2:2 keeps 10 bits" \
    'FFVideoSource("src/g.mkv").ConvertToYUV420()' format=yuv420p10le \
    "$S/src/g.mkv"
same_frames "ConvertToYV12 on 10-bit 4:2:2" \
    'FFVideoSource("src/g.mkv").ConvertToYV12()' format=yuv420p \
    "$S/src/g.mkv"
same_frames "ConvertBits(8) on 10-bit 4:2:2" \
    'FFVideoSource("src/g.mkv").ConvertBits(8)' format=yuv422p \
    "$S/src/g.mkv"

# --- frame rates and frame selection ------------------------------------------

same_frames "AssumeFPS(30): the same frames" \
    'FFVideoSource("src/a.mkv").AssumeFPS(30)' null
is "$(info 'FFVideoSource("src/a.mkv").AssumeFPS(30)')" \
    "frames=75 fps=30/1 size=320x180 pix_fmt=yuv420p audio=1" \
    "AssumeFPS(30): 75 frames at 30 fps"
is "$(info 'FFVideoSource("src/a.mkv").AssumeFPS("ntsc_film")')" \
    "frames=75 fps=24000/1001 size=320x180 pix_fmt=yuv420p audio=1" \
    "AssumeFPS(\"ntsc_film\"): 24000/1001"
same_frames "ChangeFPS(30): frames repeated by their times" \
    'FFVideoSource("src/a.mkv").ChangeFPS(30)' fps=30:round=up
same_frames "ChangeFPS(15): frames dropped by their times" \
    'FFVideoSource("src/a.mkv").ChangeFPS(15)' fps=15:round=up
# AviSynth's choice: frame n of the new rate is floor(n * old / new), and
# there are round(frames * new / old) of them.
printf 'FFVideoSource("src/a.mkv").ChangeFPS(24000, 1001)\n' >"$S/c.avs"
script_md5 "$S/c.avs" >"$T/ours"
ffmpeg_md5 "$S/src/a.mkv" -map 0:v |
    awk '{ f[NR - 1] = $0 } END { a = 25 * 1001; b = 24000
	n = int((NR * b + int(a / 2)) / a)
	for (i = 0; i < n; i++) print f[int(i * a / b)] }' >"$T/theirs"
ok "ChangeFPS(24000, 1001): frame n is frame floor(n * 25 / 23.976), as in AviSynth" \
    cmp -s "$T/ours" "$T/theirs"
is "$(info 'FFVideoSource("src/a.mkv").ChangeFPS(30)')" \
    "frames=90 fps=30/1 size=320x180 pix_fmt=yuv420p audio=1" \
    "ChangeFPS(30): 90 frames at 30 fps"
same_frames "SelectEven" 'FFVideoSource("src/a.mkv").SelectEven()' \
    'select=not(mod(n\,2))'
same_frames "SelectOdd" 'FFVideoSource("src/a.mkv").SelectOdd()' \
    'select=mod(n\,2)'
is "$(info 'FFVideoSource("src/a.mkv").SelectOdd()')" \
    "frames=37 fps=25/2 size=320x180 pix_fmt=yuv420p audio=1" \
    "SelectOdd: 37 frames at 12.5 fps"

# --- geometry -----------------------------------------------------------------

same_frames "ReduceBy2" 'FFVideoSource("src/a.mkv").ReduceBy2()' \
    scale=160:90:flags=bilinear
same_frames "FlipVertical" 'FFVideoSource("src/a.mkv").FlipVertical()' vflip
same_frames "FlipHorizontal" 'FFVideoSource("src/a.mkv").FlipHorizontal()' \
    hflip
same_frames "TurnLeft" 'FFVideoSource("src/a.mkv").TurnLeft()' \
    transpose=cclock
same_frames "TurnRight" 'FFVideoSource("src/a.mkv").TurnRight()' \
    transpose=clock

# --- syntax -------------------------------------------------------------------

same_frames "statements on lines, implicit last, a function without ( )" \
    'FFVideoSource("src/a.mkv")
Trim(10, 39)
SelectEven
Crop(0, 22, 0, -22)' \
    'trim=start_frame=10:end_frame=40,select=not(mod(n\,2)),crop=320:136:0:22'
same_frames "comments (#, /* */, nested [* *]) and line continuation" \
    '# a source
FFVideoSource("src/a.mkv") /* inline
 over lines */ [* outer [* inner *] *]
Trim(10, \
  19)
Crop(0, 22, \
\ 0, -22)' \
    'trim=start_frame=10:end_frame=20,crop=320:136:0:22'
same_frames "variables, method chaining, named arguments, arithmetic" \
    'src = FFVideoSource(source = "src/a.mkv", cache = false)
w = src.Width / 2
h = (src.Height - 44) / 2
src.Crop(left=0, top=22, width=0, height=-22).BilinearResize(w, h)' \
    crop=320:136:0:22,scale=160:68:flags=bilinear
same_frames "strings joined with +, triple quotes, booleans, ?:" \
    'dir = """src"""
big = true
FFVideoSource(dir + "/" + "a.mkv")
big ? Trim(0, 9) : Trim(0, 4)' \
    trim=start_frame=0:end_frame=10
same_frames "splice with + and ++ of one source used three times" \
    'a = FFVideoSource("src/a.mkv")
a.Trim(0, 9) + a.Trim(20, 24) ++ a.Trim(60, 0)' \
    'split=3[a][b][c];[a]trim=start_frame=0:end_frame=10,setpts=PTS-STARTPTS[x];[b]trim=start_frame=20:end_frame=25,setpts=PTS-STARTPTS[y];[c]trim=start_frame=60,setpts=PTS-STARTPTS[z];[x][y][z]concat=n=3:v=1:a=0'
mkdir -p "$S/lib"
printf 'FFVideoSource("../src/a.mkv")\nTrim(10, 19)\n' >"$S/lib/part.avs"
same_frames "Import of another script, whose paths are its own folder's" \
    'Import("lib/part.avs")
FlipHorizontal()' 'trim=start_frame=10:end_frame=20,hflip'
same_frames "LoadPlugin, SetMemoryMax, SetMTMode, Prefetch accepted" \
    'SetMemoryMax(1024)
SetMTMode(3, 2)
LoadPlugin("C:\plugins\ffms2.dll")
FFVideoSource("src/a.mkv")
Prefetch(2)' null
grep_ok "$T/avsread.err" "LoadPlugin has no effect in the built-in interpreter" \
    "LoadPlugin: a note in the log"

# --- audio --------------------------------------------------------------------

# The script's audio samples, stream by stream: "audio SLOT SAMPLES".
audio_of() {
	printf '%s\n' "$1" >"$S/a.avs"
	"$AVSREAD" -a -r 0:0 "$S/a.avs" 2>&1 | grep '^audio '
}
is "$(audio_of 'FFVideoSource("src/a.mkv").Trim(10, 19)')" "audio 0 19200" \
    "no audio in the script: the source's, cut as the video (0.4 s)"
is "$(audio_of 'AudioDub(FFVideoSource("src/a.mkv"), FFAudioSource("src/a.mkv")).Trim(25, 49)')" \
    "audio 0 48000" "AudioDub of FFAudioSource, trimmed: 1 s"
is "$(audio_of 'v = LWLibavVideoSource("src/a.mkv")
AudioDub(v, LWLibavAudioSource("src/a.mkv"))
Trim(0, 4) ++ Trim(10, 14)')" "audio 0 19200" \
    "LWLibavAudioSource, two trims spliced with ++: 0.4 s"

# A source whose audio starts 0.5 s after its video and stops 0.5 s before.
ffmpeg -v error -f lavfi -i testsrc=size=320x180:rate=25:d=3 -itsoffset 0.5 \
    -f lavfi -i sine=frequency=440:sample_rate=48000:d=2 -map 0 -map 1 \
    -c:v ffv1 -c:a flac "$S/src/d.mkv" 2>"$T/ffmpeg.err"
is "$(audio_of 'FFVideoSource("src/d.mkv")')" "audio 0 144000" \
    "audio starting late and ending early: padded with silence to the video's 3 s"
is "$(audio_of 'FFVideoSource("src/d.mkv").Trim(25, 49)')" "audio 0 48000" \
    "... and trimmed with the video (1 s)"

# Audio from two files, spliced: each file's audio in its turn.
clip letterbox "$S/src/c.mkv" 1
is "$(audio_of 'AviSource("src/a.mkv").Trim(0, 24) + AviSource("src/c.mkv")')" \
    "audio 0 96000" "AviSource + AviSource: the audio of both files (2 s)"
is "$(audio_of 'a = FFVideoSource("src/a.mkv")
a.Trim(30, 49) + a.Trim(0, 9) ++ a.Trim(20, 29)')" "audio 0 76800" \
    "trims out of order: the audio of each (1.6 s)"
clip streams "$S/src/st.mkv" 2
printf 'AviSource("src/a.mkv") + AviSource("src/st.mkv")\n' >"$S/a2.avs"
"$AVSREAD" -a -r 0:0 "$S/a2.avs" >/dev/null 2>"$T/a2.err"
grep_ok "$T/a2.err" "st\.mkv: its audio 0 \(6 channels, 48000 Hz\) is not as the script's first file's \(2 channels, 48000 Hz\)" \
    "files whose audio differs: the one that differs is named"

# --- errors -------------------------------------------------------------------

# error_is DESC SCRIPT-TEXT ERE: avsread fails with a message matching ERE.
error_is() {
	printf '%s\n' "$2" >"$S/e.avs"
	if "$AVSREAD" "$S/e.avs" >/dev/null 2>"$T/e.err"; then
		fail "$1"
		diag "  the script was read"
	else
		grep_ok "$T/e.err" "$3" "$1"
	fi
}
error_is "QTGMC: named with its line and column, and AviSynth+ offered" \
    'FFVideoSource("src/a.mkv")
  QTGMC(preset="slow")' \
    'e\.avs:2:3: QTGMC: not a function the built-in interpreter knows; installing AviSynth\+ \(libavisynth\.so\) would run it'
error_is "TFM as a method: its line and column" \
    'FFVideoSource("src/a.mkv").TFM()' 'e\.avs:1:28: TFM: not a function'
error_is "a syntax error: its line and column" \
    'FFVideoSource("src/a.mkv")
Trim(0 9)' 'e\.avs:2:8: expected .,. or .\)., found number'
error_is "an unclosed string" 'FFVideoSource("src/a.mkv)' \
    'e\.avs:1:15: string not closed'
error_is "a missing source: the script's line and the file" \
    'FFVideoSource("src/none.mkv")' \
    'e\.avs:1:1: FFVideoSource: .*/src/none\.mkv: cannot open: No such file'
error_is "a truncated source fails as a truncated file does" \
    'FFVideoSource("src/t.mkv")' \
    'e\.avs:1:1: FFVideoSource: .*/src/t\.mkv: damaged or truncated: the video ends at'
error_is "a crop outside the picture" \
    'FFVideoSource("src/a.mkv").Crop(0, 0, 400, 0)' \
    'e\.avs:1:28: Crop: the area 400x180 at 0,0 is outside the 320x180 picture'

# --- frame ranges -------------------------------------------------------------

printf 'a = FFVideoSource("src/a.mkv")\na.Trim(0, 29) + a.Trim(40, 0).FlipVertical()\n' \
    >"$S/r.avs"
script_md5 "$S/r.avs" >"$T/all"
script_md5 -r 25:45 "$S/r.avs" >"$T/part"
sed -n 26,45p "$T/all" >"$T/want"
ok "frames 25 to 44 of a spliced script, read alone, are those of the whole" \
    cmp -s "$T/part" "$T/want"
script_md5 -r 64:65 "$S/r.avs" >"$T/part"
sed -n 65p "$T/all" >"$T/want"
ok "the last frame read alone" cmp -s "$T/part" "$T/want"

# A one-chain script over a source of constant rate is sought: its
# source starts at the keyframe before the first frame wanted (when that
# is more than 250 frames on).
printf 'FFVideoSource("src/b.mkv").Trim(33, 0).SelectOdd()\nCrop(0, 22, 0, -22).Trim(5, 0)\n' \
    >"$S/k.avs"
script_md5 "$S/k.avs" >"$T/all"
for r in 300:310 351:353 260:261; do
	"$AVSREAD" -d -r "$r" "$S/k.avs" 2>"$T/k.err" | tail -n +2 >"$T/part"
	sed -n "$((${r%:*} + 1)),${r#*:}p" "$T/all" >"$T/want"
	ok "frames $r of Trim, SelectOdd, Crop, Trim read alone are those of the whole" \
	    cmp -s "$T/part" "$T/want"
done
grep_ok "$T/k.err" "k\.avs: sought to frame 260" \
    "frame 260 was reached by seeking the source (frame 559), not by reading"
"$AVSREAD" -d -r 100:101 "$S/k.avs" 2>"$T/k.err" >/dev/null
ok "frame 100 was reached by reading on" \
    sh -c '! grep -q "sought" "$1"' _ "$T/k.err"

# A splice of chains, cropped after: read piece by piece, each piece's
# source sought; its frames those of ffmpeg's concat of the same trims.
printf 'a = FFVideoSource("src/b.mkv")\na.Trim(100, 399) ++ a.Trim(500, 549).SelectEven().AssumeFPS(25) + a.Trim(600, 0)\nCrop(0, 22, 0, -22)\n' \
    >"$S/p.avs"
script_md5 "$S/p.avs" >"$T/all"
ffmpeg_md5 "$S/src/b.mkv" -filter_complex \
    "[0:v]split=3[a][b][c];[a]trim=start_frame=100:end_frame=400,setpts=PTS-STARTPTS[x];[b]trim=start_frame=500:end_frame=550,setpts=PTS-STARTPTS,select=not(mod(n\,2)),setpts=N/FRAME_RATE/TB[y];[c]trim=start_frame=600,setpts=PTS-STARTPTS[z];[x][y][z]concat=n=3:v=1:a=0,crop=320:136:0:22[out]" \
    -map '[out]' >"$T/theirs"
ok "a splice of three trims, cropped: every frame as ffmpeg's concat gives it" \
    cmp -s "$T/all" "$T/theirs"
for r in 0:3 295:330 320:380 449:475; do
	"$AVSREAD" -d -r "$r" "$S/p.avs" 2>"$T/p.err" | tail -n +2 >"$T/part"
	sed -n "$((${r%:*} + 1)),${r#*:}p" "$T/all" >"$T/want"
	ok "frames $r of the splice read alone are those of the whole" \
	    cmp -s "$T/part" "$T/want"
done
grep_ok "$T/p.err" "p\.avs: piece 2 sought to its frame 124" \
    "... frame 449 reached by seeking the third piece's source"

# A source of variable rate: its frames counted by decoding, never sought.
ffmpeg -v error -f lavfi -i testsrc=size=320x180:rate=25 -t 2 \
    -vf "setpts='if(lt(N,25),N,N+12)/25/TB'" -fps_mode passthrough \
    -c:v ffv1 "$S/src/vfr.mkv" 2>"$T/ffmpeg.err"
printf 'FFVideoSource("src/vfr.mkv")\nTrim(20, 0)\n' >"$S/v.avs"
script_md5 "$S/v.avs" >"$T/ours"
ffmpeg_md5 "$S/src/vfr.mkv" -map 0:v -fps_mode passthrough \
    -vf trim=start_frame=20 >"$T/theirs"
ok "a source of variable rate: every frame, in order ($(wc -l <"$T/theirs" | tr -d ' '))" \
    cmp -s "$T/ours" "$T/theirs"
grep_ok "$T/avsread.err" "frames counted by decoding" \
    "... its frames counted by decoding"
"$AVSREAD" -d -r 22:25 "$S/v.avs" 2>"$T/v.err" | tail -n +2 >"$T/part"
sed -n 23,25p "$T/ours" >"$T/want"
ok "... a range of it read alone, by reading on" \
    sh -c 'cmp -s "$1" "$2" && ! grep -q sought "$3"' _ "$T/part" "$T/want" \
    "$T/v.err"

# --- scene detection ----------------------------------------------------------

printf 'src = FFVideoSource("src/a.mkv")\nsrc.Trim(10, 0).Crop(0, 22, 0, -22)\n' \
    >"$S/film.avs"
scd=$(TMPDIR=$T "$AVSREAD" -s "$S/film.avs" 2>"$T/scd.err")
ok "a scene-detection script made from the source line, in a folder of ours" \
    sh -c '[ "$(dirname "$1")" = "$2" ] && grep -q "^FFVideoSource(\"$3/src/a.mkv\")$" "$1"' \
    _ "$scd" "$T" "$S"
script_md5 "$scd" >"$T/ours"
ffmpeg_md5 "$S/src/a.mkv" -map 0:v >"$T/theirs"
ok "its frames are the source's" cmp -s "$T/ours" "$T/theirs"
scd=$(TMPDIR=$T "$AVSREAD" -s -2 "$S/film.avs" 2>"$T/scd.err")
script_md5 "$scd" >"$T/ours"
ffmpeg_md5 "$S/src/a.mkv" -map 0:v -vf scale=160:90:flags=bilinear >"$T/theirs"
ok "with ReduceBy2: the source's frames halved" cmp -s "$T/ours" "$T/theirs"
printf 'FFVideoSource("src/a.mkv").SelectEven()\n' >"$S/film_scd.avs"
is "$(TMPDIR=$T "$AVSREAD" -s "$S/film.avs")" "$S/film_scd.avs" \
    "NAME_scd.avs beside the script is used as it is"

# audio_seconds FILE: the end of the first audio stream's last packet.
audio_seconds() {
	ffprobe -v error -select_streams a:0 \
	    -show_entries packet=pts_time,duration_time -of csv=p=0 \
	    -- "$1" 2>/dev/null |
	    awk -F, '$1 != "N/A" && $1 != "" { e = $1 + $2 } END { printf "%.3f\n", e }'
}

# --- distenc ------------------------------------------------------------------

mkdir -p "$T/in"
cp "$S/src/a.mkv" "$T/in/film.mkv"
printf 'FFVideoSource("film.mkv")\nTrim(5, 54)\nCrop(0, 22, 0, -22)\nSpline36Resize(240, 102)\n' \
    >"$T/in/film.avs"
here=$(pwd)
cd / && run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$T/in/film.avs"
cd "$here" || exit 1
is "$DE_RC" 0 "distenc encodes a script (run from another folder)"
out=$T/out/film.mkv
is "$(probe_stream "$out" v:0 codec_name) $(video_size "$out")" \
    "hevc 240x102" "the output is HEVC at the script's size"
is "$(frame_count "$out")" 50 "the output has the script's 50 frames"
near "$(audio_seconds "$out")" 2.0 0.1 \
    "its audio is the source's, cut as the script cuts the video (2 s)"
grep_ok "$DE_ERR" "probe: AviSynth script 240x102 yuv420p 8-bit, 25.000 fps, 2.0s" \
    "the log names an AviSynth script with its size, rate and length"
grep_ok "$DE_ERR" "a script crops itself, not cropping" \
    "a script is not cropped again"

# max_volume FILE START END: the audio's peak (dB) between two times.
max_volume() {
	ffmpeg -nostdin -hide_banner -i "$1" -map 0:a:0 \
	    -af "atrim=$2:$3,volumedetect" -f null - 2>&1 |
	    sed -n 's/.*max_volume: \([-0-9.inf]*\) dB.*/\1/p'
}
cp "$S/src/d.mkv" "$T/in/late.mkv"
printf 'FFVideoSource("late.mkv")\n' >"$T/in/late.avs"
run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$T/in/late.avs"
ok "audio starting 0.5 s late stays in time: silent before 0.45 s, sound from 0.55 s to 2.45 s, silent after 2.55 s" \
    awk -v a="$(max_volume "$T/out/late.mkv" 0 0.45)" \
    -v b="$(max_volume "$T/out/late.mkv" 0.55 2.45)" \
    -v c="$(max_volume "$T/out/late.mkv" 2.55 3)" \
    'BEGIN { exit !((a == "-inf" || a < -60) && b > -30 && (c == "-inf" || c < -60)) }'

# An HDR10 source through a script: its colour and HDR10 metadata kept.
clip hdr10 "$T/in/hdr.mkv" 1
printf 'FFVideoSource("hdr.mkv").Crop(0, 20, 0, -20)\n' >"$T/in/hdr.avs"
run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$T/in/hdr.avs"
is "$(probe_stream "$T/out/hdr.mkv" v:0 color_primaries) $(probe_stream "$T/out/hdr.mkv" v:0 color_transfer) $(probe_stream "$T/out/hdr.mkv" v:0 pix_fmt)" \
    "bt2020 smpte2084 yuv420p10le" \
    "an HDR10 source's script: 10-bit, BT.2020 and PQ kept"
if side_data_same "$(side_data "$T/in/hdr.mkv" frame "Mastering display metadata")" \
    "$(side_data "$T/out/hdr.mkv" stream "Mastering display metadata")"; then
	pass "... and its mastering display metadata"
else
	fail "... and its mastering display metadata"
fi

write_conf "$T/copy.conf" ultrafast 300 'audio_codec = "copy";'
run_distenc -c "$T/copy.conf" -o "$T/outcopy" -s "$T/stats" "$T/in/film.avs"
ok "audio_codec copy: a script fails, saying its audio cannot be copied" \
    sh -c '[ "$1" = 1 ] && grep -q "film.avs: a script.s audio cannot be copied (it is cut to the script.s frames): use audio_codec opus or flac" "$2"' \
    _ "$DE_RC" "$DE_OUT"

# Audio that goes back in its file: the end of late.mkv (0.5 s of sound,
# then 0.5 s where the file has none), then its start (silent).
printf 'a = FFVideoSource("late.mkv")\na.Trim(50, 74) + a.Trim(0, 9)\n' \
    >"$T/in/back.avs"
run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$T/in/back.avs"
is "$DE_RC" 0 "a script whose audio goes back in its file is encoded"
ok "its audio follows the video: sound to 0.5 s, then silence to 1.4 s" \
    awk -v a="$(max_volume "$T/out/back.mkv" 0 0.45)" \
    -v b="$(max_volume "$T/out/back.mkv" 0.55 1.4)" \
    -v e="$(audio_seconds "$T/out/back.mkv")" \
    'BEGIN { exit !(a > -30 && (b == "-inf" || b < -60) && e > 1.3 && e < 1.5) }'
