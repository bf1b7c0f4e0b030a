#!/bin/sh
#
# Chunked encoding on a clip of four lavfi sources joined at known frames
# (tests/mkclip.sh scenes): scene detection finds each cut and nothing
# else; an AV1 encode in chunks that start between keyframes has every
# frame of the source, at its timestamp and with its picture; QP-file
# scene changes, bad QP files and a bad grain table; 10-bit; a chunked
# x265 profile.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 51
need_tools
need_distenc

SRC=$T/in/scenes.mkv
clip scenes "$SRC"
WORK=$T/work

# chunk_conf FILE [EXTRA]: the fast chunked AV1 profile "av1t".
chunk_conf() {
	cat >"$1" <<EOC
profiles = { av1t = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16;
  threads = 1; min_chunk_length = 16; crop = "off"; ${2:-} };
  hevct = { inherit = "hevc-chunked"; preset = "ultrafast";
  min_chunk_length = 16; crop = "off"; threads = 1; }; };
default_profile = "av1t";
jobs = 2;
stats_dir = "$T/stats";
work_dir = "$WORK";
EOC
}
CONF=$T/chunk.conf
chunk_conf "$CONF"

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

# log_has DESC TEXT: the last run's output has a line with TEXT.
log_has() {
	if de_all | grep -qF -- "$2"; then
		pass "$1"
	else
		fail "$1"
		diag "  no line with: $2"
	fi
}

# --- scene detection ------------------------------------------------------

for mode in full downscaled; do
	[ $mode = full ] && extra= || extra=--downscale-scd
	run_distenc -c "$CONF" --scenes-only $extra "$SRC"
	got=$(sed -n 's/.*scene changes: *//p' "$DE_OUT")
	is "$DE_RC" 0 "scenes ($mode): exits 0"
	ok "scenes ($mode): cuts at $MKCLIP_SCENE_CUTS found within one frame, no other (found: $got)" \
	    cuts_near "$MKCLIP_SCENE_CUTS" "$got"
done
# A 24 s film (the clip six times, keyframes only where x264 puts them)
# is decoded in segments, one per processor, cut at keyframes: the cuts
# near the segments' ends are found too, and no other.
LONG=$T/in/six.mkv
ffmpeg -nostdin -hide_banner -loglevel error -stream_loop 5 -i "$SRC" -an \
    -c:v libx264 -preset veryfast -g 1000 -bf 3 "$LONG"
want=$(awk -v c="$MKCLIP_SCENE_CUTS" 'BEGIN { n = split(c, a, " ");
    for (r = 0; r < 6; r++) { if (r) printf "%d ", 100 * r;
    for (i = 1; i <= n; i++) printf "%d ", 100 * r + a[i] } }')
run_distenc -c "$CONF" --scenes-only "$LONG"
got=$(sed -n 's/.*scene changes: *//p' "$DE_OUT")
ok "scenes (24 s, in segments): all 23 cuts found within one frame, no other" \
    cuts_near "$want" "$got"
run_distenc -c "$CONF" --scenes-only --scdthresh 0.99 "$SRC"
is "$(sed -n 's/.*, \([0-9]*\) scene changes.*/\1/p' "$DE_OUT")" 0 \
    "scenes: a threshold of 0.99 finds none"

# --- AV1 in chunks --------------------------------------------------------

OUT=$T/out
DST=$OUT/scenes.mkv
run_distenc -c "$CONF" -o "$OUT" "$SRC"
is "$DE_RC" 0 "av1: distenc exits 0"
is "$(probe_stream "$DST" v:0 codec_name)" av1 "av1: video is AV1"
ok "av1: the AV1 stream has its configuration (av1C)" \
    test "$(probe_stream "$DST" v:0 extradata_size)" -gt 4
log_has "av1: four chunks planned" "plan: 4 chunks"
log_has "av1: chunks encoded in parallel, two at once" \
    "chunks: 4 to encode, 2 at once"
is "$(frame_count "$DST")" "$MKCLIP_SCENE_FRAMES" \
    "av1: as many frames as the source ($MKCLIP_SCENE_FRAMES)"
