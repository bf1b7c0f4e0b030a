#!/bin/sh
#
# dynamic_hdr = "base": a Dolby Vision profile 8.1 source has its HDR10
# base layer encoded, with a warning and a word in the job's summary, and
# the output carries no Dolby Vision record; a profile 5 source (no base
# layer other players show right) is still refused, saying why.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/dovi/dovi.sh"

plan 8
need_tools
need_distenc
need_mkdovi

conf=$T/base.conf
write_conf "$conf" ultrafast 300 'dynamic_hdr = "base";'
out=$T/out
dovi_clip "$T/in/dv81.mkv" 8 1
dovi_clip "$T/in/dv5.mkv" 5 0

run_distenc -c "$conf" -i "$T/in/dv81.mkv" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "profile 8.1: distenc exits 0"
ok "profile 8.1: output written" test -f "$out/dv81.mkv"
de_all >"$T/all1.txt"
grep_ok "$T/all1.txt" \
    'Dolby Vision profile 8\.1: only the base layer is encoded' \
    "profile 8.1: a warning says only the base layer is encoded"
grep_ok "$T/all1.txt" '^done: .*Dolby Vision profile 8\.1: base layer only' \
    "profile 8.1: the job's summary says so"
ffprobe -v error -show_streams "$out/dv81.mkv" >"$T/probe.txt" 2>&1
ok "profile 8.1: the output has no Dolby Vision record" \
    sh -c "! grep -q DOVI '$T/probe.txt'"
is "$(probe_stream "$out/dv81.mkv" v:0 color_transfer)" smpte2084 \
    "profile 8.1: the base layer's PQ transfer kept"

run_distenc -c "$conf" -i "$T/in/dv5.mkv" -o "$T/out5" -s "$T/stats"
is "$DE_RC" 1 "profile 5: refused"
de_all >"$T/all2.txt"
grep_ok "$T/all2.txt" \
    'failed: .*dv5\.mkv: Dolby Vision profile 5 has no base layer.*colours would be wrong' \
    "profile 5: the reason says its colours would be wrong"
