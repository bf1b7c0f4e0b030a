#!/bin/sh
#
# Benchmark (not part of make check): chunked AV1 against one encoder, and
# scene detection against the ffmpeg program's scdet filter, side by side
# on one generated 720p clip.
#
#	tests/bench/chunked.sh [-c CPU_USED] [-j N] [-k] [SECONDS]
#
#   SECONDS  length of the 1280x720 clip of scenes (default 16)
#   -c       libaom cpu-used for both encodes (default 6)
#   -j       processors to use (default: all online): the chunked run has
#            N encoders of one thread each, the single run one encoder of
#            N threads; the same libaom settings otherwise
#   -k       keep the temporary directory
#
# The clip joins lavfi sources
# with a scene change every 2 s.  Both encodes are distenc runs of the same
# chunked profile: the chunked one with min_chunk_length 40 (a chunk per
# scene), the single one with min_chunk_length larger than the clip (one
# chunk, so one encoder).  Reported: the wall time of each and their
# ratio; the CPU use of the encoders (the process group's CPU time, read
# from /proc every 0.5 s) over the chunk stage, and over the part of it
# while chunks remained to be started, as a share of the processors.
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
while getopts c:j:k opt; do
	case $opt in
	c) cpu=$OPTARG ;;
	j) ncpu=$OPTARG ;;
	k) KEEP_TMP=1 ;;
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

# conf FILE MIN PARALLEL THREADS
conf() {
	cat >"$1" <<EOC
profiles = { b = { inherit = "av1"; cpu_used = $cpu; crop = "off";
  min_chunk_length = $2; parallel_encodes = $3; threads = $4; }; };
default_profile = "b";
work_dir = "$T/work";
EOC
}
conf "$T/chunked.conf" 40 "$ncpu" 1
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
	setsid sh -c 'echo $$ >"$0"; exec "$@" 2>&1' "$T/$1.pid" "$DISTENC" \
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

run chunked "$T/chunked.conf"
run single "$T/single.conf"

nchunks=$(grep -c 'encoding frames' "$T/chunked.log")
stage_c=$(window chunked 'encoding frames' 'of [0-9]*: frames')
remain_c=$(window chunked 'encoding frames' 'encoding frames')
stage_s=$(window single 'encoding frames' 'of [0-9]*: frames')

# --- scene detection --------------------------------------------------------------

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

# --- report -----------------------------------------------------------------------

wall_c=$(cat "$T/chunked.wall")
wall_s=$(cat "$T/single.wall")
echo
echo "clip:      $seconds s, 1280x720, 25 fps, a scene every 2 s"
echo "encoder:   libaom, cq-level 14, cpu-used $cpu, $ncpu processors"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the end"
echo
printf '%-34s %10s %12s %14s\n' "" "wall (s)" "CPU, stage" "CPU, queued"
printf '%-34s %10s %11s%% %13s%%\n' \
    "chunked: $nchunks chunks, $ncpu x 1 thread" "$wall_c" "$stage_c" \
    "$remain_c"
printf '%-34s %10s %11s%% %14s\n' "single: 1 encoder, $ncpu threads" \
    "$wall_s" "$stage_s" "-"
awk -v c="$wall_c" -v s="$wall_s" 'BEGIN {
	printf "%-34s %10.2f\n", "ratio chunked/single (wall)", c / s }'
echo
echo "CPU, stage: the encoders' CPU time over the chunk stage, as a share"
echo "of $ncpu processors; CPU, queued: the same while chunks remained to"
echo "be started (target: 95% or more)."
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
