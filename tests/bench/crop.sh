#!/bin/sh
#
# Benchmark (not part of make check): the crop detection's cost and what it
# finds, this build against another (an older one), side by side.
#
#	tests/bench/crop.sh [-r REPEATS] [-k] OLD_DISTENC [SECONDS]
#
#   OLD_DISTENC  the distenc binary to compare with (e.g. a build of an
#                earlier commit)
#   SECONDS      length of the clips (default 20)
#   -r           runs of "distenc --crop-only FILE" per binary and clip,
#                alternating (default 5)
#   -k           keep the temporary directory
#
# Clips of tests/mkclip.sh (1280x720, 25 fps, a keyframe every 2 s):
# "black", the letterboxed clip (long: 1280x544 picture, black bars);
# "grey", an analogue-style capture of the same shape (greybars720: bars
# at luma about 30, noise over the frame, bright rows at its top and
# bottom edges); "night", a dark sky over a dim street with lights, no
# bars (night720).  Prints per
# binary and clip the median wall and CPU (user + sys) time of the runs
# and the crop found, the ratios new/old, and the machine's load.
#
# Environment: top_srcdir, top_builddir (default: two levels up), DISTENC.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

repeats=5
while getopts r:k opt; do
	case $opt in
	r) repeats=$OPTARG ;;
	k) KEEP_TMP=1 ;;
	*) sed -n '7s/^#//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
old=${1:-}
seconds=${2:-20}

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$DISTENC" ] || die "no executable distenc at $DISTENC"
[ -n "$old" ] && [ -x "$old" ] || die "no executable old distenc: ${old:-}"
[ -x /usr/bin/time ] || die "no /usr/bin/time (the time package)"
command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed"

echo "making three ${seconds} s 1280x720 clips..."
clip long "$T/black.mkv" "$seconds" || die "cannot make the black clip"
clip greybars720 "$T/grey.mkv" "$seconds" || die "cannot make the grey clip"
clip night720 "$T/night.mkv" "$seconds" || die "cannot make the night clip"

# run WHICH BINARY CLIP: one timed run; "wall cpu" appended to
# $T/WHICH-CLIP.times, the crop geometry in $T/WHICH-CLIP.crop.
run() {
	time_cmd "$T/t" "$2" --crop-only "$T/$3.mkv" >"$T/$1-$3.out" \
	    2>"$T/$1-$3.err" || { cat "$T/$1-$3.err" >&2;
	    die "$2 --crop-only $3 failed"; }
	awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$T/t" >>"$T/$1-$3.times"
	sed -n 's/^.*: crop \([^ ]*\).*/\1/p' "$T/$1-$3.out" >"$T/$1-$3.crop"
}

median() {	# FILE COLUMN
	awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1 }
	END { if (NR % 2) print v[(NR + 1) / 2]
	else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "distenc --crop-only, $repeats runs per binary and clip, alternating..."
for c in black grey night; do
	i=0
	while [ "$i" -lt "$repeats" ]; do
		run old "$old" "$c"
		run new "$DISTENC" "$c"
		i=$((i + 1))
	done
done

echo
echo "clips:  $seconds s, 1280x720, 25 fps"
echo "load:   $load0 (1, 5, 15 min) before the runs"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the end"
echo
printf '%-6s | %8s %8s %-18s | %8s %8s %-18s | %6s %6s\n' clip \
    "old wall" "old CPU" "old crop" "new wall" "new CPU" "new crop" \
    "wall" "CPU"
for c in black grey night; do
	ow=$(median "$T/old-$c.times" 1)
	oc=$(median "$T/old-$c.times" 2)
	nw=$(median "$T/new-$c.times" 1)
	nc=$(median "$T/new-$c.times" 2)
	printf '%-6s | %8s %8s %-18s | %8s %8s %-18s | %6s %6s\n' "$c" \
	    "$ow" "$oc" "$(cat "$T/old-$c.crop")" "$nw" "$nc" \
	    "$(cat "$T/new-$c.crop")" \
	    "$(awk -v a="$nw" -v b="$ow" 'BEGIN { printf "%.2f", a / b }')" \
	    "$(awk -v a="$nc" -v b="$oc" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
done
echo
echo "times in seconds, medians; the last two columns are new/old."
echo "wanted: black 1280x544+0+88, grey 1280x544+0+88, night 1280x720+0+0"
