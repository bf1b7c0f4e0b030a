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
clip night "$SRC" 2 || { bail_rest "cannot make the clip"; exit 0; }

run_distenc --crop-only "$SRC"
is "$DE_RC" 0 "exits 0"
ok "the night scene is not cropped: $(cat "$DE_OUT")" \
    grep -qF "crop 320x180+0+0" "$DE_OUT"
