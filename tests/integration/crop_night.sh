#!/bin/sh
#
# Crop on a night scene: a dark sky (luma 26 to 34, with noise and a star)
# over a dim street with lights, no bars.  The flat dark sky looks like a
# grey bar, but only on one side and over a picture hardly brighter: the
# picture is not cropped.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 2
need_tools
need_distenc

SRC=$T/in/night.mkv
mkdir -p "$T/in"
ffmpeg -nostdin -v error -f lavfi -i "color=c=black:s=320x180:r=25:d=2" \
    -vf "format=yuv420p,geq=lum='if(lt(Y,100),26+8*Y/100,40+40*gt(mod(X+3*T*25,40),30)*gt(Y,140))':cb=128:cr=128,noise=alls=8:allf=t,drawbox=x=60:y=110:w=6:h=6:color=0xF0F0C0:t=fill,drawbox=x=200:y=120:w=8:h=5:color=0xF0E0A0:t=fill,drawbox=x=250:y=40:w=2:h=2:color=white:t=fill" \
    -c:v libx264 -preset veryfast -crf 18 "$SRC" ||
    bail_rest "cannot make the clip"

run_distenc --crop-only "$SRC"
is "$DE_RC" 0 "exits 0"
ok "the night scene is not cropped: $(cat "$DE_OUT")" \
    grep -qF "crop 320x180+0+0" "$DE_OUT"
