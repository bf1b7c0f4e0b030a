#!/bin/sh
#
# Benchmark (not part of make check): peak memory (the largest resident set
# of distenc and its children) of a two-pass x265 job at 1080p and 2160p,
# slow preset, 10 bit, and what x265 settings bring it down at what cost
# in time and quality.
#
#	tests/bench/memory.sh [-p PRESET] [-t THREADS] [-k] [SECONDS]
#
#   SECONDS  length of the 1080p clip (default 3); the 2160p clip is 2 s,
#            still more frames than x265's lookahead holds
#   -p       x265 preset (default slow, the built-in profile's)
#   -t       x265 thread pool (threads = N; default 2, the profile's)
#   -k       keep the temporary directory
#
# Each clip is testsrc2 with temporal noise (so that motion search and the
# lookahead have work), made here by the ffmpeg program.  The bitrate
# follows the built-in profile (bpp 0.06).  Variants, through x265_params:
#   default    the preset's own settings
#   la20       rc-lookahead=20 (the slow preset looks 40 frames ahead)
#   ft1        frame-threads=1 (x265 picks 2 or more frame encoders)
#   la20+ft1   both
# For each: peak RSS (MiB, GNU time's %M), wall and CPU (user + sys)
# seconds, video kbps, PSNR and SSIM against the source; the machine's load
# before and after.  The goal for a 1080p job is at most 1.5 GB.
#
# Environment: top_srcdir, top_builddir, DISTENC; MEMORY_VARIANTS (names
# from the list above) and MEMORY_SIZES ("1080 2160") to run fewer.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/bench/bench_lib.sh"

preset=slow
threads=2
while getopts p:t:k opt; do
	case $opt in
	p) preset=$OPTARG ;;
	t) threads=$OPTARG ;;
	k) KEEP_TMP=1 ;;
	*) sed -n '8,9s/^#//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
seconds=${1:-3}
variants=${MEMORY_VARIANTS:-"default la20 ft1 la20+ft1"}
sizes=${MEMORY_SIZES:-"1080 2160"}

[ -x "$DISTENC" ] || die "no executable distenc at $DISTENC"
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time, package \"time\") is needed"

params() {
	case $1 in
	default)  echo "" ;;
	la20)	  echo "rc-lookahead=20" ;;
	ft1)	  echo "frame-threads=1" ;;
	la20+ft1) echo "rc-lookahead=20:frame-threads=1" ;;
	*)	  die "unknown variant $1" ;;
	esac
}

echo "before: $(bench_load)"
printf '%-6s %-10s %9s %8s %8s %6s %8s %8s\n' size variant "peak MiB" \
    "wall(s)" "CPU(s)" kbps PSNR SSIM
for h in $sizes; do
	w=$((h * 16 / 9))
	d=$seconds
	[ "$h" -gt 1080 ] && d=2
	src=$T/src/$h.mkv
	mkdir -p "$T/src"
	# shellcheck disable=SC2046
	_mkclip_ff -f lavfi -i "testsrc2=s=${w}x$h:r=25:d=$d" \
	    -vf "noise=alls=8:allf=t+u,format=yuv420p" \
	    $(mkclip_vcodec_args) "$src" || die "cannot make the ${h}p clip"
	for v in $variants; do
		r=$T/run/$h/$v
		mkdir -p "$r/out" "$r/stats"
		write_conf "$r/conf" "$preset" 0 "threads = $threads;
		    bit_depth = 10; crop = \"off\";
		    x265_params = \"$(params "$v")\";"
		sed -i 's/x265_params = "";//' "$r/conf"
		/usr/bin/time -f '%e %U %S %M' -o "$r/time" "$DISTENC" \
		    -c "$r/conf" -o "$r/out" -s "$r/stats" -i "$src" \
		    >"$r/log" 2>&1 ||
		    { tail -n 20 "$r/log" >&2; die "distenc failed: ${h}p $v"; }
		set -- $(tail -n 1 "$r/time") \
		    $(bench_quality "$r/out/$h.mkv" "$src") \
		    "$(bench_kbps "$r/out/$h.mkv" "$d")"
		printf '%-6s %-10s %9.0f %8.2f %8.2f %6d %8.3f %8.5f\n' \
		    "${h}p" "$v" "$(awk "BEGIN { print $4 / 1024 }")" "$1" \
		    "$(awk "BEGIN { print $2 + $3 }")" "$7" "$5" "$6"
	done
done
echo "after: $(bench_load)"
echo "preset $preset, 10 bit, threads $threads, bpp 0.06; ${seconds} s at" \
    "1080p, 2 s at 2160p"
