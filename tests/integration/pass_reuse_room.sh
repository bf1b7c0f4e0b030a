#!/bin/sh
#
# pass_reuse counts pass 1's analysis file in the stats directory's space
# check: in a stats directory (a 128 KiB tmpfs) that holds the stats of a
# 3 s clip but not its analysis file (about 360 KB counted), the job says
# pass 2 does without it, encodes without reuse, and leaves the directory
# empty.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distenc

clip letterbox "$T/clips/a.mkv" 3
write_conf "$T/reuse.conf" ultrafast 300 'pass_reuse = "both";'
if ! try_mount_tmpfs "$T/small" size=128k; then
	bail_rest "cannot mount a tmpfs"
	exit 0
fi
mkdir -p "$T/small/stats"
run_distenc -v -c "$T/reuse.conf" -o "$T/out" -s "$T/small/stats" \
    -i "$T/clips/a.mkv"
is "$DE_RC" 0 "distenc exits 0"
ok "it says pass 2 does without pass 1's analysis, and why" \
    grep -Eq "pass 2 does without pass 1's analysis: it needs about [0-9]+ bytes more than the stats, and the stats directory $T/small/stats has [0-9]+ bytes free" "$DE_ERR"
ok "no analysis file is named for pass 2" \
    sh -c '! grep -q "pass 1.s analysis for pass 2" "$1"' _ "$DE_ERR"
is "$(frame_count "$T/out/a.mkv")" "$(frame_count "$T/clips/a.mkv")" \
    "the output has every frame"
ok "nothing is left in the stats directory" tree_is_empty "$T/small/stats"
