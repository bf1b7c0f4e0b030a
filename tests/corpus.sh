# shellcheck shell=sh
#
# The awkward-input corpus: what a real library brings (not media,
# truncated and corrupt files, odd structures, hostile names, bad
# scripts, many streams, interlacing), each made by the ffmpeg program at
# test time as a tiny clip.  Sourced by tests/integration/corpus.sh.
#
#   CORPUS              the table: NAME|EXPECT|PATTERN, one case a line;
#                       EXPECT: ok (encoded, exit 0), warn (encoded, and
#                       PATTERN, an ERE, in the output), fail (refused,
#                       exit 1, and PATTERN in the reason)
#   corpus_check_NAME OUT   when defined, what the case's output must
#                       also be (exit 0 when it is)
#
# Every case is a function corpus_NAME DIR that makes, in the empty
# directory DIR, the case's file (the one whose name does not start with
# a dot) and whatever it needs beside it (hidden names).

_cff() {
	ffmpeg -nostdin -v error -y "$@"
}

# A plain source: 160x90, 25 fps, 2 s, H.264 and AAC stereo, with extra
# ffmpeg output options before the output file.
_csrc() {
	_cs_out=$1
	shift
	_cff -f lavfi -i "testsrc2=s=160x90:r=25:d=${CS_SECONDS:-2}" \
	    -f lavfi -i "sine=f=440:d=${CS_SECONDS:-2}:sample_rate=48000" \
	    -map 0:v -map 1:a -c:v libx264 -preset ultrafast -g 25 \
	    -pix_fmt yuv420p -c:a aac "$@" "$_cs_out"
}

# A source with a subtitle stream from SRT text: OUT CODEC [OPTION...].
_csub() {
	_cb_out=$1 _cb_codec=$2
	shift 2
	printf '1\n00:00:00,000 --> 00:00:01,000\nHello\n\n2\n00:00:01,000 --> 00:00:02,000\nWorld\n' \
	    >"$(dirname "$_cb_out")/.s.srt"
	_cff -f lavfi -i "testsrc2=s=160x90:r=25:d=2" \
	    -f lavfi -i "sine=f=440:d=2:sample_rate=48000" \
	    -i "$(dirname "$_cb_out")/.s.srt" \
	    -map 0:v -map 1:a -map 2 -c:v libx264 -preset ultrafast \
	    -c:a aac -c:s "$_cb_codec" -metadata:s:s:0 language=eng "$@" \
	    "$_cb_out"
}

# Cut FILE to PERCENT of its bytes, into OUT.
_ccut() {
	_cc_size=$(wc -c <"$1")
	head -c $((_cc_size * $2 / 100)) "$1" >"$3"
}

# Overwrite COUNT bytes at PERCENT of FILE with a fixed pattern.
_cdamage() {
	_cd_size=$(wc -c <"$1")
	_cd_off=$((_cd_size * $2 / 100))
	head -c "$3" /dev/zero | tr '\0' '\125' |
	    dd of="$1" bs=1 seek="$_cd_off" conv=notrunc 2>/dev/null
}

# --- not media ------------------------------------------------------------

corpus_text() { echo "just some text, not a film" >"$1/text.mkv"; }
corpus_empty() { : >"$1/empty.mkv"; }
corpus_random() {
	# Bytes of a fixed seed, not /dev/urandom: some random bytes probe
	# as MP3 or MPEG-TS (then "no video stream"), by luck.
	LC_ALL=C awk 'BEGIN { srand(7); for (i = 0; i < 65536; i++)
	    printf "%c", int(rand() * 256) }' >"$1/random.mp4"
}
corpus_html() {
	printf '<!DOCTYPE html>\n<html><body>404</body></html>\n' \
	    >"$1/html.mp4"
}
corpus_png() {
	_cff -f lavfi -i testsrc2=s=160x90:d=1 -frames:v 1 "$1/poster.png"
}
corpus_jpeg_named_mkv() {
	_cff -f lavfi -i testsrc2=s=160x90:d=1 -frames:v 1 -f image2 \
	    -c:v mjpeg "$1/fanart.mkv"
}

