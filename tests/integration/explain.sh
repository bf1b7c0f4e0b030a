#!/bin/sh
#
# distenc --explain: for each file what was probed, the rule that holds
# and what would be done (profile, crop, bitrate and its bound, streams),
# without encoding anything.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 8
need_tools
need_distenc
need_encoder libx265

lib_clip libx265 150 "$T/in/hevc.mkv"
clip letterbox "$T/in/film.mkv"
C=$T/rules.conf
write_conf "$C"
cat >>"$C" <<EOF
rules = ( { name = "hevc"; codec = [ "hevc" ]; skip = "already HEVC"; } );
EOF
run_distenc -c "$C" -o "$T/out" --explain "$T/in"
is "$DE_RC" 0 "--explain exits 0"
grep_ok "$DE_OUT" '^  probe: hevc 320x180, 8-bit, 25\.000 fps' "it tells what was probed"
grep_ok "$DE_OUT" '^  source video: [0-9]+ kbps, [0-9]+ bytes \(from the (packets|container)\)' \
    "and the source's video bitrate"
grep_ok "$DE_OUT" '^  action: skip \(rule 1 \(hevc\): already HEVC\)' \
    "the rule that holds and the skip"
grep_ok "$DE_OUT" '^  crop: 22:22:0:0 -> 320x136' "the crop the film would get"
grep_ok "$DE_OUT" '^  video: x265, two-pass, [0-9]+ kbps \(bound: ' \
    "the bitrate and its bound"
grep_ok "$DE_OUT" '^  streams kept: video, 1 audio \(opus\)' "the streams kept"
ok "nothing is encoded" test ! -e "$T/out"
