#!/bin/sh
#
# Benchmark (not part of make check): the throughput of a small library on
# this machine, one job at a time with two encoder threads against two
# jobs at a time with one thread each, at equal output quality.
#
#	tests/bench/jobs.sh [-p PRESET] [-k] [SECONDS]
#
#   SECONDS  length of each of the 8 clips (default 4)
#   -p       x265 preset (default slow, the built-in profile's)
#   -k       keep the temporary directory
#
# The library: 8 clips of 640x360 (a 640x272 picture, bars 44 top and
# bottom), in turn the test pattern, grainy gradients and a posterised
# Mandelbrot zoom, each with stereo audio, made here by the ffmpeg program.
# Each run is one distenc command over the whole library, with bpp 0.06
# (the built-in profile's):
#   jobs = 1, threads = 2   distenc -j 1, "threads = 2;" in the profile
#   jobs = 2, threads = 1   distenc -j 2, "threads = 1;"
#   defaults                neither: jobs = 0 and threads = 0, one job per
#                           processor sharing them (what it came to is
#                           printed from the log)
# Reported: wall and CPU (user + sys) seconds of each run, their ratios,
# and the mean PSNR and SSIM of the outputs against the cropped sources
# and their total video kbps; the machine's load before and after.
#
# Environment: top_srcdir, top_builddir, DISTENC.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/bench/bench_lib.sh"

preset=slow
while getopts p:k opt; do
	case $opt in
	p) preset=$OPTARG ;;
	k) KEEP_TMP=1 ;;
	*) sed -n '7,8s/^#//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
seconds=${1:-4}

[ -x "$DISTENC" ] || die "no executable distenc at $DISTENC"

# lib_clip N PATH: the Nth clip of the library.
lib_clip() {
	case $(($1 % 3)) in
	0) k=test ;;
	1) k=grain ;;
	2) k=animation ;;
	esac
	bench_boxed "$2" "$(bench_content "$k" 640 272 "$seconds" "$1")" \
	    640 360 44 "$seconds"
}

# run_lib NAME JOBS THREADS: the whole library through one distenc; "-"
# leaves jobs or threads at its default (0: shared, conf_share.c).
run_lib() {
	name=$1
	r=$T/run/$1
	mkdir -p "$r/out" "$r/stats"
	if [ "$3" = - ]; then
		write_conf "$r/conf" "$preset" 0
	else
		write_conf "$r/conf" "$preset" 0 "threads = $3;"
	fi
	if [ "$2" = - ]; then set --; else set -- -j "$2"; fi
	time_cmd "$r/time" "$DISTENC" -c "$r/conf" -o "$r/out" -s "$r/stats" \
	    "$@" -i "$T"/lib/*.mkv >"$r/log" 2>&1 ||
	    { tail -n 20 "$r/log" >&2; die "distenc failed: $1"; }
	for f in "$T"/lib/*.mkv; do
		b=$(basename "$f")
		echo "$(bench_quality "$r/out/$b" "$f" 640:272:0:44)" \
		    "$(bench_kbps "$r/out/$b" "$seconds")"
	done | awk -v t="$(cat "$r/time")" -v n="$name" '
		{ p += $1; s += $2; k += $3; c++ }
		END { split(t, a, " ")
		      printf "%-22s %8.2f %8.2f %8.3f %8.5f %6d\n", n, a[1],
			  a[2] + a[3], p / c, s / c, k }' >"$r/row"
}

mkdir -p "$T/lib"
for i in 1 2 3 4 5 6 7 8; do
	lib_clip "$i" "$T/lib/clip$i.mkv" || die "cannot make clip $i"
done
echo "before: $(bench_load)"
run_lib "jobs 1, threads 2" 1 2
run_lib "jobs 2, threads 1" 2 1
run_lib "defaults" - -
printf '%-22s %8s %8s %8s %8s %6s\n' "" "wall(s)" "CPU(s)" PSNR SSIM kbps
cat "$T/run/jobs 1, threads 2/row" "$T/run/jobs 2, threads 1/row" \
    "$T/run/defaults/row"
awk '{ w[NR] = $(NF - 4); c[NR] = $(NF - 3) }
    END { printf "%-22s %8.2f %8.2f\n", "ratio 2x1 / 1x2",
	w[2] / w[1], c[2] / c[1]
	printf "%-22s %8.2f %8.2f\n", "ratio defaults / 1x2",
	w[3] / w[1], c[3] / c[1] }' \
    "$T/run/jobs 1, threads 2/row" "$T/run/jobs 2, threads 1/row" \
    "$T/run/defaults/row"
echo "defaults: $(grep -m 1 -o 'processors: .*' "$T/run/defaults/log")"
echo "after: $(bench_load)"
echo "8 clips of $seconds s, 640x360, preset $preset, bpp 0.06," \
    "$(getconf _NPROCESSORS_ONLN) CPUs"
