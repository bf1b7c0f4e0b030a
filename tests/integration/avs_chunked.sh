#!/bin/sh
#
# Chunked encoding of AviSynth scripts, with the built-in interpreter
# (and AviSynth+'s stand-in when it is built): scene changes of a script
# that trims, crops and resizes the clip of four lavfi sources joined at
# known frames (tests/mkclip.sh scenes) found on the script's frames and
# on its scene-detection script, in the script's frame numbers; a
# NAME_scd.avs longer than the script; an AV1 encode in chunks whose
# pictures are those of ffmpeg's filters doing the same; a QP file beside
# the script; a script's own audio, trimmed, in a chunked x265 encode;
# an AviSynth+ script in chunks.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 35
need_tools
need_distenc

# No AviSynth+ here, even if one is installed: the built-in interpreter.
LD_LIBRARY_PATH=$T/no-avisynth
export LD_LIBRARY_PATH
# What distenc writes in the temporary folder, seen.
TMPDIR=$T/tmp
export TMPDIR
mkdir -p "$TMPDIR"

IN=$T/in
clip scenes "$IN/scenes.mkv"
WORK=$T/work
CONF=$T/chunk.conf
cat >"$CONF" <<EOC
profiles = { av1t = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16;
  threads = 1; min_chunk_length = 16; crop = "off"; };
  hevct = { inherit = "hevc-chunked"; preset = "ultrafast";
  min_chunk_length = 16; crop = "off"; threads = 1; }; };
default_profile = "av1t";
jobs = 2;
stats_dir = "$T/stats";
work_dir = "$WORK";
EOC

# cuts_near WANT GOT: every cut in WANT has one in GOT within a frame, and
# GOT has no other.
cuts_near() {
	awk -v want="$1" -v got="$2" 'BEGIN {
		nw = split(want, w, " "); ng = split(got, g, " ")
		if (nw != ng) exit 1
		for (i = 1; i <= nw; i++)
			if (g[i] - w[i] > 1 || w[i] - g[i] > 1) exit 1
	}'
}

# scenes ARG...: got, the scene changes --scenes-only prints.
scenes() {
	run_distenc -c "$CONF" --scenes-only "$@"
	got=$(sed -n 's/.*scene changes: *//p' "$DE_OUT")
}

# audio_seconds FILE: the end of the first audio stream's last packet.
audio_seconds() {
	ffprobe -v error -select_streams a:0 \
	    -show_entries packet=pts_time,duration_time -of csv=p=0 \
	    -- "$1" 2>/dev/null |
	    awk -F, '$1 != "N/A" && $1 != "" { e = $1 + $2 } END { printf "%.3f\n", e }'
}

# log_has DESC TEXT: the last run's output has a line with TEXT.
log_has() {
	if de_all | grep -qF -- "$2"; then
		pass "$1"
	else
		fail "$1"
		diag "  no line with: $2"
	fi
}

# --- scene changes, in the script's frame numbers --------------------------

# Frames 10.. of the clip, cropped and resized: 90 frames, the clip's
# cuts (23 52 83) ten frames earlier.
FILM=$IN/film.avs
printf 'FFVideoSource("scenes.mkv")\nTrim(10, 0)\nCrop(0, 20, 0, -20)\nSpline36Resize(256, 112)\n' \
    >"$FILM"
want="13 42 73"
scenes --scd script "$FILM"
ok "scd script: the cuts at $want of the script's frames found (found: $got)" \
    cuts_near "$want" "$got"
scenes --scd source "$FILM"
ok "scd source: found on the source line's clip, as the script's frames (found: $got)" \
    cuts_near "$want" "$got"
log_has "scd source: on a scene-detection script made from the source line" \
    "scenes: detected on /"
scenes --ffmpeg-scd 1 --downscale-scd "$FILM"
ok "--ffmpeg-scd 1 --downscale-scd: on the source line reduced by 2 (found: $got)" \
    cuts_near "$want" "$got"