near "$(video_duration "$DST")" "$(video_duration "$SRC")" \
    "$(frame_duration "$SRC")" "av1: video duration within one frame"
# frame_pts FILE: the video frames' timestamps, one a line.
frame_pts() {
	ffprobe -v error -select_streams v:0 -show_entries frame=pts \
	    -of csv=p=0 "$1" | sed 's/,.*//' | grep .
}
frame_pts "$SRC" >"$T/src.pts"
frame_pts "$DST" >"$T/dst.pts"
ok "av1: every frame at the source frame's timestamp" \
    cmp -s "$T/src.pts" "$T/dst.pts"
# A frame from the wrong side of a cut would be a different picture:
# the worst frame's PSNR against the source stays high.
minpsnr=$(min_psnr "$DST" "$SRC")
ok "av1: every frame shows the source's picture (lowest PSNR $minpsnr dB)" \
    awk -v p="$minpsnr" 'BEGIN { exit !(p != "" && p > 25) }'
is "$(probe_stream "$DST" a:0 codec_name)" opus "av1: audio is Opus"
near "$(loudness "$DST" 0)" "$TARGET_LUFS" "$LUFS_TOL" \
    "av1: audio normalised to $TARGET_LUFS LUFS"
ok "av1: the work directory is empty after publication" \
    tree_is_empty "$WORK"
ok "av1: nothing else in the output directory" only_entry "$OUT" "$DST"

# --- every stream kept ------------------------------------------------------

STR=$T/in/streams.mkv
clip streams "$STR"
run_distenc -c "$CONF" -o "$T/outs" "$STR"
SD=$T/outs/streams.mkv
is "$DE_RC" 0 "streams: exits 0"
is "$(probe_stream "$SD" a codec_name | tr '\n' ' ')" "opus opus " \
    "streams: both audio tracks, in Opus"
near "$(loudness "$SD" 1)" "$TARGET_LUFS" "$LUFS_TOL" \
    "streams: the loud track normalised to $TARGET_LUFS LUFS"
is "$(stream_count "$SD" subtitle)/$(stream_count "$SD" attachment)" 1/1 \
    "streams: the subtitle and the attachment kept"
is "$(chapter_starts "$SD" | tr '\n' ' ')" "0.000 1.500 " \
    "streams: the chapters kept"
is "$(frame_count "$SD")" "$(frame_count "$STR")" \
    "streams: as many frames as the source"

# --- scene changes from a QP file -------------------------------------------

printf '0 I -1\n30 I -1\n45 P\n60 K -1\n' >"$T/in/scenes.qp"
run_distenc -c "$CONF" --scd qpfile -o "$T/outqp" "$SRC"
is "$DE_RC" 0 "qpfile: exits 0"
log_has "qpfile: two scene changes read from scenes.qp" \
    "2 scene changes from $T/in/scenes.qp"
log_has "qpfile: three chunks" "plan: 3 chunks"
is "$(frame_count "$T/outqp/scenes.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "qpfile: as many frames as the source"
# The original tool's option, and a file found in a subfolder.
mkdir -p "$T/in/scd"
mv "$T/in/scenes.qp" "$T/in/scd/scenes.qp"
run_distenc -c "$CONF" --ffmpeg-scd 0 -o "$T/outqp2" "$SRC"
log_has "qpfile: --ffmpeg-scd 0 finds the QP file in a subfolder" \
    "2 scene changes from $T/in/scd/scenes.qp"

printf '10 I\n20 I -1\nfoo I\n' >"$T/in/scd/scenes.qp"
run_distenc -c "$CONF" --scd qpfile -o "$T/outbad" "$SRC"
is "$DE_RC" 1 "bad QP file: exits 1"
log_has "bad QP file: the bad line is named" \
    "scenes.qp: line 3: expected a frame number"
printf '10 I\n150 I\n' >"$T/in/scd/scenes.qp"
run_distenc -c "$CONF" --scd qpfile -o "$T/outbad" "$SRC"
log_has "QP file past the end: said so" \
    "line 2: frame 150 is beyond the end (100 frames)"
