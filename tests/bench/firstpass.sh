#!/bin/sh
#
# Benchmark (not part of make check): what the x265 first-pass and
# analysis-reuse options cost and save, through distenc, on three kinds of
# content made here by the ffmpeg program.
#
#	tests/bench/firstpass.sh [-p PRESET] [-b KBPS] [-t THREADS] [-k] [SECONDS]
#
#   SECONDS  length of each 1280x720 letterboxed clip (default 6)
#   -p       x265 preset (default medium)
#   -b       video bitrate in kbps (default 1500)
#   -t       x265 thread pool (threads = N in the profile; default 2)
#   -k       keep the temporary directory
#
# Clips (each a 1280x544 picture in 1280x720, bars 88 top and bottom):
#   test       the test clip (testsrc2, as tests/bench/pipeline.sh)
#   grain      film-like: rotating soft gradients with strong temporal grain
#              (noise filter)
#   animation  flat colours and hard edges in motion: a zooming Mandelbrot
#              posterised to 6 levels per plane
# Variants, each given to x265 through the profile (x265_params, or the
# settings of the two-pass pipeline when the tree has them):
#   today      x265's own two-pass (its slow first pass)
#   fast       fast first pass (slow-firstpass=0)
#   ana        pass 2 reuses pass 1's analysis (multi-pass-opt-analysis)
#   dist       pass 2 reuses pass 1's distortion (multi-pass-opt-distortion)
#   ana+dist   both reuses
#   fast+ana, fast+dist, fast+ana+dist
#   today-10%  today's at 90 % of the bitrate: with today's it gives the
#              quality at the bitrate each variant reached
# For each: wall and CPU (user + sys) seconds of the whole distenc job, the
# video bitrate reached, PSNR and SSIM of the output against the cropped
# source (libavfilter's psnr and ssim, run by the ffmpeg program).  Ratios
# and differences are against "today" on the same clip: dPSNR and dSSIM
# as measured, dPSNR@r and dSSIM@r against today's quality at the
# variant's own bitrate (interpolated in the log of the rate between
# today and today-10%), so that a variant that missed the bitrate is
# judged at equal rate.  The machine's load is printed before and after.
#
# Environment: top_srcdir, top_builddir (default: two levels up), DISTENC,
# FIRSTPASS_VARIANTS and FIRSTPASS_CLIPS (names from the lists above, to
# run fewer).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/bench/bench_lib.sh"

preset=medium
kbps=1500
threads=2
while getopts p:b:t:k opt; do
	case $opt in
	p) preset=$OPTARG ;;
	b) kbps=$OPTARG ;;
	t) threads=$OPTARG ;;
	k) KEEP_TMP=1 ;;
	*) sed -n '7,8s/^#//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
seconds=${1:-6}
variants=${FIRSTPASS_VARIANTS:-"today fast ana dist ana+dist fast+ana fast+dist fast+ana+dist"}

[ -x "$DISTENC" ] || die "no executable distenc at $DISTENC"
command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed"

# bench_clip KIND PATH: a letterboxed 1280x720 clip of that content.
bench_clip() {
	mkdir -p "$(dirname "$2")"
	if [ "$1" = test ]; then
		clip long "$2" "$seconds"
	else
		bench_boxed "$2" "$(bench_content "$1" 1280 544 "$seconds")" \
		    1280 720 88 "$seconds"
	fi
}