# --- truncated ------------------------------------------------------------

corpus_cut10_mkv() { _csrc "$1/.w.mkv"; _ccut "$1/.w.mkv" 10 "$1/cut10.mkv"; }
corpus_cut50_mkv() { _csrc "$1/.w.mkv"; _ccut "$1/.w.mkv" 50 "$1/cut50.mkv"; }
corpus_cut90_mkv() { _csrc "$1/.w.mkv"; _ccut "$1/.w.mkv" 90 "$1/cut90.mkv"; }
corpus_cut50_mp4() {
	_csrc "$1/.w.mp4"
	_ccut "$1/.w.mp4" 50 "$1/cut50.mp4"
}
corpus_cut50_faststart() {
	_csrc "$1/.w.mp4" -movflags +faststart
	_ccut "$1/.w.mp4" 50 "$1/cut50fast.mp4"
}
corpus_nomoov() {
	_csrc "$1/.w.mp4"
	# The index at the end, cut off: all the media, no moov atom.
	_ccut "$1/.w.mp4" 97 "$1/nomoov.mp4"
}

corpus_cut50_ts() {
	_csrc "$1/.w.ts" -f mpegts
	_ccut "$1/.w.ts" 50 "$1/cut50.ts"
}
corpus_cut50_avi() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=2:sample_rate=48000 \
	    -c:v mpeg4 -c:a libmp3lame "$1/.w.avi"
	_ccut "$1/.w.avi" 50 "$1/cut50.avi"
}
corpus_cut50_webm() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v libvpx-vp9 \
	    -deadline realtime "$1/.w.webm"
	_ccut "$1/.w.webm" 50 "$1/cut50.webm"
}
corpus_cut90_faststart() {
	_csrc "$1/.w.mp4" -movflags +faststart
	_ccut "$1/.w.mp4" 90 "$1/cut90fast.mp4"
}

# --- corrupt --------------------------------------------------------------

corpus_damaged_mkv() {
	_csrc "$1/damaged.mkv"
	_cdamage "$1/damaged.mkv" 40 2000
}
corpus_damaged_header() {
	_csrc "$1/badheader.mkv"
	_cdamage "$1/badheader.mkv" 0 64
}
corpus_damaged_mp4() {
	_csrc "$1/damaged.mp4" -movflags +faststart
	_cdamage "$1/damaged.mp4" 50 3000
}
corpus_ffv1_crc() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v ffv1 -level 3 \
	    -slicecrc 1 -slices 4 "$1/ffv1crc.mkv"
	_cdamage "$1/ffv1crc.mkv" 60 16
}

# --- odd structures -------------------------------------------------------

