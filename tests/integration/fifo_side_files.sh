#!/bin/sh
#
# A FIFO in place of a file read beside a source (a QP file, a film grain
# table) fails the job at once, as not a regular file, instead of waiting
# for a writer for ever.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 4
need_tools
need_distenc

# Without the fix distenc would wait for ever: cap each run.
DISTENC_TIMEOUT=60
SRC=$T/in/scenes.mkv
clip scenes "$SRC"
CONF=$T/chunk.conf
cat >"$CONF" <<EOC
profiles = { av1t = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16;
  threads = 1; min_chunk_length = 16; crop = "off"; };
  av1qp = { inherit = "av1t"; scd = "qpfile"; qp_file = "scenes.qp"; }; };
default_profile = "av1t";
stats_dir = "$T/stats";
work_dir = "$T/work";
EOC

mkfifo "$T/in/scenes.qp"
run_distenc -c "$CONF" -p av1qp -o "$T/outqp" "$SRC"
is "$DE_RC" 1 "a QP file that is a FIFO: exits 1 at once"
grep_ok "$DE_ERR" "scenes.qp: not a regular file" \
    "it says the QP file is not a regular file"
rm "$T/in/scenes.qp"

mkfifo "$T/grain.tbl"
run_distenc -c "$CONF" --graintable "$T/grain.tbl" -o "$T/outg" "$SRC"
is "$DE_RC" 1 "a grain table that is a FIFO: exits 1 at once"
grep_ok "$DE_ERR" "film grain table $T/grain.tbl: not a regular file" \
    "it says the grain table is not a regular file"
