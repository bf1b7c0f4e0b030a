#!/bin/sh
#
# Benchmark (not part of make check): chunked AV1 against one encoder, and
# scene detection against the ffmpeg program's scdet filter, side by side
# on one generated 720p clip.
#
#	tests/bench/chunked.sh [-c CPU_USED] [-j N] [-k] [-m] [-n] [SECONDS]
#
#   SECONDS  length of the 1280x720 clip of scenes (default 16)
#   -c       libaom cpu-used for both encodes (default 6)
#   -j       processors to use (default: all online): the chunked run has
#            N encoders of one thread each, the single run one encoder of
#            N threads; the same libaom settings otherwise
#   -k       keep the temporary directory
#   -m       no quality matching (the two encodes at the same q only)
#   -n       no scene detection comparison (the encodes only)
#
# The clip joins lavfi sources
# with a scene change every 2 s.  Both encodes are distenc runs of the same
# chunked profile: the chunked one with min_chunk_length 25 (a chunk per
# scene, a chunk split in two when its estimated cost would keep one
# encoder busy alone at the end), the single one with min_chunk_length
# larger than the clip (one chunk, so one encoder).  Reported: the wall and
# CPU time (user + sys of the whole run) of each and their ratios, the
# quality of each output (PSNR and SSIM against the source, libavfilter's
# psnr and ssim filters run by the ffmpeg program); the CPU use of the
# encoders (the process group's CPU time, read from /proc every 0.5 s)
# over the chunk stage, and over the part of it while chunks remained to
# be started, as a share of the processors; the chunk stage's makespan
# against the sum of the chunks' CPU times over the processors (from the
# chunk log lines: the best a perfect schedule could do), and the rank
# (Spearman) correlation of each chunk's estimated cost with its encoding
# time and CPU time.  On a busy machine the encoders get less than the
# processors, so the makespan is also given against the sum of the
# chunks' wall times over the encoders: how evenly the queue shared the
# work, whatever the load.  Needs GNU time (/usr/bin/time).
# At the same q the two outputs differ in quality (chunks start on key
# frames at the scene changes, where the single encoder places its own),
# so the ratios are also given at equal quality: the chunked run is
# repeated at q + 3, q + 6, ... until both its PSNR and its SSIM are at
# or below the single run's, and its wall time, CPU time and bit rate are
# interpolated, linearly in PSNR and then in SSIM, between the two q
# around the single run's value.
# Then scene detection: distenc --scenes-only (threshold 0.3 on the select
# filter's scene score) against ffmpeg -vf scdet=threshold=11.7 (the same
# threshold: scdet scales the same difference by 100/256) on the
# clip looped to four times its length, the best of three runs each, and
# the scene changes each found; and the ffmpeg program decoding that clip
# with no filter, the floor under both.  Only ratios mean anything.
#
# Environment: top_srcdir, top_builddir (default: two levels up), DISTENC.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

cpu=6
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
scd=1
match=1
while getopts c:j:kmn opt; do
	case $opt in
	c) cpu=$OPTARG ;;
	j) ncpu=$OPTARG ;;
	k) KEEP_TMP=1 ;;
	m) match= ;;
	n) scd= ;;
	*) sed -n '7,7s/^#//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
seconds=${1:-16}
tick=$(getconf CLK_TCK 2>/dev/null || echo 100)

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$DISTENC" ] || die "no executable distenc at $DISTENC"
[ -x /usr/bin/time ] || die "no /usr/bin/time (the time package)"
command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed"

# --- the clip -------------------------------------------------------------------

src=$T/src/scenes720.mkv
mkdir -p "$T/src"
echo "making a ${seconds} s 1280x720 clip with a scene change every 2 s..."
srcs="testsrc2 smptehdbars life=mold=10:ratio=0.3:death_color=blue testsrc cellauto=rule=110 rgbtestsrc"
n=$((seconds / 2))
inputs= chain= i=0
for s in $srcs $srcs $srcs $srcs; do
	[ "$i" -ge "$n" ] && break
	case $s in *=*) opts="${s#*=}:" s=${s%%=*} ;; *) opts= ;; esac
	inputs="$inputs -t 2 -f lavfi -i $s=${opts}s=1280x720:r=25"
	chain="$chain[$i:v]format=yuv420p,setsar=1[v$i];"
	i=$((i + 1))
