#!/bin/sh
#
# Benchmark (not part of make check): a generated "library" of 20 mixed
# clips (H.264 at high and at web-rip bitrates, HEVC, MPEG-4 part 2,
# MPEG-2, 720p and smaller, with .nfo, .srt and poster files beside them)
# encoded by distenc twice, side by side in one run:
#
#   every file  no rules, no cap on the bitrate, no size guard: each video
#               file is encoded at the bits-per-pixel rate
#   library     a rule skipping HEVC below 8 Mbit/s, the bitrate capped at
#               0.7 of the source's, the size guard skipping what would grow
#               (when_larger = "skip")
#
#	tests/bench/library.sh [-p PRESET] [-j JOBS] [-s SECONDS] [-k]
#
#   -p  x265 preset (default veryfast)   -j  distenc -j (default 2)
#   -s  seconds per clip (default 3)     -k  keep the temporary directory
#
# The report gives, for each run: files encoded and skipped, the bytes of
# the video files in and of the outputs, the library's bytes after (the
# outputs and the skipped sources, which stay) against before, and the CPU
# time (user + sys, GNU time) and wall time; then the quality of the
# files both runs encoded, against their sources (mean PSNR and SSIM from
# libavfilter's psnr and ssim filters, run by the ffmpeg program), so that
# what the cap on the bitrate costs is seen beside what it saves.  Only
# the ratios between the two runs mean anything.
#
# Environment: top_srcdir, top_builddir (default: two levels up), DISTENC.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

preset=veryfast
jobs=2
secs=3
while getopts p:j:s:k opt; do
	case $opt in
	p) preset=$OPTARG ;;
	j) jobs=$OPTARG ;;
	s) secs=$OPTARG ;;
	k) KEEP_TMP=1 ;;
	*) echo "usage: $0 [-p preset] [-j jobs] [-s seconds] [-k]" >&2
	   exit 2 ;;
	esac
done

L=$T/library
n=0
# add CODEC KBPS SIZE: one film of the library, in its own folder with an
# .nfo, subtitles and a poster.
add() {
	n=$((n + 1))
	d="$L/Film $n"
	lib_clip "$1" "$2" "$d/film$n.mkv" "$3" "$secs" || exit 1
	printf '<movie><title>Film %d</title></movie>\n' "$n" >"$d/film$n.nfo"
	printf '1\n00:00:00,000 --> 00:00:01,000\nHello\n' >"$d/film$n.srt"
	cp "$T/poster.jpg" "$d/poster.jpg"
}
ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=size=320x180 \
    -frames:v 1 "$T/poster.jpg"
echo "making the library (20 clips of $secs s)..." >&2
for i in 1 2 3 4 5; do add libx264 2500 640x360; done	# good H.264
add libx264 6000 1280x720
add libx264 4000 1280x720
for i in 1 2 3 4; do add libx264 80 640x360; done	# web rips
for i in 1 2 3 4; do add libx265 300 640x360; done	# already HEVC
add libx265 9000 1280x720				# HEVC, high rate
add mpeg4 2000 640x360
add mpeg4 1500 640x360
add mpeg2video 3000 640x360
add libx264 800 320x180

CONF_ALL=$T/all.conf
CONF_LIB=$T/lib.conf
cat >"$CONF_ALL" <<EOF
stats_dir = "$T/stats";
profiles = { hevc = { preset = "$preset"; max_source_share = 0;
	max_output_share = 0; }; };
EOF
cat >"$CONF_LIB" <<EOF
stats_dir = "$T/stats";
profiles = { hevc = { preset = "$preset"; when_larger = "skip"; }; };
rules = ( { name = "hevc-small"; codec = [ "hevc" ];
	    max_video_bitrate = 8000; skip = "already HEVC below 8 Mbit/s"; } );
EOF

bytes() {
	find "$@" -type f -name '*.mkv' -printf '%s\n' 2>/dev/null |
	    awk '{ s += $1 } END { printf "%d\n", s }'
}
IN=$(bytes "$L")

# run NAME CONF: encode the library, report one line.
run() {
	time_cmd "$T/$1.time" "$DISTENC" -c "$2" -j "$jobs" -o "$T/out-$1" \
	    "$L" >"$T/$1.out" 2>"$T/$1.err"
	rc=$?
	read -r wall user sys <"$T/$1.time"
	enc=$(grep -c '^done: ' "$T/$1.out")
	skp=$(grep -c '^skipped: ' "$T/$1.out")
	fld=$(grep -c '^failed: ' "$T/$1.out")
	out=$(bytes "$T/out-$1")
	kept=0
	for f in $(grep '^skipped: ' "$T/$1.out" | sed 's/^skipped: \(.*\.mkv\): .*/\1/' |
	    tr ' ' '\001'); do
		f=$(printf '%s' "$f" | tr '\001' ' ')
		kept=$((kept + $(stat -c %s "$f")))
	done
	printf '%-10s %4s %4s %4s %11s %11s %6s %11s %6s %8s %7s\n' "$1" \
	    "$enc" "$skp" "$fld" "$IN" "$out" \
	    "$(awk -v a="$out" -v b="$IN" 'BEGIN { printf "%.3f", a / b }')" \
	    "$((out + kept))" \
	    "$(awk -v a="$((out + kept))" -v b="$IN" 'BEGIN { printf "%.3f", a / b }')" \
	    "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')" \
	    "$wall"
	[ "$rc" -le 1 ] || diag "$1: distenc exit status $rc"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(getconf _NPROCESSORS_ONLN) CPUs" >&2
printf '%-10s %4s %4s %4s %11s %11s %6s %11s %6s %8s %7s\n' run enc skip fail \
    "bytes in" "bytes out" out/in "lib after" ratio "CPU s" "wall s"
run "every" "$CONF_ALL"
run "library" "$CONF_LIB"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# quality FILTER KEY OUT SRC: the filter's figure after KEY ("average:"
# of psnr, "All:" of ssim) of OUT against SRC (OUT scaled to SRC's size
# first, should it have been cropped).
quality() {
	ffmpeg -nostdin -hide_banner -i "$3" -i "$4" -lavfi \
	    "[0:v][1:v]scale2ref=flags=bicubic[o][r];[o][r]$1" -f null - 2>&1 |
	    sed -n "s/.* $2\([0-9.inf]*\).*/\1/p" | tail -n 1
}
: >"$T/quality"
(cd "$T/out-library" && find . -type f -name '*.mkv' | sort) |
while IFS= read -r rel; do
	[ -f "$T/out-every/$rel" ] || continue
	for r in every library; do
		printf '%s %s %s\n' "$r" \
		    "$(quality psnr average: "$T/out-$r/$rel" "$L/$rel")" \
		    "$(quality ssim All: "$T/out-$r/$rel" "$L/$rel")" \
		    >>"$T/quality"
	done
done
printf '%-10s %5s %9s %7s\n' run files "PSNR dB" SSIM
for r in every library; do
	awk -v r="$r" '$1 == r && $2 != "inf" { n++; p += $2; s += $3 }
	    END { printf "%-10s %5d %9.2f %7.4f\n", r, n, n ? p / n : 0,
	    n ? s / n : 0 }' "$T/quality"
done
grep -h '^skipped: ' "$T/library.out" | sed 's/^/  /' >&2
