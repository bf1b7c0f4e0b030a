#!/bin/sh
#
# Test clips for distenc, made with the ffmpeg program from lavfi sources.
#
# Sourced (by tests/lib.sh) it defines mkclip and the mkclip_KIND
# functions; run as a program it makes one clip:
#
#	sh tests/mkclip.sh KIND OUT [SECONDS]
#
# KIND is one of:
#   letterbox  320x136 picture in 320x180 (black bars 22 top and bottom),
#              stereo audio at about -40 LUFS
#   pillarbox  240x180 picture in 320x180 (black bars 40 left and right),
#              stereo audio at about -40 LUFS
#   hdr10      10-bit HEVC, BT.2020 / PQ / bt2020nc / tv range, mastering
#              display and MaxCLL 1000 / MaxFALL 400 in the bitstream (SEI),
#              colour tags also on the container; stereo audio
#   streams    video, 5.1 audio (eng, "Surround", about -30 LUFS), stereo
#              audio (fre, "Stereo", about -15 LUFS), a subrip subtitle
#              (eng), 2 chapters (0 s and 1.5 s), a text/plain attachment
#              and a global title tag
#   odd        321x181 (FFV1, which accepts odd sizes), stereo audio
#   gray10     10-bit 4:2:2 (yuv422p10le, FFV1), stereo audio
#   zero       an empty file
#   truncated  a letterbox clip cut to its first 30 %
#   notmedia   a text file
#   audioonly  stereo audio only (FLAC)
#   long       1280x720 with a 1280x544 picture (bars 88 top and bottom),
#              stereo audio; SECONDS long (default 20)
#   scenes     320x180, 100 frames (4 s) of four lavfi sources joined, so
#              that scenes start at the frames in MKCLIP_SCENE_CUTS; H.264
#              with keyframes at frames 0 and 50 only (no scene-cut
#              keyframes: chunks must start between keyframes), B-frames,
#              stereo audio at about -40 LUFS; SECONDS is ignored
#   greybars   an analogue capture's letterbox: 320x136 picture in 320x180,
#              bars at luma about 30 (not black), noise over the frame, two
#              bright rows at its top edge and one at its bottom; no audio
#   night      320x180 night scene, no bars: a dark sky (luma 26 to 34 with
#              noise and a star) over a dim street with lights; no audio
#   greybars720, night720
#              the same at 1280x720 (bars 88), SECONDS long (default 20)
#
# SECONDS defaults to $CLIP_SECONDS, else 3 (20 for long).  All clips are
# 25 fps and, except hdr10, odd and gray10, H.264 (libx264 when present,
# else MPEG-4 part 2, else FFV1) with a keyframe every 2 s and FLAC audio,
# in Matroska.
#
# The values the tests compare against are set here, in one place:

MKCLIP_RATE=25
# Keyframe interval of the H.264 / MPEG-4 clips: 2 s, as in most real files
# (it bounds what seeking to a sample costs: see tests/bench/cropscale.sh).
MKCLIP_GOP=50
MKCLIP_AUDIO_RATE=48000
# Sine amplitudes: about -40 LUFS (stereo), -30 LUFS (5.1), -15 LUFS (stereo).
MKCLIP_AMP_QUIET=0.0108
MKCLIP_AMP_SURROUND=0.02
MKCLIP_AMP_LOUD=0.19
# HDR10 static metadata given to x265 (SMPTE ST 2086 in 0.00002 and
# 0.0001 cd/m2 units: P3-D65 primaries, 1000 / 0.005 cd/m2) and CTA-861.3.
MKCLIP_MASTER_DISPLAY='G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50)'
MKCLIP_MAX_CLL='1000,400'
# Where the scenes clip's scenes start (frames), and its length.
MKCLIP_SCENE_CUTS='23 52 83'
MKCLIP_SCENE_FRAMES=100

_mkclip_ff() {
	ffmpeg -nostdin -hide_banner -loglevel error -y "$@"
}