done
join=
i=0
while [ "$i" -lt "$n" ]; do join="$join[v$i]"; i=$((i + 1)); done
# shellcheck disable=SC2086
ffmpeg -nostdin -hide_banner -loglevel error -y $inputs \
    -f lavfi -i "sine=f=440:sample_rate=48000:d=$seconds" \
    -filter_complex "$chain${join}concat=n=$n:v=1[v]" -map "[v]" -map "$n:a" \
    -c:v libx264 -preset veryfast -crf 18 -c:a flac "$src" ||
    die "cannot make the clip"

# --- the encodes ----------------------------------------------------------------

# conf FILE MIN PARALLEL THREADS [Q]
conf() {
	cat >"$1" <<EOC
profiles = { b = { inherit = "av1"; cpu_used = $cpu; crop = "off";
  min_chunk_length = $2; parallel_encodes = $3; threads = $4; q = ${5:-14}; }; };
default_profile = "b";
work_dir = "$T/work";
EOC
}
conf "$T/chunked.conf" 25 "$ncpu" 1
conf "$T/single.conf" 100000 1 "$ncpu"

# cpu_of PGID: the CPU ticks of a process group, children reaped included.
# One cat reads them all: a cat per file would itself take a tenth
# of a processor from the encoders it measures.
cpu_of() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" '{
		sub(/^.*\) /, "")	# fields from "state" on: $3 is pgrp
		if ($3 == g) t += $12 + $13 + $14 + $15
	} END { print t + 0 }'
}

# run NAME CONF: time a distenc run; its log lines with times, and the
# process group's CPU ticks every 0.5 s, in $T/NAME.*
run() {
	echo "encoding: $1..."
	_t0=$(now)
	rm -f "$T/$1.pid"
	setsid sh -c 'echo $$ >"$0"; exec "$@" 2>&1' "$T/$1.pid" \
	    /usr/bin/time -f "%U %S" -o "$T/$1.time" "$DISTENC" \
	    -c "$2" -o "$T/out-$1" "$src" </dev/null |
	    while IFS= read -r _l; do
		printf '%s %s\n' "$(now)" "$_l"
	done >"$T/$1.log" &
	_p=$!
	while [ ! -s "$T/$1.pid" ]; do sleep 0.05; done
	_g=$(cat "$T/$1.pid")	# setsid: its process group
	while kill -0 "$_p" 2>/dev/null; do
		[ -n "$_g" ] && printf '%s %s\n' "$(now)" "$(cpu_of "$_g")"
		sleep 0.5
	done >"$T/$1.cpu"
	wait "$_p"
	_t1=$(now)
	awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.2f\n", b - a }' \
	    >"$T/$1.wall"
	grep -q "done:" "$T/$1.log" || { tail -n 20 "$T/$1.log" >&2;
	    die "distenc failed ($1)"; }
}

