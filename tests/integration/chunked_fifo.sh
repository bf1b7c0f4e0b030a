#!/bin/sh
#
# A FIFO in place of a chunk file in a chunked job's work directory (work_dir
# is shared) hangs nothing: it is never opened, it is removed with a
# warning naming it, the chunk is encoded again and the job finishes.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 4
need_tools
need_distenc

SRC=$T/in/scenes.mkv
clip scenes "$SRC"
WORK=$T/work
CONF=$T/chunk.conf
cat >"$CONF" <<EOC
profiles = { av1t = { inherit = "av1"; cpu_used = 7; lag_in_frames = 16;
  threads = 1; min_chunk_length = 16; crop = "off"; }; };
default_profile = "av1t";
jobs = 1;
work_dir = "$WORK";
EOC

run_distenc -c "$CONF" -o "$T/out" --chunk-step plan "$SRC"
PLAN=$(find "$WORK" -name plan)
JOBDIR=$(dirname "${PLAN:-$WORK/none/plan}")
is "$DE_RC" 0 "plan step: exits 0"

mkfifo "$JOBDIR/chunk-0000.mkv"
DISTENC_TIMEOUT=120 run_distenc -c "$CONF" -o "$T/out" "$SRC"
is "$DE_RC" 0 "a FIFO as a chunk file: the job finishes (exit 0)"
if de_all | grep -q "chunk 0: .*chunk-0000.mkv is not a regular file: removed"; then
	pass "the FIFO is named and removed"
else
	fail "the FIFO is named and removed"
fi
ok "the output is whole" test "$(frame_count "$T/out/scenes.mkv")" -gt 0