# The lossy video encoder for ordinary clips, chosen once.
_mkclip_vcodec=
mkclip_vcodec_args() {
	if [ -z "$_mkclip_vcodec" ]; then
		_encs=$(ffmpeg -hide_banner -encoders 2>/dev/null)
		if printf '%s\n' "$_encs" | grep -q ' libx264 '; then
			_mkclip_vcodec=libx264
		elif printf '%s\n' "$_encs" | grep -q ' mpeg4 '; then
			_mkclip_vcodec=mpeg4
		else
			_mkclip_vcodec=ffv1
		fi
	fi
	case $_mkclip_vcodec in
	libx264) echo "-c:v libx264 -preset veryfast -crf 16 -g $MKCLIP_GOP -pix_fmt yuv420p" ;;
	mpeg4)	 echo "-c:v mpeg4 -q:v 2 -g $MKCLIP_GOP -pix_fmt yuv420p" ;;
	*)	 echo "-c:v ffv1 -g 1 -pix_fmt yuv420p" ;;
	esac
}

# aevalsrc graph of N sines with amplitude A: _mkclip_sines A D LAYOUT F...
_mkclip_sines() {
	_a=$1 _d=$2 _l=$3
	shift 3
	_e=
	for _f; do
		_e="$_e${_e:+|}$_a*sin(2*PI*$_f*t)"
	done
	echo "aevalsrc=exprs=$_e:c=$_l:s=$MKCLIP_AUDIO_RATE:d=$_d"
}

# A clip of a picture W x H padded to PW x PH at X,Y, with quiet stereo.
_mkclip_boxed() {
	_out=$1 _d=$2 _w=$3 _h=$4 _pw=$5 _ph=$6 _x=$7 _y=$8
	# shellcheck disable=SC2046
	_mkclip_ff \
	    -f lavfi -i "testsrc2=s=${_w}x$_h:r=$MKCLIP_RATE:d=$_d" \
	    -f lavfi -i "$(_mkclip_sines $MKCLIP_AMP_QUIET "$_d" stereo 440 660)" \
	    -filter_complex "[0:v]pad=$_pw:$_ph:$_x:$_y:black,format=yuv420p[v]" \
	    -map '[v]' -map 1:a $(mkclip_vcodec_args) -c:a flac \
	    -metadata:s:a:0 language=eng "$_out"
}

# A letterbox of grey, noisy bars with bright edge rows: OUT D W H BAR.
_mkclip_greybars() {
	# shellcheck disable=SC2046
	_mkclip_ff -f lavfi -i "testsrc2=s=${3}x$(($4 - 2 * $5)):r=$MKCLIP_RATE:d=$2" \
	    -vf "pad=$3:$4:0:$5:color=0x101010,format=yuv420p,noise=alls=12:allf=t,drawbox=x=0:y=0:w=iw:h=2:color=0xC8C8C8:t=fill,drawbox=x=0:y=ih-1:w=iw:h=1:color=0xB0B0B0:t=fill" \
	    $(mkclip_vcodec_args) "$1"
}

# A night scene with no bars: OUT D W H.
_mkclip_night() {
	# shellcheck disable=SC2046
	_mkclip_ff -f lavfi -i "color=c=black:s=${3}x$4:r=$MKCLIP_RATE:d=$2" \
	    -vf "format=yuv420p,geq=lum='if(lt(Y,H*5/9),26+8*Y/(H*5/9),40+40*gt(mod(X+3*T*25,W/8),W/8*3/4)*gt(Y,H*7/9))':cb=128:cr=128,noise=alls=8:allf=t,drawbox=x=iw*3/16:y=ih*11/18:w=iw/50:h=ih/30:color=0xF0F0C0:t=fill,drawbox=x=iw*5/8:y=ih*2/3:w=iw/40:h=ih/36:color=0xF0E0A0:t=fill,drawbox=x=iw*25/32:y=ih*2/9:w=2:h=2:color=white:t=fill" \
	    $(mkclip_vcodec_args) "$1"
}