rm -r "$T/in/scd"
run_distenc -c "$CONF" --scd qpfile -o "$T/outbad" "$SRC"
log_has "no QP file: said so" "no QP file (scene changes) found"
ok "bad QP files: no output" tree_is_empty "$T/outbad"

# --- film grain -------------------------------------------------------------

run_distenc -c "$CONF" --graintable "$T/none.tbl" -o "$T/outg" "$SRC"
is "$DE_RC" 1 "missing grain table: exits 1"
log_has "missing grain table: said so" \
    "film grain table $T/none.tbl: No such file or directory"
echo "not a table" >"$T/bad.tbl"
run_distenc -c "$CONF" --graintable "$T/bad.tbl" -o "$T/outg" "$SRC"
log_has "bad grain table: said so" "not a grain table"
run_distenc -c "$CONF" --noiselevel 8 --q 30 -o "$T/outn" "$SRC"
is "$DE_RC" 0 "noise level: exits 0"
is "$(frame_count "$T/outn/scenes.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "noise level: as many frames as the source"

# A valid table (libaom's text format): luma grain on every frame.
printf 'filmgrn1\nE 0 9000000000000000000 1 1234 1\n' >"$T/grain.tbl"
printf '\tp 0 6 0 8 0 1 128 192 256 128 192 256\n\tsY 2  0 40 255 40\n' \
    >>"$T/grain.tbl"
printf '\tsCb 0\n\tsCr 0\n\tcY\n\tcCb 0\n\tcCr 0\n' >>"$T/grain.tbl"
run_distenc -c "$CONF" --graintable "$T/grain.tbl" -o "$T/outt" "$SRC"
is "$DE_RC:$(frame_count "$T/outt/scenes.mkv")" "0:$MKCLIP_SCENE_FRAMES" \
    "grain table: exits 0, as many frames as the source"
# Frames without grain parameters: none when the table is used, all without.
grainless() {
	ffprobe -v error -export_side_data film_grain -select_streams v:0 \
	    -show_frames -show_entries frame=key_frame:frame_side_data=side_data_type \
	    -of csv -- "$1" 2>/dev/null | grep '^frame,' | grep -vc 'Film grain'
}
is "$(grainless "$T/outt/scenes.mkv")" 0 \
    "grain table: every frame of every chunk carries film grain parameters"
is "$(grainless "$OUT/scenes.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "no grain table: no frame carries film grain parameters"

# --- AviSynth scripts ------------------------------------------------------

printf 'FFVideoSource("%s")\n' "$SRC" >"$T/in/film.avs"
run_distenc -c "$CONF" --scd source -o "$T/outavs" "$T/in/film.avs"
is "$DE_RC" 0 "a chunked job of a script exits 0 (more in avs_chunked.sh)"
is "$(frame_count "$T/outavs/film.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "a chunked job of a script: as many frames as the source"

# --- 10-bit, and chunked x265 ---------------------------------------------

chunk_conf "$T/ten.conf" "bit_depth = 10;"
run_distenc -c "$T/ten.conf" -o "$T/out10" "$SRC"
is "$(probe_stream "$T/out10/scenes.mkv" v:0 pix_fmt)" yuv420p10le \
    "10-bit: AV1 in yuv420p10le"
is "$(frame_count "$T/out10/scenes.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "10-bit: as many frames as the source"

run_distenc -c "$CONF" -p hevct -o "$T/outh" "$SRC"
is "$DE_RC" 0 "chunked x265: exits 0"
is "$(probe_stream "$T/outh/scenes.mkv" v:0 codec_name)" hevc \
    "chunked x265: video is HEVC"
is "$(frame_count "$T/outh/scenes.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "chunked x265: as many frames as the source"
frame_pts "$T/outh/scenes.mkv" >"$T/h.pts"
ok "chunked x265: every frame at the source frame's timestamp" \
    cmp -s "$T/src.pts" "$T/h.pts"