# window NAME FIRST LAST: the share of the processors the encoders used
# between the log lines matching FIRST and LAST (the last such line).
window() {
	_a=$(grep -E "$2" "$T/$1.log" | head -n 1 | cut -d' ' -f1)
	_b=$(grep -E "$3" "$T/$1.log" | tail -n 1 | cut -d' ' -f1)
	awk -v a="$_a" -v b="$_b" -v hz="$tick" -v n="$ncpu" '
	$1 >= a && first == "" { first = $1; c0 = $2 }
	$1 <= b { last = $1; c1 = $2 }
	END {
		if (last > first) {
			u = 100 * (c1 - c0) / hz / (last - first) / n
			printf "%.1f", u
		} else
			print "n/a"
	}' "$T/$1.cpu"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
run chunked "$T/chunked.conf"
run single "$T/single.conf"

nchunks=$(grep -c 'encoding frames' "$T/chunked.log")
stage_c=$(window chunked 'encoding frames' 'of [0-9]*: frames')
remain_c=$(window chunked 'encoding frames' 'encoding frames')
stage_s=$(window single 'encoding frames' 'of [0-9]*: frames')

# --- the chunks: estimate against real times -------------------------------------

# The chunk lines "chunk K of N: frames A-B, estimated cost C, CPU X s,
# Y s (F fps)" as "K C X Y".
sed -n 's/.* chunk \([0-9]*\) of [0-9]*: frames [0-9-]*, estimated cost \([0-9]*\), CPU \([0-9.]*\)s, \([0-9.]*\)s .*/\1 \2 \3 \4/p' \
    "$T/chunked.log" >"$T/chunks.txt"
# spearman COLUMN: the rank correlation of the cost with that column.
spearman() {
	awk -v col="$1" '
	function rank(v, r, n,   i, j, less, same) {
		for (i = 1; i <= n; i++) {
			less = 0; same = 0
			for (j = 1; j <= n; j++) {
				if (v[j] < v[i]) less++
				else if (v[j] == v[i]) same++
			}
			r[i] = less + (same + 1) / 2
		}
	}
	{ n++; a[n] = $2; b[n] = $col }
	END {
		if (n < 3) { print "n/a"; exit }
		rank(a, ra, n); rank(b, rb, n)
		for (i = 1; i <= n; i++) { ma += ra[i] / n; mb += rb[i] / n }
		for (i = 1; i <= n; i++) {
			sab += (ra[i] - ma) * (rb[i] - mb)
			saa += (ra[i] - ma) ^ 2; sbb += (rb[i] - mb) ^ 2
		}
		if (saa == 0 || sbb == 0) print "n/a"
		else printf "%.3f\n", sab / sqrt(saa * sbb)
	}' "$T/chunks.txt"
}
rho_wall=$(spearman 4)
rho_cpu=$(spearman 3)
sum_cpu=$(awk '{ t += $3 } END { printf "%.2f", t }' "$T/chunks.txt")
sum_wall=$(awk '{ t += $4 } END { printf "%.2f", t }' "$T/chunks.txt")
splits=$(grep -c 'split from the one before' "$T/chunked.log")
# the chunk stage's wall time: from the first chunk started to the last done
span_of() {
	_a=$(grep -E 'encoding frames' "$T/$1.log" | head -n 1 | cut -d' ' -f1)
	_b=$(grep -E 'of [0-9]*: frames' "$T/$1.log" | tail -n 1 |
	    cut -d' ' -f1)
	awk -v a="$_a" -v b="$_b" 'BEGIN { printf "%.2f", b - a }'
}
span_c=$(span_of chunked)

# --- quality ----------------------------------------------------------------------

# quality NAME: "PSNR SSIM" of NAME's output against the source.
quality() {
	_o=$(find "$T/out-$1" -name '*.mkv' | head -n 1)
	[ -n "$_o" ] || die "no output of $1"
	ffmpeg -nostdin -hide_banner -i "$_o" -i "$src" -lavfi \
	    "[0:v]setpts=PTS-STARTPTS,split[a][c];[1:v]setpts=PTS-STARTPTS,split[b][d];[a][b]psnr;[c][d]ssim" \
	    -f null - 2>&1 | awk '
	    /PSNR/ { for (i = 1; i <= NF; i++) if ($i ~ /^average:/) {
		sub(/average:/, "", $i); p = $i } }
	    /SSIM/ { for (i = 1; i <= NF; i++) if ($i ~ /^All:/) {
		sub(/All:/, "", $i); s = $i } }
	    END { printf "%s %s\n", p, s }'
}
echo "quality: PSNR and SSIM of both outputs..."
q_c=$(quality chunked)
q_s=$(quality single)
# kbps NAME: the output's video bit rate, from its size and the clip's length
kbps() {
	_o=$(find "$T/out-$1" -name '*.mkv' | head -n 1)
	wc -c <"$_o" | awk -v s="$seconds" '{ printf "%.0f", $1 * 8 / s / 1000 }'
}
b_c=$(kbps chunked)
b_s=$(kbps single)

# --- equal quality ----------------------------------------------------------------

# The chunked runs as rows "q PSNR SSIM wall CPU kbps" in $T/ladder, from
# q 14 up (or down) by 3 until the single run's PSNR and SSIM lie between
# two rows.  A direction of 1: the chunked output is better at q 14.
cpu_sec() { awk '{ printf "%.2f", $1 + $2 }' "$T/$1.time"; }
if [ -n "$match" ]; then
	echo "14 $q_c $(cat "$T/chunked.wall") $(cpu_sec chunked) $b_c" \
	    >"$T/ladder"
	dir=$(echo "$q_c $q_s" | awk '{ print ($1 > $3 || $2 > $4) ? 1 : -1 }')
	qq=14
	while :; do
		# done when the last row is on the other side for both measures
		tail -n 1 "$T/ladder" | awk -v p="${q_s% *}" -v s="${q_s#* }" \
		    -v d="$dir" '{ if (d > 0) past = $2 <= p && $3 <= s
		    else past = $2 >= p && $3 >= s
		    exit !past }' && break
		qq=$((qq + 3 * dir))
		[ "$qq" -ge 0 ] && [ "$qq" -le 63 ] || break
		conf "$T/chunked-q$qq.conf" 25 "$ncpu" 1 "$qq"
		run "chunked-q$qq" "$T/chunked-q$qq.conf"
		echo "$qq $(quality "chunked-q$qq") $(cat "$T/chunked-q$qq.wall")" \
		    "$(cpu_sec "chunked-q$qq") $(kbps "chunked-q$qq")" >>"$T/ladder"
	done
	sort -n "$T/ladder" >"$T/ladder.s"
