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
clip greybars "$SRC" 2 || { bail_rest "cannot make the clip"; exit 0; }
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
