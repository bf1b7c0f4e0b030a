#!/bin/sh
#
# Crop on an analogue-style capture: a letterboxed clip whose bars are not
# black but grey (luma about 30), with noise over the whole frame and
# bright lines at the frame's edge (two rows at the top, one at the
# bottom): the bars are found, the picture kept whole.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 3
need_tools
need_distenc

SRC=$T/in/grey.mkv
mkdir -p "$T/in"
ffmpeg -nostdin -v error -f lavfi -i "testsrc2=s=320x136:r=25:d=2" \
    -vf "pad=320:180:0:22:color=0x101010,format=yuv420p,noise=alls=12:allf=t,drawbox=x=0:y=0:w=iw:h=2:color=0xC8C8C8:t=fill,drawbox=x=0:y=ih-1:w=iw:h=1:color=0xB0B0B0:t=fill" \
    -c:v libx264 -preset veryfast -crf 18 "$SRC" ||
    bail_rest "cannot make the clip"
# the bars' level, as a check of the clip itself
bar=$(ffmpeg -nostdin -v error -i "$SRC" -vf \
    "crop=320:16:0:4,signalstats,metadata=print:file=-" -frames:v 1 \
    -f null - | sed -n 's/.*YAVG=\([0-9]*\).*/\1/p' | head -n 1)
ok "the clip's bars are grey, above the black limit (luma ${bar:-?})" \
    awk -v b="$bar" 'BEGIN { exit !(b > 24 && b <= 36) }'

run_distenc --crop-only "$SRC"
is "$DE_RC" 0 "exits 0"
ok "the grey bars are cropped: $(cat "$DE_OUT")" \
    grep -qF "crop 320x136+0+22" "$DE_OUT"