fi
# at_equal COLUMN VALUE: "q-range wall CPU kbps" of the chunked runs
# interpolated to VALUE of the column (2 PSNR, 3 SSIM), or "n/a".
at_equal() {
	awk -v c="$1" -v v="$2" '
	{ n++; for (i = 1; i <= 6; i++) r[n, i] = $i }
	END {
		for (k = 1; k < n; k++) {
			a = r[k, c]; b = r[k + 1, c]
			if ((a - v) * (b - v) > 0 || a == b)
				continue
			f = (a - v) / (a - b)
			printf "%d-%d %.2f %.2f %.0f\n", r[k, 1], r[k + 1, 1],
			    r[k, 4] + f * (r[k + 1, 4] - r[k, 4]),
			    r[k, 5] + f * (r[k + 1, 5] - r[k, 5]),
			    r[k, 6] + f * (r[k + 1, 6] - r[k, 6])
			exit
		}
		print "n/a"
	}' "$T/ladder.s"
}

# --- scene detection --------------------------------------------------------------

if [ -n "$scd" ]; then
long=$T/src/scenes720x4.mkv
ffmpeg -nostdin -hide_banner -loglevel error -y -stream_loop 3 -i "$src" \
    -map 0:v -c copy "$long" || die "cannot loop the clip"
best() {	# NAME CMD...: the best wall time of three runs
	_n=$1
	shift
	for _i in 1 2 3; do
		_t0=$(now)
		"$@" >"$T/$_n.out" 2>&1
		_t1=$(now)
		awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.3f\n", b - a }'
	done | sort -n | head -n 1
}
echo "scene detection: distenc, then ffmpeg scdet (three runs each)..."
t_de=$(best scd-distenc "$DISTENC" -p av1 --scenes-only "$long")
t_ff=$(best scd-ffmpeg ffmpeg -nostdin -hide_banner -i "$long" -an \
    -vf scdet=threshold=11.72 -f null -)
# The floor under both: the ffmpeg program decoding the clip, nothing more.
t_dec=$(best dec-ffmpeg ffmpeg -nostdin -hide_banner -i "$long" -an -f null -)
cuts_de=$(sed -n 's/.*, \([0-9]*\) scene changes.*/\1/p' "$T/scd-distenc.out")
cuts_ff=$(grep -c 'lavfi.scd.score' "$T/scd-ffmpeg.out")
list_de=$(sed -n 's/.*scene changes: *//p' "$T/scd-distenc.out")
list_ff=$(grep -o 'lavfi.scd.time: [0-9.]*' "$T/scd-ffmpeg.out" |
    awk '{ printf "%s%d", (NR > 1 ? " " : ""), $2 * 25 + 0.5 }')
[ "$list_de" = "$list_ff" ] && same="the same frames" ||
    same="different frames: distenc $list_de; ffmpeg $list_ff"
fi

# --- report -----------------------------------------------------------------------

wall_c=$(cat "$T/chunked.wall")
wall_s=$(cat "$T/single.wall")
cpu_c=$(awk '{ printf "%.2f", $1 + $2 }' "$T/chunked.time")
cpu_s=$(awk '{ printf "%.2f", $1 + $2 }' "$T/single.time")
echo
echo "clip:      $seconds s, 1280x720, 25 fps, a scene every 2 s"
echo "encoder:   libaom, cq-level 14, cpu-used $cpu, $ncpu processors"
echo "load:      $load0 (1, 5, 15 min) before the encodes"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the end"
echo
printf '%-34s %9s %9s %11s %11s %9s %9s %8s\n' "" "wall (s)" "CPU (s)" \
    "CPU, stage" "CPU, queued" "PSNR" "SSIM" "kbit/s"
printf '%-34s %9s %9s %10s%% %10s%% %9.3f %9.6f %8s\n' \
    "chunked: $nchunks chunks, $ncpu x 1 thread" "$wall_c" "$cpu_c" \
    "$stage_c" "$remain_c" ${q_c} "$b_c"
