#!/bin/sh
#
# x265 refusing its settings: the job's error gives x265's own reason,
# which libx265 prints only on stderr (here: more consecutive B-frames
# than it allows, set through x265_params), with the source's name; the
# reason x265 printed still reaches stderr.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 4
need_tools
need_distenc

clip letterbox "$T/in/film.mkv" 1
write_conf "$T/bad.conf" ultrafast 200 'x265_params = "bframes=99";'
run_distenc -c "$T/bad.conf" -o "$T/out" -s "$T/stats" -i "$T/in/film.mkv"
is "$DE_RC" 1 "distenc exits 1"
grep_ok "$DE_ERR" "failed: .*film\.mkv: x265: cannot open the encoder for pass 1: max consecutive bframe count must be 16 or smaller" \
    "the failure names the file and gives x265's reason"
grep_ok "$DE_ERR" "^x265 \[error\]: max consecutive bframe count" \
    "x265's own line still reaches stderr"
ok "no output" sh -c '! ls "$1"/*.mkv >/dev/null 2>&1' _ "$T/out"