corpus_audio_longer() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=12:sample_rate=48000 \
	    -c:v libx264 -preset ultrafast -c:a aac "$1/audiolonger.mkv"
}
corpus_start_10h() {
	_csrc "$1/start10h.ts" -output_ts_offset 36000 -f mpegts
}
corpus_audio_longer_loud() {
	# Quiet while the video lasts, loud for the 10 s after it.
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=12:sample_rate=48000 \
	    -af "volume='if(lt(t,2),0.05,1)':eval=frame" \
	    -c:v libx264 -preset ultrafast -c:a flac "$1/longerloud.mkv"
}
corpus_audio_shorter() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=1:sample_rate=48000 \
	    -c:v libx264 -preset ultrafast -c:a aac "$1/audioshorter.mkv"
}
corpus_start_1h_mkv() {
	_csrc "$1/start1h.mkv" -output_ts_offset 3600
}
corpus_no_frames() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=2:sample_rate=48000 \
	    -map 0:v -map 1:a -c:v libx264 -c:a aac -frames:v 0 \
	    "$1/noframes.mkv"
}
corpus_no_headers() {
	# H.264 in MPEG-TS without its parameter sets: no frame decodes.
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v libx264 \
	    -preset ultrafast -bsf:v "filter_units=remove_types=7|8" \
	    -f mpegts "$1/noheaders.ts"
}
corpus_tiny() {
	_cff -f lavfi -i testsrc2=s=32x18:r=25:d=2 -c:v libx264 \
	    -preset ultrafast "$1/tiny32x18.mkv"
}
corpus_odd_size() {
	_cff -f lavfi -i testsrc2=s=161x91:r=25:d=2 -c:v ffv1 "$1/odd161.mkv"
}
corpus_cover_mp4() {
	_csrc "$1/.w.mp4"
	_cff -f lavfi -i testsrc2=s=160x90:d=1 -frames:v 1 "$1/.cover.png"
	_cff -i "$1/.w.mp4" -i "$1/.cover.png" -map 0 -map 1 -c copy \
	    -disposition:v:1 attached_pic "$1/cover.mp4"
}
corpus_cover_attachment() {
	_cff -f lavfi -i testsrc2=s=160x90:d=1 -frames:v 1 -c:v mjpeg \
	    "$1/.cover.jpg"
	_csrc "$1/coverattach.mkv" -attach "$1/.cover.jpg" \
	    -metadata:s:t mimetype=image/jpeg -metadata:s:t filename=cover.jpg
}
corpus_rotated() {
	_csrc "$1/.w.mp4"
	_cff -i "$1/.w.mp4" -map 0 -c copy -metadata:s:v:0 rotate=90 \
	    "$1/rotated.mp4"
}
corpus_rotated180() {
	_csrc "$1/.w.mp4"
	_cff -i "$1/.w.mp4" -map 0 -c copy -metadata:s:v:0 rotate=180 \
	    "$1/rotated180.mp4"
}
corpus_rotated270() {
	_csrc "$1/.w.mp4"
	_cff -i "$1/.w.mp4" -map 0 -c copy -metadata:s:v:0 rotate=270 \
	    "$1/rotated270.mp4"
}
corpus_two_videos() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i testsrc=s=80x60:r=25:d=2 \
	    -map 0 -map 1 -c:v libx264 -preset ultrafast "$1/twovideos.mkv"
}
corpus_no_audio() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v libx264 \
	    -preset ultrafast "$1/noaudio.mkv"
}
corpus_audio_only() {
	_cff -f lavfi -i sine=f=440:d=2 -c:a flac "$1/audioonly.mkv"
}
corpus_bmp() {
	_cff -f lavfi -i testsrc2=s=160x90:d=1 -frames:v 1 "$1/still.bmp"
}
corpus_still() {
	_cff -f lavfi -i testsrc2=s=160x90:d=1 -frames:v 1 -c:v libx264 \
	    "$1/still.mkv"
}
corpus_vfr() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=3 \
	    -vf "select='not(between(n,20,40))'" -fps_mode vfr \
	    -c:v libx264 -preset ultrafast "$1/vfr.mkv"
}
corpus_huge_declared() {
	# A 16000x16000 stream declared over a few tiny frames.
	_cff -f lavfi -i color=s=16000x16000:r=1:d=1 -frames:v 1 \
	    -c:v mjpeg -q:v 31 "$1/huge.mkv" ||
	    _cff -f lavfi -i color=s=8000x8000:r=1:d=1 -frames:v 1 \
	    -c:v mjpeg "$1/huge.mkv"
}
corpus_yuv444() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v libx264 \
	    -pix_fmt yuv444p -preset ultrafast "$1/yuv444.mkv"
}
corpus_rgb() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v ffv1 \
	    -pix_fmt bgr0 "$1/rgb.mkv"
}
corpus_gray() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v ffv1 \
	    -pix_fmt gray "$1/gray.mkv"
}
corpus_10bit422() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v ffv1 \
	    -pix_fmt yuv422p10le "$1/y422p10.mkv"
}
corpus_mpeg2_ps() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=2:sample_rate=48000 \
	    -c:v mpeg2video -c:a mp2 -f vob "$1/dvd.vob"
}
corpus_avi() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=2:sample_rate=48000 \
	    -c:v mpeg4 -c:a libmp3lame "$1/old.avi"
}
corpus_webm() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=2:sample_rate=48000 \
	    -c:v libvpx-vp9 -deadline realtime -c:a libopus "$1/clip.webm"
}
corpus_interlaced() {
	_cff -f lavfi -i testsrc2=s=320x180:r=50:d=2 \
	    -vf "tinterlace=interleave_top,setfield=tff" -c:v libx264 \
	    -preset ultrafast -flags +ildct+ilme -x264opts tff=1 \
	    "$1/interlaced.mkv"
}
corpus_interlaced_bff() {
	_cff -f lavfi -i testsrc2=s=320x180:r=50:d=2 \
	    -vf "tinterlace=interleave_bottom,setfield=bff" -c:v libx264 \
	    -preset ultrafast -flags +ildct+ilme -x264opts bff=1 \
	    "$1/interlacedbff.mkv"
}
corpus_telecined() {
	_cff -f lavfi -i testsrc2=s=320x180:r=24000/1001:d=3 \
	    -vf "telecine=pattern=23" -c:v libx264 -preset ultrafast \
	    -flags +ildct+ilme "$1/telecined.mkv"
}
corpus_hlg() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v libx265 \
	    -preset ultrafast -pix_fmt yuv420p10le \
	    -x265-params "colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc:log-level=error" \
	    -color_primaries bt2020 -color_trc arib-std-b67 \
	    -colorspace bt2020nc "$1/hlg.mkv"
}
corpus_hevc_source() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v libx265 \
	    -preset ultrafast -x265-params log-level=error "$1/already.mkv"
}