printf '%-34s %9s %9s %10s%% %11s %9.3f %9.6f %8s\n' \
    "single: 1 encoder, $ncpu threads" "$wall_s" "$cpu_s" "$stage_s" "-" \
    ${q_s} "$b_s"
awk -v c="$wall_c" -v s="$wall_s" -v cc="$cpu_c" -v cs="$cpu_s" 'BEGIN {
	printf "%-34s %9.2f (target: 0.9 or less at 16 s, 0.8 at 40 s)\n",
	    "ratio chunked/single (wall)", c / s
	printf "%-34s %9.2f\n", "ratio chunked/single (CPU)", cc / cs }'
if [ -n "$match" ]; then
	echo
	echo "at equal quality: the chunked run at other q, interpolated to the"
	echo "single run's PSNR, then to its SSIM"
	printf '%-34s %9s %9s %11s %11s %9s %9s %8s\n' "" "wall (s)" \
	    "CPU (s)" "" "" "PSNR" "SSIM" "kbit/s"
	awk '{ printf "%-34s %9.2f %9.2f %11s %11s %9.3f %9.6f %8s\n",
	    "chunked at q " $1, $4, $5, "", "", $2, $3, $6 }' "$T/ladder.s"
	for m in "PSNR 2 ${q_s% *}" "SSIM 3 ${q_s#* }"; do
		set -- $m
		e=$(at_equal "$2" "$3")
		if [ "$e" = n/a ]; then
			echo "equal $1: not bracketed by the runs above"
			continue
		fi
		echo "$e" | awk -v m="$1" -v v="$3" -v ws="$wall_s" -v cs="$cpu_s" \
		    -v ks="$b_s" '{
			printf "%-34s %9.2f %9.2f   (q %s)\n",
			    "chunked at the single " m " " v, $2, $3, $1
			printf "%-34s %9.2f (target: 0.9 or less at 16 s, " \
			    "0.8 at 40 s)\n", "  ratio chunked/single (wall)",
			    $2 / ws
			printf "%-34s %9.2f\n", "  ratio chunked/single (CPU)",
			    $3 / cs
			printf "%-34s %9.2f\n", "  ratio chunked/single (kbit/s)",
			    $4 / ks }'
	done
fi
echo
echo "CPU, stage: the encoders' CPU time over the chunk stage, as a share"
echo "of $ncpu processors; CPU, queued: the same while chunks remained to"
echo "be started (target: 95% or more)."
echo
echo "chunks ($splits split from the one before):"
printf '%6s %12s %9s %9s\n' chunk "est. cost" "CPU (s)" "wall (s)"
sort -n "$T/chunks.txt" | awk '{ printf "%6s %12s %9s %9s\n", $1, $2, $3, $4 }'
awk -v m="$span_c" -v t="$sum_cpu" -v w="$sum_wall" -v n="$ncpu" 'BEGIN {
	printf "%-44s %9.2f s\n", "chunk stage makespan", m
	printf "%-44s %9.2f s\n", "sum of chunk CPU times / processors", t / n
	printf "%-44s %9.2f (target: 1.1 or less)\n",
	    "makespan / (CPU sum / processors)", m / (t / n)
	printf "%-44s %9.2f s\n", "sum of chunk wall times / encoders", w / n
	printf "%-44s %9.2f\n", "makespan / (wall sum / encoders)", m / (w / n) }'
echo "rank correlation (Spearman) of the estimated cost with the chunk's"
echo "wall time: $rho_wall; with its CPU time: $rho_cpu"
[ -n "$scd" ] || exit 0
echo
printf '%-34s %10s %12s\n' "scene detection ($((seconds * 4)) s clip)" \
    "wall (s)" "scenes"
printf '%-34s %10s %12s\n' "distenc --scenes-only" "$t_de" "$cuts_de"
printf '%-34s %10s %12s\n' "ffmpeg -vf scdet=threshold=11.72" "$t_ff" \
    "$cuts_ff"
printf '%-34s %10s %12s\n' "ffmpeg, decoding alone" "$t_dec" "-"
echo "scene changes found: $same"
awk -v d="$t_de" -v f="$t_ff" 'BEGIN {
	printf "%-34s %10.2f (target: 2 or more)\n", "speed-up distenc/ffmpeg",
	    f / d }'
awk -v d="$t_de" -v f="$t_dec" 'BEGIN {
	printf "%-34s %10.2f\n", "distenc against decoding alone", f / d }'