mkclip_greybars() {
	_mkclip_greybars "$1" "${2:-${CLIP_SECONDS:-3}}" 320 180 22
}

mkclip_night() {
	_mkclip_night "$1" "${2:-${CLIP_SECONDS:-3}}" 320 180
}

mkclip_greybars720() {
	_mkclip_greybars "$1" "${2:-20}" 1280 720 88
}

mkclip_night720() {
	_mkclip_night "$1" "${2:-20}" 1280 720
}

mkclip_letterbox() {
	_mkclip_boxed "$1" "${2:-${CLIP_SECONDS:-3}}" 320 136 320 180 0 22
}

mkclip_pillarbox() {
	_mkclip_boxed "$1" "${2:-${CLIP_SECONDS:-3}}" 240 180 320 180 40 0
}

mkclip_long() {
	_mkclip_boxed "$1" "${2:-20}" 1280 544 1280 720 0 88
}

mkclip_scenes() {
	_mkclip_ff \
	    -f lavfi -i "testsrc=s=320x180:r=$MKCLIP_RATE" \
	    -f lavfi -i "smptebars=s=320x180:r=$MKCLIP_RATE" \
	    -f lavfi -i "rgbtestsrc=s=320x180:r=$MKCLIP_RATE" \
	    -f lavfi -i "testsrc2=s=320x180:r=$MKCLIP_RATE" \
	    -f lavfi -i "$(_mkclip_sines $MKCLIP_AMP_QUIET 4 stereo 440 660)" \
	    -filter_complex "[0]trim=end_frame=23,setpts=PTS-STARTPTS,format=yuv420p[a];[1]trim=end_frame=29,setpts=PTS-STARTPTS,format=yuv420p[b];[2]trim=end_frame=31,setpts=PTS-STARTPTS,format=yuv420p[c];[3]trim=end_frame=17,setpts=PTS-STARTPTS,format=yuv420p[d];[a][b][c][d]concat=n=4:v=1[v]" \
	    -map "[v]" -map 4:a -frames:v $MKCLIP_SCENE_FRAMES \
	    -c:v libx264 -preset veryfast -g 50 -bf 3 \
	    -x264-params scenecut=0:log-level=error -c:a flac "$1"
}

mkclip_hdr10() {
	_d=${2:-${CLIP_SECONDS:-3}}
	_mkclip_ff \
	    -f lavfi -i "testsrc2=s=320x180:r=$MKCLIP_RATE:d=$_d" \
	    -f lavfi -i "$(_mkclip_sines $MKCLIP_AMP_QUIET "$_d" stereo 440 660)" \
	    -map 0:v -map 1:a -vf format=yuv420p10le \
	    -c:v libx265 -preset ultrafast -crf 18 \
	    -x265-params "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:range=limited:master-display=$MKCLIP_MASTER_DISPLAY:max-cll=$MKCLIP_MAX_CLL:hdr10=1:hdr10-opt=1:repeat-headers=1" \
	    -color_primaries bt2020 -color_trc smpte2084 \
	    -colorspace bt2020nc -color_range tv \
	    -c:a flac "$1"
}