# --- audio and subtitles --------------------------------------------------

corpus_eight_audio() {
	set -- "$1" -f lavfi -i testsrc2=s=160x90:r=25:d=2
	for _k in 1 2 3 4 5 6 7 8; do
		set -- "$@" -f lavfi -i "sine=f=$((200 + _k * 50)):d=2"
	done
	_cm_out=$1
	shift
	_cff "$@" -map 0 -map 1 -map 2 -map 3 -map 4 -map 5 -map 6 -map 7 \
	    -map 8 -c:v libx264 -preset ultrafast -c:a aac \
	    "$_cm_out/eightaudio.mkv"
}
corpus_ac3_side() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=2:sample_rate=48000 \
	    -filter_complex "[1:a]pan=5.1(side)|c0=c0|c1=c0|c2=c0|c4=c0|c5=c0[a]" \
	    -map 0:v -map "[a]" -c:v libx264 -preset ultrafast -c:a ac3 \
	    "$1/ac3side.mkv"
}
corpus_languages() {
	_cff -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
	    -f lavfi -i sine=f=440:d=2 -f lavfi -i sine=f=660:d=2 \
	    -f lavfi -i sine=f=880:d=2 \
	    -map 0 -map 1 -map 2 -map 3 -c:v libx264 -preset ultrafast \
	    -c:a aac -metadata:s:a:0 language=eng -metadata:s:a:1 language=ger \
	    -metadata:s:a:2 language=eng -metadata:s:a:2 title=Commentary \
	    -disposition:a:2 comment "$1/languages.mkv"
}
corpus_mov_text() { _csub "$1/movtext.mp4" mov_text; }
corpus_srt() { _csub "$1/srt.mkv" srt; }
corpus_chapters() {
	printf ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2000\ntitle=Two\n' \
	    >"$1/.ch.txt"
	_csrc "$1/.w.mkv"
	_cff -i "$1/.w.mkv" -i "$1/.ch.txt" -map 0 -map_chapters 1 -c copy \
	    "$1/chapters.mkv"
}

# --- hostile names --------------------------------------------------------

