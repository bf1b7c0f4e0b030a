#!/bin/sh
#
# The interlaced condition of a rule, from the interlace detection (idet
# on sampled frames, with what the stream says): a combed source flagged
# interlaced holds it; a progressive picture flagged interlaced (its field
# order says top first) does not, and is encoded; --explain gives the
# verdict with idet's counts.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 6
need_tools
need_distenc

mkdir -p "$T/in"
corpus_interlaced "$T/in" 2>"$T/ffmpeg.err"
_cff -f lavfi -i testsrc=s=320x180:r=25:d=2 -vf setfield=tff \
    -c:v libx264 -preset ultrafast -flags +ildct+ilme -x264opts tff=1 \
    "$T/in/flagged.mkv" 2>>"$T/ffmpeg.err"
is "$(probe_stream "$T/in/flagged.mkv" v:0 field_order)" tb \
    "fixture: the progressive picture's stream says top field first"
C=$T/rules.conf
write_conf "$C"
cat >>"$C" <<EOF
log_dir = "$T/logs";
rules = ( { name = "interlaced"; interlaced = "yes";
	    skip = "interlaced: left for the other host"; } );
EOF
run_distenc -c "$C" -o "$T/out" "$T/in"
is "$DE_RC" 0 "distenc exits 0"
grep_ok "$DE_OUT" '^skipped: .*/interlaced\.mkv: rule 1 \(interlaced\)' \
    "the combed source flagged interlaced holds the rule"
ok "the flagged progressive picture does not, and is encoded" \
    test -s "$T/out/flagged.mkv"
grep_ok "$T/logs/flagged.log" 'rules: none holds' \
    "its log says no rule holds"

run_distenc -c "$C" -o "$T/out2" --explain "$T/in/interlaced.mkv"
grep_ok "$DE_OUT" '^  interlace: interlaced: .*\(idet: [0-9]+ tff' \
    "--explain gives the verdict with idet's counts"