mkclip_streams() {
	_out=$1 _d=${2:-${CLIP_SECONDS:-3}}
	_tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkclip.XXXXXX") || return 1
	cat >"$_tmp/subs.srt" <<'EOF'
1
00:00:00,500 --> 00:00:01,200
First subtitle

2
00:00:01,700 --> 00:00:02,500
Second subtitle
EOF
	_ms=$(awk -v d="$_d" 'BEGIN { printf "%d", d * 1000 }')
	cat >"$_tmp/meta.txt" <<EOF
;FFMETADATA1
title=distenc streams test

[CHAPTER]
TIMEBASE=1/1000
START=0
END=1500
title=Opening

[CHAPTER]
TIMEBASE=1/1000
START=1500
END=$_ms
title=Closing
EOF
	printf 'distenc test attachment\n' >"$_tmp/notes.txt"
	# shellcheck disable=SC2046
	_mkclip_ff \
	    -f lavfi -i "testsrc2=s=320x180:r=$MKCLIP_RATE:d=$_d" \
	    -f lavfi -i "$(_mkclip_sines $MKCLIP_AMP_SURROUND "$_d" 5.1 \
		330 440 550 60 660 770)" \
	    -f lavfi -i "$(_mkclip_sines $MKCLIP_AMP_LOUD "$_d" stereo 440 660)" \
	    -i "$_tmp/subs.srt" \
	    -f ffmetadata -i "$_tmp/meta.txt" \
	    -attach "$_tmp/notes.txt" \
	    -map 0:v -map 1:a -map 2:a -map 3:s \
	    -map_metadata 4 -map_chapters 4 \
	    $(mkclip_vcodec_args) -vf format=yuv420p \
	    -c:a flac -c:s srt \
	    -metadata:s:a:0 language=eng -metadata:s:a:0 title=Surround \
	    -metadata:s:a:1 language=fre -metadata:s:a:1 title=Stereo \
	    -metadata:s:s:0 language=eng \
	    -metadata:s:t:0 mimetype=text/plain \
	    -metadata title="distenc streams test" \
	    "$_out"
	_rc=$?
	rm -rf "$_tmp"
	return $_rc
}

mkclip_odd() {
	_d=${2:-${CLIP_SECONDS:-3}}
	_mkclip_ff \
	    -f lavfi -i "testsrc2=s=320x180:r=$MKCLIP_RATE:d=$_d" \
	    -f lavfi -i "$(_mkclip_sines $MKCLIP_AMP_QUIET "$_d" stereo 440 660)" \
	    -map 0:v -map 1:a -vf scale=321:181,format=yuv420p \
	    -c:v ffv1 -c:a flac "$1"
}

mkclip_gray10() {
	_d=${2:-${CLIP_SECONDS:-3}}
	_mkclip_ff \
	    -f lavfi -i "testsrc2=s=320x180:r=$MKCLIP_RATE:d=$_d" \
	    -f lavfi -i "$(_mkclip_sines $MKCLIP_AMP_QUIET "$_d" stereo 440 660)" \
	    -map 0:v -map 1:a -vf format=yuv422p10le \
	    -c:v ffv1 -level 3 -c:a flac "$1"
}

mkclip_zero() {
	: >"$1"
}

mkclip_truncated() {
	mkclip_letterbox "$1.full.mkv" "$2" || return 1
	_size=$(wc -c <"$1.full.mkv")
	head -c $((_size * 30 / 100)) "$1.full.mkv" >"$1"
	_rc=$?
	rm -f "$1.full.mkv"
	return $_rc
}

mkclip_notmedia() {
	_i=0
	: >"$1" || return 1
	while [ $_i -lt 64 ]; do
		echo "This is a text file, not a media file: line $_i." >>"$1"
		_i=$((_i + 1))
	done
}

mkclip_audioonly() {
	_d=${2:-${CLIP_SECONDS:-3}}
	_mkclip_ff \
	    -f lavfi -i "$(_mkclip_sines $MKCLIP_AMP_QUIET "$_d" stereo 440 660)" \
	    -c:a flac "$1"
}

# mkclip KIND OUT [SECONDS]
mkclip() {
	if [ $# -lt 2 ]; then
		echo "usage: mkclip KIND OUT [SECONDS]" >&2
		return 2
	fi
	case $1 in
	letterbox|pillarbox|hdr10|streams|odd|gray10|zero|truncated|\
	notmedia|audioonly|long|scenes|greybars|night|greybars720|night720)
		_kind=$1
		shift
		"mkclip_$_kind" "$@"
		;;
	*)
		echo "mkclip: unknown kind: $1" >&2
		return 2
		;;
	esac
}

# Run as a program (not sourced): sh tests/mkclip.sh KIND OUT [SECONDS].
case ${0##*/} in
mkclip.sh)
	mkclip "$@"
	exit $?
	;;
esac
