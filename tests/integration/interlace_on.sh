#!/bin/sh
#
# deinterlace = "on": a source whose stream says progressive is
# deinterlaced all the same (its output is closer to FFmpeg's bwdif of it
# than to the source), the log saying it was asked for.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/interlace_lib.sh"

plan 4
need_tools
need_distenc

src=$T/in/woven.mkv
dst=$T/out/woven.mkv
mkdir -p "$T/in"
# Fields woven into frames but flagged progressive, as a careless
# capture is.
ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=320x180:r=50:d=2 \
    -vf "tinterlace=interleave_top,setfield=prog" -c:v libx264 \
    -preset ultrafast -qp 0 "$src" 2>"$T/ffmpeg.err"
is "$(probe_stream "$src" v:0 field_order)" progressive \
    "fixture: the stream says progressive"

write_conf "$T/on.conf" ultrafast 1000 'deinterlace = "on";'
run_distenc -c "$T/on.conf" -i "$src" -o "$T/out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
bwdif_psnr "$src" "$dst"
ok "deinterlaced (PSNR $BWDIF_DB dB against bwdif, $SRC_DB dB against the source)" \
    awk -v g="$BWDIF_DB" -v b="$SRC_DB" 'BEGIN { exit !(g > b + 5) }'
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'interlace: interlaced: deinterlace = "on"' \
    "the log says deinterlacing was asked for"