log_has "... whose script is the reduced one" "film_scd_half.avs"
ok "... and what it wrote in the temporary folder is gone" \
    tree_is_empty "$TMPDIR"

# Pieces out of order: frames 40..89 then 5..30; the join is a scene
# change the source's frames cannot show.
printf 'a = FFVideoSource("scenes.mkv")\na.Trim(40, 89) ++ a.Trim(5, 30)\nCrop(0, 20, 0, -20)\n' \
    >"$IN/splice.avs"
want="12 43 50 68"
scenes --scd script "$IN/splice.avs"
ok "a splice, scd script: $want (found: $got)" cuts_near "$want" "$got"
scenes --scd source "$IN/splice.avs"
ok "a splice, scd source: the same, pieces mapped and joined (found: $got)" \
    cuts_near "$want" "$got"

# A NAME_scd.avs of the user's: its frames taken by number, the last cut
# past the script's 80 frames left out.
printf 'FFVideoSource("scenes.mkv")\nTrim(0, 79)\n' >"$IN/short.avs"
printf 'FFVideoSource("scenes.mkv")\n' >"$IN/short_scd.avs"
scenes --scd source "$IN/short.avs"
ok "NAME_scd.avs used by frame number, 83 past the end left out (found: $got)" \
    cuts_near "23 52" "$got"
log_has "... and a warning says so" \
    "100 frames, where the script has 80: its scene changes are taken by frame number, 1 past the script's end left out"

# --- AV1 in chunks ----------------------------------------------------------

run_distenc -c "$CONF" -o "$T/out" "$FILM"
DST=$T/out/film.mkv
is "$DE_RC" 0 "av1: a chunked job of a script exits 0"
log_has "av1: three chunks planned" "plan: 3 chunks"
log_has "av1: three chunks joined" "joined 3 chunks: 90 frames"
is "$(probe_stream "$DST" v:0 codec_name) $(video_size "$DST")" \
    "av1 256x112" "av1: AV1 at the script's size"
is "$(frame_count "$DST")" 90 "av1: the script's 90 frames"
near "$(video_duration "$DST")" 3.6 0.04 "av1: 3.6 s of video"
# The same trim, crop and resize by ffmpeg's filters; a frame from the
# wrong place would be another picture: the worst frame's PSNR shows it.
minpsnr=$(ffmpeg -nostdin -hide_banner -i "$DST" -i "$IN/scenes.mkv" \
    -lavfi "[1:v]trim=start_frame=10,setpts=PTS-STARTPTS,crop=320:140:0:20,scale=256:112:flags=spline[r];[0:v][r]psnr=stats_file=$T/psnr.log" \
    -f null - >/dev/null 2>&1; awk '{ sub("psnr_avg:", "", $6);
    if (min == "" || $6 + 0 < min) min = $6 + 0; n++ }
    END { if (n == 90) print min }' "$T/psnr.log")
ok "av1: every frame is ffmpeg's trim, crop and scale of the source (lowest PSNR $minpsnr dB)" \
    awk -v p="$minpsnr" 'BEGIN { exit !(p != "" && p > 30) }'
is "$(probe_stream "$DST" a:0 codec_name)" opus "av1: the audio, in Opus"
near "$(audio_seconds "$DST")" 3.6 0.1 \
    "av1: the audio cut as the script cuts the video (3.6 s)"
near "$(loudness "$DST" 0)" "$TARGET_LUFS" "$LUFS_TOL" \
    "av1: the audio normalised to $TARGET_LUFS LUFS"
ok "av1: the work directory is empty after publication" tree_is_empty "$WORK"

# --- a QP file beside the script --------------------------------------------

printf '0 I -1\n30 I -1\n45 P\n60 K -1\n' >"$IN/film.qp"
run_distenc -c "$CONF" --scd qpfile --chunk-step plan "$FILM"
is "$DE_RC" 0 "qpfile: the plan of a script exits 0"
log_has "qpfile: NAME.qp beside NAME.avs read" \
    "2 scene changes from $IN/film.qp"
