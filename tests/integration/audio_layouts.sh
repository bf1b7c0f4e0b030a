#!/bin/sh
#
# Every common channel layout, from the codecs DVD, Blu-ray and web
# sources carry, comes out as Opus: layouts Opus takes as they are, side
# channels renamed back (5.1(side) -> 5.1, the usual AC-3 layout, which
# libopus refuses), layouts with no Opus order carried in the smallest
# one that holds every channel, and 7.1(wide) mixed to 7.1 with a warning.
# Never a failed job.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

# source layout, codec, container, layout wanted in the output
CASES="mono ac3 mkv mono
stereo eac3 mkv stereo
2.1 pcm_s16le mov 5.1
3.0 flac mkv 3.0
quad dca mkv quad
4.0 aac mkv 6.1
5.0 eac3 mkv 5.0
5.0(side) ac3 mkv 5.0
5.1 aac mkv 5.1
5.1(side) ac3 mkv 5.1
5.1(side) eac3 mkv 5.1
5.1(side) dca mkv 5.1
5.1(side) flac mkv 5.1
5.1(side) pcm_s16le mov 5.1
6.1 pcm_s16le mov 6.1
6.1(back) pcm_s16le mov 6.1
7.1 flac mkv 7.1
7.1 aac mkv 7.1
7.1(wide) pcm_s24le mov 7.1
6c pcm_s16le mkv 5.1"

plan 24
need_tools
need_distenc

# make_clip FILE LAYOUT CODEC [PAN]: one second of picture and a tone in
# LAYOUT (every channel, or the channels PAN says).
make_clip() {
	_pan="pan=$2|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0"
	case $2 in
	mono)	_pan="pan=mono|c0=c0" ;;
	stereo)	_pan="pan=stereo|c0=c0|c1=c0" ;;
	2.1|3.0) _pan="pan=$2|c0=c0|c1=c0|c2=c0" ;;
	quad|4.0) _pan="pan=$2|c0=c0|c1=c0|c2=c0|c3=c0" ;;
	5.0*)	_pan="pan=$2|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0" ;;
	6.1*)	_pan="pan=$2|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0|c6=c0" ;;
	7.1*)	_pan="pan=$2|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0|c6=c0|c7=c0" ;;
	esac
	[ -n "${4:-}" ] && _pan=$4
	ffmpeg -nostdin -v error -y \
	    -f lavfi -i testsrc2=s=160x90:r=25:d=1 \
	    -f lavfi -i "sine=f=300:d=1:sample_rate=48000,volume=-12dB" \
	    -filter_complex "[1:a]$_pan[a]" -map 0:v -map "[a]" \
	    -c:v libx264 -preset ultrafast -c:a "$3" -strict -2 "$1"
}

audio_layout() {
	ffprobe -v error -select_streams a:0 \
	    -show_entries stream=channels,channel_layout -of csv=p=0 "$1" \
	    </dev/null
}

mkdir -p "$T/in"
while read -r lay codec ext want; do
	name=$(echo "$lay" | tr -d '()')_$codec
	src=$T/in/$name.$ext
	make_clip "$src" "$lay" "$codec" || diag "cannot make $name"
	diag "$name: source audio $(audio_layout "$src")"
	run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$src"
	got=$(audio_layout "$T/out/$name.mkv" 2>/dev/null | cut -d, -f2)
	codec_out=$(probe_stream "$T/out/$name.mkv" a:0 codec_name 2>/dev/null)
	is "$DE_RC/$codec_out/$got" "0/opus/$want" \
	    "$lay from $codec ($ext): encoded, Opus $want"
	cp "$DE_ERR" "$T/log.$name"
done <<EOF
$CASES
EOF

grep_ok "$T/log.7.1wide_pcm_s24le" \
    'audio layout 7\.1\(wide\) \(8 channels\) has no libopus mapping: mixed to 7\.1' \
    "7.1(wide): the mix is said in the log"
grep_ok "$T/log.5.1side_ac3" \
    'audio layout 5\.1\(side\) carried as 5\.1 for libopus' \
    "5.1(side): the renaming is said in the log"

# The 5.1(side) track keeps its loudness target like any other.
near "$(loudness "$T/out/5.1side_ac3.mkv" 0)" "$TARGET_LUFS" "$LUFS_TOL" \
    "5.1(side) AC-3 normalised to $TARGET_LUFS LUFS"

# Side channels are renamed, not mixed: a tone on the left side channel
# alone comes out on the left back channel alone (5.1 is FL FR FC LFE BL
# BR), as loud as the other channels are silent.
make_clip "$T/in/sideonly.mkv" "5.1(side)" ac3 "pan=5.1(side)|SL=c0"
run_distenc -c "$TESTCONF" -o "$T/out" -s "$T/stats" "$T/in/sideonly.mkv"
levels=$(ffmpeg -nostdin -i "$T/out/sideonly.mkv" -af \
    astats=measure_overall=none:measure_perchannel=RMS_level -f null - 2>&1 |
    sed -n 's/.*RMS level dB: //p' |
    awk '{ printf "%s", ($1 == "-inf" || $1 < -90) ? "0" : "1" }')
is "$levels" 000010 "the side-left tone is on back left alone"
