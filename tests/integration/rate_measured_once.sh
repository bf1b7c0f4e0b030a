#!/bin/sh
#
# A source whose container does not state the video bitrate (MPEG-TS) is
# measured from its packets once per job: the plan step measures it and
# keeps the figure in the job's work directory; each chunk step and the
# join (with its size guard) reuse it.  A changed source is measured
# again.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 8
need_tools
need_distenc

SRC=$T/in/film.ts
mkdir -p "$T/in"
ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i testsrc2=size=160x90:rate=25:duration=2 \
    -c:v libx264 -preset ultrafast -b:v 100k -g 10 "$SRC" 2>"$T/ffmpeg.err" ||
    diag_file "$T/ffmpeg.err" ffmpeg
WORK=$T/work
CONF=$T/rate.conf
cat >"$CONF" <<EOC
profiles = { hc = { inherit = "hevc-chunked"; preset = "ultrafast";
  min_chunk_length = 10; max_chunk_length = 25; crop = "off"; threads = 1;
  max_output_share = 0.9; when_larger = "keep"; }; };
default_profile = "hc";
jobs = 1;
stats_dir = "$T/stats";
work_dir = "$WORK";
EOC

# measured: how many of the runs so far measured the bitrate.
measured() {
	cat "$T"/run*.stderr | grep -c 'video bitrate measured from the packets'
}

run_distenc -c "$CONF" -o "$T/out" --chunk-step plan "$SRC"
is "$DE_RC" 0 "plan step: exits 0"
PLAN=$(find "$WORK" -name plan | head -n 1)
N=$(grep -c '^chunk ' "${PLAN:-/dev/null}")
ok "plan step: two chunks or more" test "${N:-0}" -ge 2
ok "plan step: the measured figure is kept in the work directory" \
    test -s "$(dirname "${PLAN:-$WORK/none/plan}")/source-rate"
k=0
while [ "$k" -lt "${N:-0}" ]; do
	run_distenc -c "$CONF" -o "$T/out" --chunk-step "chunk:$k" "$SRC"
	k=$((k + 1))
done
run_distenc -c "$CONF" -o "$T/out" --chunk-step join "$SRC"
is "$DE_RC" 0 "join step: exits 0"
ok "the output is published" test -s "$T/out/film.mkv"
grep_ok "$DE_ERR" 'video bitrate of the packets reused from .*/source-rate' \
    "the join reuses the kept figure"
is "$(measured)" 1 "the bitrate is measured once for the whole job"

touch -d '2020-01-01 00:00:00' "$SRC"
run_distenc -c "$CONF" -o "$T/out2" --chunk-step plan "$SRC"
is "$(measured)" 2 "a changed source is measured again"
