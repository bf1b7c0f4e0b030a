#!/bin/sh
#
# A FIFO in place of a chunk file in a chunked job's work directory (work_dir
# is shared) hangs nothing: it is never opened, it is removed with a
# warning naming it, the chunk is encoded again and the job finishes.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/chunked_lib.sh"

plan 4
need_tools
need_distenc

chunked_setup

chunked_plan
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