corpus_name_spaces() { _csrc "$1/a film (2001) [x].mkv"; }
corpus_name_dash() { _csrc "$1/-rf.mkv"; }
corpus_name_unicode() { _csrc "$1/фильм 電影 é.mkv"; }
corpus_name_newline() { _csrc "$1/new
line.mkv"; }
corpus_name_shell() { _csrc "$1/\$(touch pwned);\`id\`'\".mkv"; }
corpus_name_long() {
	_csrc "$1/$(printf '%0200d' 0 | tr 0 x).mkv"
}
corpus_name_backslash() { _csrc "$1/back\\slash.mkv"; }

# --- scripts --------------------------------------------------------------

corpus_avs_bom() {
	_csrc "$1/.src.mkv"
	printf '\357\273\277FFVideoSource(".src.mkv")\n' >"$1/bom.avs"
}
corpus_avs_empty() { : >"$1/emptyscript.avs"; }
corpus_avs_comments() { printf '# nothing\n/* here */\n' >"$1/comments.avs"; }
corpus_avs_syntax() { printf 'BlankClip(\n' >"$1/syntax.avs"; }
corpus_avs_unknown() { printf 'NoSuchFilter(1)\n' >"$1/unknownfn.avs"; }
corpus_avs_missing() { printf 'FFVideoSource("nowhere.mkv")\n' >"$1/missing.avs"; }
corpus_avs_resize() {
	_csrc "$1/.src.mkv"
	printf 'FFVideoSource(".src.mkv").Spline36Resize(100000, 100000)\n' \
	    >"$1/hugeresize.avs"
}
corpus_avs_deep() {
	{
		printf 'x = 1'
		_k=0
		while [ $_k -lt 60000 ]; do printf '+1'; _k=$((_k + 1)); done
		printf '\nBlankClip(length=x)\n'
	} >"$1/deep.avs"
}
corpus_avs_chain() {
	{
		printf 'BlankClip(length=10)'
		_k=0
		while [ $_k -lt 50000 ]; do printf '.Trim(0,9)'; _k=$((_k + 1)); done
		printf '\n'
	} >"$1/chain.avs"
}
corpus_avs_selfimport() { printf 'Import("selfimport.avs")\n' >"$1/selfimport.avs"; }
corpus_avs_notclip() { printf '42\n' >"$1/notclip.avs"; }
corpus_avs_passwd() { printf 'FFVideoSource("/etc/passwd")\n' >"$1/passwd.avs"; }
# (a byte no script starts with first, whatever the random ones say)
corpus_avs_binary() {
	{ printf '\200'; head -c 4095 /dev/urandom; } >"$1/binary.avs"
}
corpus_concat_passwd() {
	printf 'ffconcat version 1.0\nfile /etc/passwd\n' >"$1/list.ffconcat"
}

# --- what some outputs must be --------------------------------------------

_cprobe() {
	ffprobe -v error -select_streams "$2" -show_entries "stream=$3" \
	    -of csv=p=0 "$1" </dev/null
}
_ccount() {
	_cprobe "$1" "$2" index | grep -c .
}
# A Matroska image attachment is read back by FFmpeg as an attached
# picture stream with the attachment's file name: one video, one cover.
_ccovers() {
	ffprobe -v error -show_entries \
	    stream=codec_type:stream_disposition=attached_pic:stream_tags=filename \
	    -of csv=p=0 "$1" </dev/null
}
corpus_check_cover_mp4() {
	[ "$(_ccovers "$1" | grep -c '^video,0$')" = 1 ] &&
	    [ "$(_ccovers "$1" | grep -c '^video,1,cover\.png$')" = 1 ]
}
corpus_check_two_videos() { [ "$(_ccount "$1" v)" = 1 ]; }
corpus_check_rotated() {
	[ "$(_cprobe "$1" v:0 width,height)" = "90,160" ]
}
corpus_check_rotated180() {
	[ "$(_cprobe "$1" v:0 width,height)" = "160,90" ]
}
corpus_check_rotated270() {
	[ "$(_cprobe "$1" v:0 width,height)" = "90,160" ]
}
corpus_check_audio_longer() {
	ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" \
	    </dev/null | awk '{ exit !($1 > 1.9 && $1 < 2.2) }'
}
corpus_check_languages() {
	[ "$(ffprobe -v error -select_streams a -show_entries \
	    stream_tags=language -of csv=p=0 "$1" </dev/null |
	    tr '\n' ' ')" = "eng ger eng " ]
}
corpus_check_chapters() {
	[ "$(ffprobe -v error -show_chapters -of csv=p=0 "$1" </dev/null |
	    grep -c .)" = 2 ]
}
corpus_check_srt() { [ "$(_cprobe "$1" s codec_name)" = subrip ]; }
corpus_check_mov_text() { [ "$(_cprobe "$1" s codec_name)" = subrip ]; }
corpus_check_eight_audio() { [ "$(_ccount "$1" a)" = 8 ]; }
corpus_check_ac3_side() { [ "$(_cprobe "$1" a channel_layout)" = 5.1 ]; }
corpus_check_audio_longer_loud() {
	# measured on what is kept: the target reached
	loudness "$1" 0 | awk '{ exit !($1 > -24.5 && $1 < -21.5) }'
}
corpus_check_audio_shorter() {
	ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" \
	    </dev/null | awk '{ exit !($1 > 1.9 && $1 < 2.2) }'
}
corpus_check_start_1h_mkv() {
	ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" \
	    </dev/null | awk '{ exit !($1 > 1.9 && $1 < 2.2) }'
}
corpus_check_start_10h() {
	ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" \
	    </dev/null | awk '{ exit !($1 > 1.9 && $1 < 2.2) }'
}

# name|expect|pattern: each case's file is the one (not hidden) file it
# makes in its own directory.
CORPUS='text|fail|not a media file
empty|fail|empty
random|fail|not a media file
html|fail|not a media file
png|warn|still picture
jpeg_named_mkv|warn|still picture
cut10_mkv|fail|truncated or damaged
cut50_mkv|fail|truncated or damaged
cut90_mkv|fail|truncated or damaged
cut50_mp4|fail|(truncated|index|moov)
cut50_faststart|fail|truncated or damaged
nomoov|fail|(index|moov)
cut90_faststart|fail|truncated or damaged
cut50_ts|fail|truncated or damaged
cut50_avi|fail|truncated or damaged
cut50_webm|fail|truncated or damaged
damaged_mkv|fail|(damaged|corrupt|error)
damaged_header|fail|(not a media file|damaged)
damaged_mp4|fail|truncated or damaged
ffv1_crc|warn|(checksum|CRC|damaged)
audio_longer|ok|
start_10h|ok|
start_1h_mkv|ok|
audio_shorter|ok|
audio_longer_loud|ok|
no_frames|fail|no (video )?frame
no_headers|fail|no (video )?frame
tiny|fail|too small for x265: it must be at least one coding tree unit
odd_size|ok|
cover_mp4|ok|
cover_attachment|ok|
rotated|ok|
rotated180|ok|
rotated270|ok|
two_videos|ok|
no_audio|ok|
audio_only|fail|no video
still|warn|still picture
bmp|warn|still picture
vfr|ok|
huge_declared|ok|
yuv444|ok|
rgb|ok|
gray|ok|
10bit422|ok|
mpeg2_ps|ok|
avi|ok|
webm|ok|
interlaced|warn|(deinterlac|interlaced: )
interlaced_bff|warn|deinterlaced \(bwdif\)
telecined|warn|(pulldown|fieldmatch|inverse telecine)
hlg|ok|
hevc_source|ok|
eight_audio|ok|
ac3_side|ok|
languages|ok|
mov_text|ok|
srt|ok|
chapters|ok|
name_spaces|ok|
name_dash|ok|
name_unicode|ok|
name_shell|ok|
name_long|ok|
name_backslash|ok|
avs_bom|ok|
avs_empty|fail|empty
avs_comments|fail|empty
avs_syntax|fail|FILE:[0-9]+:[0-9]+: expected
avs_unknown|fail|NoSuchFilter
avs_missing|fail|nowhere.mkv
avs_resize|fail|(too large|size)
avs_deep|fail|too long or nested too deeply
avs_chain|fail|too long or nested too deeply
avs_selfimport|fail|nested
avs_notclip|fail|not a clip
avs_passwd|fail|(not a media file|outside)
avs_binary|fail|FILE:[0-9]+:[0-9]+: unexpected byte
concat_passwd|fail|(not a media file|outside|unsafe)'
