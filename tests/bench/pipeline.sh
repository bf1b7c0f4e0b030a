#!/bin/sh
#
# Benchmark (not part of make check): distenc against the equivalent
# pipeline of ffmpeg program runs, side by side on one generated clip.
#
#	tests/bench/pipeline.sh [-p PRESET] [-b KBPS] [-t THREADS] [-x SETTINGS] [-k]
#	    [SECONDS]
#
#   SECONDS  length of the 1280x720 letterboxed clip (default 20)
#   -p       x265 preset for both sides (default medium)
#   -b       video bitrate in kbps for both sides (default 1500)
#   -t       x265 thread pool size, the same for both sides (default: the
#            number of online CPUs); also BENCH_THREADS=N in the
#            environment.  distenc gets "threads = N;" in its profile,
#            ffmpeg "-x265-params pools=N".  0 passes nothing to either
#            side, leaving each its own default (distenc's is 2, x265's
#            all CPUs: not a like-for-like comparison).
#   -x       more profile settings for distenc alone, e.g.
#            "fast_firstpass = true;"
#   -k       keep the temporary directory (outputs, logs)
#
# distenc runs with a config using that preset and bitrate; the ffmpeg
# side is: cropdetect over the whole clip (last crop= kept), a loudnorm
# measuring pass, x265 pass 1 on the cropped video, x265 pass 2 with the
# audio through loudnorm (measured values, linear) to Opus, into Matroska.
# Both sides encode audio at 64 kbps per channel.  Both outputs' PSNR and
# SSIM against the source cropped to the picture (libavfilter's psnr and
# ssim) are printed beside their bitrates, and the machine's load.  Each run is timed with
# GNU time; the report gives wall and CPU (user + sys) seconds for both and
# the ratios distenc / ffmpeg.  Only the ratios mean anything: never
# compare the absolute numbers across machines or runs.
#
# Environment: top_srcdir, top_builddir (default: two levels up), DISTENC.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/bench/bench_lib.sh"

preset=medium
kbps=1500
threads=${BENCH_THREADS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 0)}
more=
while getopts p:b:t:x:k opt; do
	case $opt in
	p) preset=$OPTARG ;;
	b) kbps=$OPTARG ;;
	t) threads=$OPTARG ;;
	x) more=$OPTARG ;;
	k) KEEP_TMP=1 ;;
	*) sed -n '5,7s/^#//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
seconds=${1:-20}
[ "$threads" = 0 ] && threads=
abitrate=64	# kbps per channel, stereo clip

[ -x "$DISTENC" ] || die "no executable distenc at $DISTENC"
command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed"
[ -x /usr/bin/time ] ||
    echo "bench: GNU time (/usr/bin/time, package \"time\") missing: wall clock only" >&2

src=$T/src/bench.mkv
echo "before: $(bench_load)"
echo "making a ${seconds} s 1280x720 letterboxed clip..."
clip long "$src" "$seconds" || die "cannot make the clip"

# --- (a) distenc --------------------------------------------------------------

conf=$T/bench.conf
extra="audio_bitrate = $abitrate;${threads:+ threads = $threads;} $more"
write_conf "$conf" "$preset" "$kbps" "$extra"
# write_conf points stats_dir at $T/stats; distenc gets its own with -s.
mkdir -p "$T/stats-a" "$T/out-a"
echo "running distenc..."
time_cmd "$T/time.distenc" "$DISTENC" -c "$conf" -o "$T/out-a" \
    -s "$T/stats-a" -i "$src" >"$T/distenc.log" 2>&1 ||
    { tail -n 20 "$T/distenc.log" >&2; die "distenc failed"; }

# --- (b) the ffmpeg program -----------------------------------------------------

pools=${threads:+:pools=$threads}
stats=$T/stats-b/x265.log
mkdir -p "$T/stats-b" "$T/out-b"

echo "running the ffmpeg pipeline: cropdetect..."
time_cmd "$T/time.crop" \
    ffmpeg -nostdin -hide_banner -nostats -y -i "$src" -map 0:v:0 -vf cropdetect=round=2 \
    -f null - >"$T/crop.log" 2>&1 || die "cropdetect failed"
