#!/bin/sh
#
# The hdr condition of a rule, from the dynamic HDR probe: a Dolby Vision
# source (profile 8.1, on an HDR10 base layer) is "dolby_vision", not
# "hdr10", and a rule that skips it wins over dynamic_hdr = "fail" (the
# file is skipped, not failed); an HLG source is "hlg"; an SDR source
# matches neither and is encoded.  --explain names the dynamic HDR.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"
. "$top_srcdir/tests/dovi/dovi.sh"

plan 7
need_tools
need_distenc
need_mkdovi

mkdir -p "$T/in"
dovi_clip "$T/in/dv81.mkv" 8 1
corpus_hlg "$T/in" 2>"$T/ffmpeg.err"
clip letterbox "$T/in/sdr.mkv"
C=$T/rules.conf
write_conf "$C"
cat >>"$C" <<EOF
log_dir = "$T/logs";
rules = ( { name = "dv"; hdr = [ "dolby_vision" ];
	    skip = "Dolby Vision left as it is"; },
	  { name = "hdr10"; hdr = [ "hdr10", "hdr10+" ];
	    skip = "HDR10 left as it is"; },
	  { name = "hlg"; hdr = [ "hlg" ]; skip = "HLG left as it is"; } );
EOF
run_distenc -c "$C" -o "$T/out" "$T/in"
is "$DE_RC" 0 "no failure: the Dolby Vision source is skipped by its rule"
grep_ok "$DE_OUT" '^skipped: .*dv81\.mkv: rule 1 \(dv\): Dolby Vision left as it is$' \
    "Dolby Vision is told from its HDR10 base layer"
grep_ok "$DE_OUT" '^skipped: .*hlg\.mkv: rule 3 \(hlg\)' \
    "the HLG source is hlg"
ok "the SDR source matches no rule and is encoded" test -s "$T/out/sdr.mkv"
ok "nothing is written for the skipped sources" \
    test ! -e "$T/out/dv81.mkv" -a ! -e "$T/out/hlg.mkv"

run_distenc -c "$C" -o "$T/out2" --explain "$T/in/dv81.mkv"
grep_ok "$DE_OUT" '^  probe: .*HDR dolby_vision' \
    "--explain gives the HDR kind the rules see"
grep_ok "$DE_OUT" '^  dynamic HDR: Dolby Vision profile 8\.1' \
    "--explain names the dynamic HDR metadata"
