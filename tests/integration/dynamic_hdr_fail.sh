#!/bin/sh
#
# A Dolby Vision source (profile 8.1: an HDR10 base layer and a
# configuration record) is refused by default (dynamic_hdr = "fail"): the
# reason names Dolby Vision, its profile and the setting that would
# encode it, and no output is written.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/dovi/dovi.sh"

plan 5
need_tools
need_distenc
need_mkdovi

out=$T/out
dovi_clip "$T/in/dv81.mkv" 8 1
ffprobe -v error -show_streams "$T/in/dv81.mkv" >"$T/probe.txt" 2>&1
grep_ok "$T/probe.txt" '^dv_profile=8$' \
    "fixture: the source carries a Dolby Vision configuration record"

run_distenc -c "$TESTCONF" -i "$T/in/dv81.mkv" -o "$out" -s "$T/stats"
is "$DE_RC" 1 "distenc exits 1"
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'failed: .*dv81\.mkv: Dolby Vision profile 8\.1' \
    "the reason names Dolby Vision profile 8.1"
grep_ok "$T/all.txt" 'dynamic_hdr = "base"' "the reason names the setting"
ok "no output written" tree_is_empty "$out"
