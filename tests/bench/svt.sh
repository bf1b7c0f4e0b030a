#!/bin/sh
#
# Benchmark (not part of make check): SVT-AV1 against libaom, side by side
# on the same generated clips, at matched quality; then the peak memory of
# one chunk encoder of each at 1080p.
#
#	tests/bench/svt.sh [-k] [-m | -t] [-s WxH] [SECONDS]
#
#   SECONDS  length of each clip (default 3)
#   -s       size of the clips (default 640x360)
#   -m       memory only: skip the speed and bitrate table
#   -t       the table only: skip the memory
#   -k       keep the temporary directory
#
# Three clips, lossless (FFV1), no audio: "synthetic" (testsrc2), "grain"
# (testsrc2 under temporal noise, like a grainy film transfer) and
# "animation" (a cellular automaton: flat colours, sharp edges, motion).
# Every encode is a distenc run of a chunked profile with one chunk (so one
# encoder) of two threads, crop off: libaom with the built-in av1 (q 14,
# cpu_used 4) and av1-fast (cpu_used 6), SVT-AV1 with av1-svt (preset 8)
# and av1-svt-fast (preset 10).  libaom runs at its profile's q; SVT-AV1's
# svt_crf is searched (bisection over 1..63) for the highest CRF whose
# SSIM against the source is at least libaom's: within 0.001 of it, the
# ratios are that encode's ("matched").  Where one CRF step moves SSIM by
# more than that, the ratios are interpolated, linearly in SSIM, between
# that CRF and the next one up (whose SSIM is below libaom's) to libaom's
# SSIM ("interpolated"), and both encodes are shown.  SSIM (All) and PSNR
# (average) come from libavfilter's ssim and psnr filters run by the
# ffmpeg program; the video bitrate from the output's packet sizes.
# Reported per clip and pair: both encodes' SSIM, bitrate, CPU time
# (user + system of distenc and its children, GNU time) and wall time,
# and the ratios SVT-AV1 / libaom.  The distenc runs include what both
# share (decoding, the scene scan, joining and verifying): the ratios
# understate the encoders' own difference a little.
#
# Memory: a 1080p clip (synthetic, SECONDS long), one chunk encoder of the
# built-in av1 and av1-svt at their defaults (two threads): the peak
# resident set of the distenc run (its largest process, GNU time's %M).
# The machine's load (uptime) is printed before and after each part.
#
# Environment: top_srcdir, top_builddir (default: two levels up), DISTENC.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

size=640x360
memonly= tableonly=
while getopts kmts: opt; do
	case $opt in
	k) KEEP_TMP=1 ;;
	m) memonly=1 ;;
	t) tableonly=1 ;;
	s) size=$OPTARG ;;
	*) sed -n '7,7s/^#//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
seconds=${1:-3}

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$DISTENC" ] || die "no executable distenc at $DISTENC"
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is not installed"
command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed"

load() {
	echo "load: $(uptime | sed 's/.*load average/load average/')" \
	    "on $(getconf _NPROCESSORS_ONLN) processors"
}

# mkclip_bench KIND SIZE OUT: a lossless clip of SECONDS.
mkclip_bench() {
	case $1 in
	synthetic) f="testsrc2=s=$2:r=25" vf=null ;;
	grain) f="testsrc2=s=$2:r=25" vf="noise=alls=14:allf=t" ;;
	animation) f="life=s=$2:r=25:mold=10:ratio=0.3:life_color=#f0c040:death_color=#2050a0"
		vf=null ;;
	esac
	ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi \
	    -i "$f" -t "$seconds" -vf "$vf,format=yuv420p" -c:v ffv1 "$3" ||
	    die "cannot make the $1 clip"
}

# conf FILE: one-chunk profiles over the four built-in AV1 ones.
conf() {
	cat >"$1" <<EOC
profiles = {
  aom = { inherit = "av1"; $one };
  aomfast = { inherit = "av1-fast"; $one };
  svt = { inherit = "av1-svt"; $one };
  svtfast = { inherit = "av1-svt-fast"; $one };
};
work_dir = "$T/work";
stats_dir = "$T/stats";
EOC
}
one='threads = 2; parallel_encodes = 1; crop = "off";
    min_chunk_length = 100000; scd = "source";'

# encode NAME SRC PROFILE [SETTINGS]: a timed run into $T/out/NAME; sets
# WALL, CPU (seconds), RSS (KiB), KBPS, SSIM, PSNR.
encode() {
	_o=$T/out/$1
	rm -rf "$_o"
	mkdir -p "$_o"
	if [ -n "${4:-}" ]; then
		sed "s/^  $3 = { \(.*\)$/  $3 = { $4; \1/" "$T/bench.conf" \
		    >"$_o.conf"
	else
		cp "$T/bench.conf" "$_o.conf"
	fi
	/usr/bin/time -f '%e %U %S %M' -o "$_o.time" \
	    "$DISTENC" -c "$_o.conf" -p "$3" -o "$_o" "$2" \
	    >"$_o.log" 2>&1 || { cat "$_o.log" >&2; die "$1: distenc failed"; }
	_f=$_o/$(basename "$2")
	read -r WALL _u _s RSS <<EOT
$(tail -n 1 "$_o.time")
EOT
	CPU=$(awk -v u="$_u" -v s="$_s" 'BEGIN { printf "%.2f", u + s }')
	KBPS=$(ffprobe -v error -select_streams v:0 -show_entries \
	    packet=size -of csv=p=0 -- "$_f" | awk -v d="$seconds" \
	    '{ b += $1 } END { printf "%.0f", b * 8 / 1000 / d }')
	ffmpeg -nostdin -hide_banner -i "$_f" -i "$2" -lavfi \
	    "[0:v][1:v]ssim;[0:v][1:v]psnr" -f null - >"$_o.q" 2>&1
	SSIM=$(sed -n 's/.*SSIM.* All:\([0-9.]*\).*/\1/p' "$_o.q")
	PSNR=$(sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' "$_o.q")
}

# ge A B: A >= B, as numbers.
ge() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'
}