# The profile's settings for a variant: the pipeline's own settings when
# this distenc has them, else the same options through x265_params.
variant_conf() {
	case $1 in
	today|today-10%) set -- 0 0 0 ;;
	fast)	set -- 1 0 0 ;;
	ana)	set -- 0 1 0 ;;
	dist)	set -- 0 0 1 ;;
	ana+dist) set -- 0 1 1 ;;
	fast+ana) set -- 1 1 0 ;;
	fast+dist) set -- 1 0 1 ;;
	fast+ana+dist) set -- 1 1 1 ;;
	*)	die "unknown variant $1" ;;
	esac
	if [ -n "$native" ]; then
		reuse=none
		[ "$2$3" = 10 ] && reuse=analysis
		[ "$2$3" = 01 ] && reuse=distortion
		[ "$2$3" = 11 ] && reuse=both
		echo "fast_firstpass = $([ "$1" = 1 ] && echo true || echo false);" \
		    "pass_reuse = \"$reuse\";"
		return
	fi
	p=slow-firstpass=$((1 - $1))
	[ "$2" = 1 ] && p="$p:multi-pass-opt-analysis=1"
	[ "$3" = 1 ] && p="$p:multi-pass-opt-distortion=1"
	echo "x265_params = \"$p\";"
}

# Whether this distenc knows the settings (it reads the config first).
write_conf "$T/probe.conf" "$preset" "$kbps" "fast_firstpass = true;"
native=
"$DISTENC" -c "$T/probe.conf" --dump-config >/dev/null 2>&1 && native=1

echo "before: $(bench_load)"
printf '%-10s %-14s %8s %8s %6s %8s %8s %6s %8s %10s %8s %10s\n' clip \
    variant "wall(s)" "CPU(s)" kbps "PSNR" "SSIM" "CPU/x" "dPSNR" "dSSIM" \
    "dPSNR@r" "dSSIM@r"
for kind in ${FIRSTPASS_CLIPS:-test grain animation}; do
	src=$T/src/$kind.mkv
	bench_clip "$kind" "$src" || die "cannot make the $kind clip"
	for v in today today-10% $variants; do
		[ "$v" = today ] && [ -s "$T/run/$kind/today/time" ] && continue
		rate=$kbps
		[ "$v" = today-10% ] && rate=$((kbps * 9 / 10))
		d=$T/run/$kind/$v
		mkdir -p "$d/out" "$d/stats"
		write_conf "$d/conf" "$preset" "$rate" \
		    "threads = $threads; $(variant_conf "$v")"
		# x265 names its analysis file in the current directory
		# when it is given none.
		(cd "$d" && time_cmd "$d/time" \
		    "$DISTENC" -c "$d/conf" -o "$d/out" -s "$d/stats" \
		    -i "$src" >"$d/log" 2>&1) ||
		    { tail -n 20 "$d/log" >&2; die "distenc failed: $kind $v"; }
		set -- $(cat "$d/time") \
		    $(bench_quality "$d/out/$kind.mkv" "$src" 1280:544:0:88) \
		    "$(bench_kbps "$d/out/$kind.mkv" "$seconds")"
		echo "$kind $v $1 $(awk "BEGIN { print $2 + $3 }") $6 $4 $5" >>"$T/rows"
	done
done
# dPSNR and dSSIM at equal rate: against today's quality at the variant's
# bitrate, interpolated (linear in the log of the rate) between today's
# two runs, at the bitrate asked and 10 % below.
awk 'NR == FNR {
	if ($2 == "today") { r0[$1] = log($5); p0[$1] = $6; s0[$1] = $7; c0[$1] = $4 }
	if ($2 == "today-10%") { r1[$1] = log($5); p1[$1] = $6; s1[$1] = $7 }
	next
}
{
	k = $1; dr = r0[k] - r1[k]
	x = dr != 0 ? (log($5) - r0[k]) / dr : 0
	printf "%-10s %-14s %8.2f %8.2f %6d %8.3f %8.5f %6.2f %+8.3f %+10.5f %+8.3f %+10.5f\n",
	    $1, $2, $3, $4, $5, $6, $7, $4 / c0[k], $6 - p0[k], $7 - s0[k],
	    $6 - (p0[k] + x * (p0[k] - p1[k])), $7 - (s0[k] + x * (s0[k] - s1[k]))
}' "$T/rows" "$T/rows"
echo "after: $(bench_load)"
how=x265_params
[ -n "$native" ] && how="the profile's fast_firstpass and pass_reuse"
echo "preset $preset, $kbps kbps, threads $threads, ${seconds} s per clip;" \
    "settings through $how"
