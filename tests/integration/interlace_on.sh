#!/bin/sh
#
# deinterlace = "on": a source whose stream says progressive is
# deinterlaced all the same (its output is closer to FFmpeg's bwdif of it
# than to the source), the log saying it was asked for.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

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
ffmpeg -nostdin -v error -y -i "$src" \
    -vf bwdif=mode=send_frame:parity=auto:deint=all -c:v ffv1 \
    "$T/ref.mkv" 2>>"$T/ffmpeg.err"
psnr() {
	ffmpeg -nostdin -i "$dst" -i "$1" -lavfi psnr -f null - 2>&1 |
	    sed -n 's/.*PSNR.*average:\([0-9.inf]*\).*/\1/p'
}
good=$(psnr "$T/ref.mkv")
bad=$(psnr "$src")
diag "PSNR against bwdif of the source $good dB, against the source $bad dB"
ok "deinterlaced (PSNR $good dB against bwdif, $bad dB against the source)" \
    awk -v g="$good" -v b="$bad" 'BEGIN { exit !(g > b + 5) }'
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'interlace: interlaced: deinterlace = "on"' \
    "the log says deinterlacing was asked for"