crop=$(grep -o 'crop=[0-9]*:[0-9]*:[0-9]*:[0-9]*' "$T/crop.log" | tail -n 1)
crop=${crop#crop=}
[ -n "$crop" ] || die "cropdetect found nothing"

echo "  loudnorm measure..."
time_cmd "$T/time.measure" \
    ffmpeg -nostdin -hide_banner -nostats -y -i "$src" -map 0:a:0 \
    -af loudnorm=I=-23:TP=-1:LRA=11:print_format=json -f null - \
    >"$T/measure.log" 2>&1 || die "loudnorm measuring failed"
# "key" : "value" lines of the JSON printed last.
jv() {
	sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" \
	    "$T/measure.log" | tail -n 1
}
af="loudnorm=I=-23:TP=-1:LRA=11:measured_I=$(jv input_i):measured_TP=$(jv input_tp)"
af="$af:measured_LRA=$(jv input_lra):measured_thresh=$(jv input_thresh)"
af="$af:offset=$(jv target_offset):linear=true"

echo "  x265 pass 1..."
time_cmd "$T/time.pass1" \
    ffmpeg -nostdin -hide_banner -nostats -y -i "$src" -map 0:v:0 -vf "crop=$crop" \
    -c:v libx265 -preset "$preset" -b:v "${kbps}k" \
    -x265-params "log-level=error:pass=1:stats=$stats$pools" \
    -an -f null - >"$T/pass1.log" 2>&1 || die "x265 pass 1 failed"

echo "  x265 pass 2..."
time_cmd "$T/time.pass2" \
    ffmpeg -nostdin -hide_banner -nostats -y -i "$src" -map 0:v:0 -map 0:a:0 \
    -vf "crop=$crop" -c:v libx265 -preset "$preset" -b:v "${kbps}k" \
    -x265-params "log-level=error:pass=2:stats=$stats$pools" \
    -af "$af" -c:a libopus -b:a "$((abitrate * 2))k" \
    "$T/out-b/bench.mkv" >"$T/pass2.log" 2>&1 || die "x265 pass 2 failed"

# --- report -------------------------------------------------------------------

for f in crop measure pass1 pass2; do
	cat "$T/time.$f"
done | awk '{ w += $1; u += $2; s += $3 } END { print w, u, s }' \
    >"$T/time.ffmpeg"

desc() {	# FILE: WxH, kbps, LUFS
	printf '%sx%s, %s kbps, %s LUFS' \
	    "$(probe_stream "$1" v:0 width)" "$(probe_stream "$1" v:0 height)" \
	    "$(ffprobe -v error -show_entries format=bit_rate \
		-of default=nw=1:nk=1 "$1" | awk '{ printf "%d", $1 / 1000 }')" \
	    "$(loudness "$1" 0)"
}

echo
echo "clip:    $seconds s, 1280x720 (1280x544 picture), 25 fps, stereo"
echo "x265:    preset $preset, $kbps kbps, thread pool ${threads:-"each side's default"}"
[ -n "$more" ] && echo "distenc: also $more"
echo "distenc: $(grep -h 'done:' "$T/distenc.log" | head -n 1 | sed 's/^distenc: //')"
echo "ffmpeg:  crop=$crop"
echo "outputs: distenc $(desc "$T/out-a/bench.mkv")"
echo "         ffmpeg  $(desc "$T/out-b/bench.mkv")"
echo "quality: distenc PSNR, SSIM $(bench_quality "$T/out-a/bench.mkv" "$src" 1280:544:0:88)"
echo "         ffmpeg  PSNR, SSIM $(bench_quality "$T/out-b/bench.mkv" "$src" 1280:544:0:88)"
echo "after:   $(bench_load)"
echo
awk -v n="$(cat "$T/time.distenc")" -v f="$(cat "$T/time.ffmpeg")" \
    -v c="$(cat "$T/time.crop")" -v m="$(cat "$T/time.measure")" \
    -v p1="$(cat "$T/time.pass1")" -v p2="$(cat "$T/time.pass2")" '
function row(name, t,   a) {
	split(t, a, " ")
	printf "%-22s %9.2f %9.2f\n", name, a[1], a[2] + a[3]
}
function ratio(x, y) { return y > 0 ? sprintf("%9.2f", x / y) : "      n/a" }
BEGIN {
	printf "%-22s %9s %9s\n", "", "wall (s)", "CPU (s)"
	row("distenc", n)
	row("ffmpeg pipeline", f)
	row("  cropdetect", c)
	row("  loudnorm measure", m)
	row("  x265 pass 1", p1)
	row("  x265 pass 2", p2)
	split(n, a, " "); split(f, b, " ")
	printf "%-22s %s %s\n", "ratio distenc/ffmpeg", ratio(a[1], b[1]),
	    ratio(a[2] + a[3], b[2] + b[3])
}'