log_has "qpfile: three chunks of the script's 90 frames" \
    "plan: 3 chunks of 16 frames or more, 90 frames"
printf '10 I\n95 I\n' >"$IN/film.qp"
run_distenc -c "$CONF" --scd qpfile --chunk-step plan "$FILM"
log_has "qpfile: frame numbers are the script's (95 is past its 90)" \
    "line 2: frame 95 is beyond the end (90 frames)"
rm -f "$IN/film.qp"

# --- a script's own audio, in chunked x265 ----------------------------------

# Silent for a second, then loud (not the clip's quiet sines).
ffmpeg -nostdin -v error -f lavfi -i anullsrc=r=48000:cl=stereo -f lavfi \
    -i "$(_mkclip_sines $MKCLIP_AMP_LOUD 3 stereo 330 550)" \
    -filter_complex '[0]atrim=end=1[s];[s][1]concat=n=2:v=0:a=1' \
    -c:a flac "$IN/tone.flac"
printf 'v = FFVideoSource("scenes.mkv")\nAudioDub(v, FFAudioSource("tone.flac"))\nTrim(10, 74)\n' \
    >"$IN/dub.avs"
# one encoder: the plan is the scenes' alone (two encoders may split one)
run_distenc -c "$CONF" -p hevct --max-parallel-encodes 1 -o "$T/out" \
    "$IN/dub.avs"
DUB=$T/out/dub.mkv
is "$DE_RC" 0 "hevc-chunked: a script with AudioDub exits 0"
log_has "hevc-chunked: two chunks" "plan: 2 chunks"
is "$(probe_stream "$DUB" v:0 codec_name) $(frame_count "$DUB")" "hevc 65" \
    "hevc-chunked: HEVC, the script's 65 frames"
near "$(audio_seconds "$DUB")" 2.6 0.1 \
    "hevc-chunked: the dubbed audio, trimmed with the video (2.6 s)"
near "$(loudness "$DUB" 0)" "$TARGET_LUFS" "$LUFS_TOL" \
    "hevc-chunked: normalised to $TARGET_LUFS LUFS"
# max_volume FILE START END: the audio's peak (dB) between two times.
max_volume() {
	ffmpeg -nostdin -hide_banner -i "$1" -map 0:a:0 \
	    -af "atrim=$2:$3,volumedetect" -f null - 2>&1 |
	    sed -n 's/.*max_volume: \([-0-9.inf]*\) dB.*/\1/p'
}
ok "hevc-chunked: the script's audio, from its 0.4 s: silent to 0.6 s, sound after" \
    awk -v a="$(max_volume "$DUB" 0 0.5)" -v b="$(max_volume "$DUB" 0.7 2.5)" \
    'BEGIN { exit !((a == "-inf" || a < -60) && b > -30) }'

# --- AviSynth+ ------------------------------------------------------------

FAKE=$top_builddir/tests/avsplus
if [ -f "$FAKE/libavisynth.so" ]; then
	printf 'FakeClip(128, 96, 120, 24000, 1001, 48000, 2, 8)\n' \
	    >"$IN/plus.avs"
	LD_LIBRARY_PATH=$FAKE
	run_distenc -c "$CONF" --max-chunk-length 40 \
	    --max-parallel-encodes 1 -o "$T/out" "$IN/plus.avs"
	LD_LIBRARY_PATH=$T/no-avisynth
	is "$DE_RC" 0 "AviSynth+: a chunked job exits 0"
	log_has "AviSynth+: no source line, scenes on the script's frames" \
	    "scenes detected on the script's own frames"
	log_has "AviSynth+: three chunks" "plan: 3 chunks"
	is "$(frame_count "$T/out/plus.mkv") $(stream_count "$T/out/plus.mkv" audio)" \
	    "120 1" "AviSynth+: its 120 frames and its audio"
else
	for d in "exits 0" "scenes" "three chunks" "frames and audio"; do
		skip "AviSynth+: $d" "no stand-in libavisynth.so"
	done
fi
