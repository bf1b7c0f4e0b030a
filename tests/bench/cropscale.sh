#!/bin/sh
#
# Benchmark (not part of make check): crop detection must cost about the
# same on a long file as on a short one, since it samples a fixed number
# of frames (seeking) instead of decoding everything.
#
#	tests/bench/cropscale.sh [-r REPEATS] [-c CONFIG] [-k] [SECONDS]
#
#   SECONDS  length of the short clip (default 6); the long one is 10 times
#            longer, same content (1280x720, 1280x544 picture, 25 fps)
#   -r       runs of "distenc --crop-only FILE" per clip (default 5)
#   -c       config file passed to distenc (default: none, built-in)
#   -k       keep the temporary directory
#
# Prints each run's wall time, the medians and the ratio long/short
# (target: at most 2), and the crop both runs found (both must agree).
# Exit status: 0 when measured (whatever the ratio), 1 if distenc failed
# or the two crops differ.
#
# Environment: top_srcdir, top_builddir (default: two levels up), DISTENC.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

repeats=5
confopt=
while getopts r:c:k opt; do
	case $opt in
	r) repeats=$OPTARG ;;
	c) confopt=$OPTARG ;;
	k) KEEP_TMP=1 ;;
	*) sed -n '7s/^#//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
seconds=${1:-6}
target=2

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$DISTENC" ] || die "no executable distenc at $DISTENC"
command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed"

short=$T/short.mkv
long=$T/long.mkv
echo "making a ${seconds} s and a $((seconds * 10)) s 1280x720 letterboxed clip..."
clip long "$short" "$seconds" || die "cannot make the short clip"
clip long "$long" $((seconds * 10)) || die "cannot make the long clip"

# measure NAME FILE: REPEATS timed runs; wall times in $T/NAME.times, the
# crop line in $T/NAME.crop.
measure() {
	_name=$1 _file=$2
	: >"$T/$_name.times"
	i=0
	while [ $i -lt "$repeats" ]; do
		i=$((i + 1))
		if [ -n "$confopt" ]; then
			time_cmd "$T/t" "$DISTENC" -c "$confopt" --crop-only "$_file" \
			    >"$T/$_name.out" 2>"$T/$_name.err"
		else
			time_cmd "$T/t" "$DISTENC" --crop-only "$_file" \
			    >"$T/$_name.out" 2>"$T/$_name.err"
		fi || {
			cat "$T/$_name.err" >&2
			die "distenc --crop-only $_file failed"
		}
		cut -d' ' -f1 "$T/t" >>"$T/$_name.times"
		printf '  %-5s run %d: %s s\n' "$_name" "$i" "$(cut -d' ' -f1 "$T/t")"
	done
	# "FILE: crop WxH+X+Y (why)": the geometry is compared, not the why
	grep -F "$_file" "$T/$_name.out" | grep ': crop ' | head -n 1 |
	    sed 's/^.*: crop \([^ ]*\).*/crop \1/' >"$T/$_name.crop"
}

median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "distenc --crop-only, $repeats runs each:"
measure short "$short"
measure long "$long"

ms=$(median "$T/short.times")
ml=$(median "$T/long.times")
crop_s=$(cat "$T/short.crop")
crop_l=$(cat "$T/long.crop")

echo
echo "short ($seconds s):  median $ms s   $crop_s"
echo "long ($((seconds * 10)) s):  median $ml s   $crop_l"
awk -v s="$ms" -v l="$ml" -v t="$target" 'BEGIN {
	if (s <= 0) { print "ratio long/short: n/a (short run took no time)"; exit }
	r = l / s
	printf "ratio long/short: %.2f (target: at most %s): %s\n", r, t,
	    r <= t ? "within target" : "ABOVE TARGET"
}'

if [ -z "$crop_s" ] || [ "$crop_s" != "$crop_l" ]; then
	echo "bench: the crops differ or are missing" >&2
	exit 1
fi