# match CLIP SRC SVTPROFILE WANT: the highest svt_crf whose SSIM is at
# least WANT, by bisection; sets the encode's figures and CRF, and NEXT to
# the figures "SSIM KBPS CPU WALL" of CRF + 1 (empty at 63).
match() {
	_lo=1 _hi=63 _best=
	while [ "$_lo" -le "$_hi" ]; do
		_mid=$(((_lo + _hi) / 2))
		encode "$1-$3-$_mid" "$2" "$3" "svt_crf = $_mid"
		if ge "$SSIM" "$4"; then
			_best=$_mid _lo=$((_mid + 1))
		else
			_hi=$((_mid - 1))
		fi
	done
	CRF=${_best:-1}
	NEXT=
	if [ "$CRF" -lt 63 ]; then
		encode "$1-$3-$((CRF + 1))" "$2" "$3" "svt_crf = $((CRF + 1))"
		NEXT="$SSIM $KBPS $CPU $WALL"
		row "$1" "$3" "crf $((CRF + 1))" "$SSIM" "$KBPS" "$CPU" \
		    "$WALL" "$PSNR"
	fi
	encode "$1-$3-$CRF" "$2" "$3" "svt_crf = $CRF"
}

row() {
	printf '%-9s %-12s %-8s %6s %7s %7s %7s %7s\n' "$@"
}

conf "$T/bench.conf"
mkdir -p "$T/src" "$T/out"

if [ -z "$memonly" ]; then
	echo "== SVT-AV1 against libaom, $size, $seconds s clips, one" \
	    "encoder of 2 threads each =="
	load
	row clip encoder setting SSIM kbit/s "CPU s" "wall s" "PSNR"
	for kind in synthetic grain animation; do
		src=$T/src/$kind.mkv
		mkclip_bench "$kind" "$size" "$src"
		for pair in "aom svt" "aomfast svtfast"; do
			a=${pair% *} s=${pair#* }
			encode "$kind-$a" "$src" "$a"
			aw=$WALL ac=$CPU ak=$KBPS as=$SSIM
			q=$(sed -n 's/.*video: aom cq-level \([0-9]*\).*/\1/p' \
			    "$T/out/$kind-$a.log")
			row "$kind" "$a" "q $q" "$SSIM" "$KBPS" "$CPU" "$WALL" "$PSNR"
			match "$kind" "$src" "$s" "$as"
			row "$kind" "$s" "crf $CRF" "$SSIM" "$KBPS" "$CPU" "$WALL" "$PSNR"
			awk -v k="$kind" -v p="$a/$s" -v ac="$ac" -v sc="$CPU" \
			    -v aw="$aw" -v sw="$WALL" -v ak="$ak" -v sk="$KBPS" \
			    -v as="$as" -v ss="$SSIM" -v nx="$NEXT" 'BEGIN {
				d = ss - as
				m = "matched"
				if (d > 0.001 && split(nx, n, " ") == 4 &&
				    ss > n[1]) {
					# to the SSIM of libaom, between CRF and CRF + 1
					f = (ss - as) / (ss - n[1])
					sk += f * (n[2] - sk)
					sc += f * (n[3] - sc)
					sw += f * (n[4] - sw)
					d = 0
					m = "interpolated"
				} else if (d < 0 || d > 0.001)
					m = "NOT matched"
				printf "%-9s %-12s ratio svt/aom: CPU %.2f, wall %.2f, " \
				    "bitrate %.2f; SSIM %+.4f (%s)\n", k, p,
				    sc / ac, sw / aw, sk / ak, d, m
			    }' | tee -a "$T/ratios"
		done
	done
	load
	echo "== ratios SVT-AV1 / libaom (CPU, wall, bitrate at matched SSIM) =="
	cat "$T/ratios"
fi

[ -n "$tableonly" ] && exit 0
echo "== peak memory of one chunk encoder at 1920x1080 ($seconds s," \
    "synthetic, 2 threads) =="
load
src=$T/src/synthetic1080.mkv
mkclip_bench synthetic 1920x1080 "$src"
for p in aom svt; do
	encode "mem-$p" "$src" "$p"
	printf '%-4s (%s): peak RSS %.0f MiB, CPU %s s, wall %s s, %s kbit/s, SSIM %s\n' \
	    "$p" "$(sed -n 's/.*video: \([as][ov][mt] .*\)/\1/p' "$T/out/mem-$p.log")" \
	    "$(awk -v k="$RSS" 'BEGIN { print k / 1024 }')" "$CPU" "$WALL" \
	    "$KBPS" "$SSIM"
done
load
