#!/bin/sh
#
# Bad SVT-AV1 settings are refused with a clear error: out-of-range
# svt_preset, svt_crf and svt_film_grain by distencd -n as FILE:LINE: KEY:
# REASON, every one of them; an unknown encoder name; an option of
# svt_params that SVT-AV1 does not know, or a value it does not take,
# fails the job naming the source (and the chunk, after its retries) and
# the option, with no output left.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/svt_lib.sh"

plan 13
need_tools
need_distenc
need_distencd

# line FILE TEXT: the number of the first line of FILE with TEXT.
line() {
	grep -nF -- "$2" "$1" | head -n 1 | cut -d: -f1
}

write_dconf "$T/preset.conf" "" 'svtbad = { encoder = "svt";
svt_preset = 14; };'
n=$(line "$T/preset.conf" "svt_preset = 14;")
run_distencd -n -c "$T/preset.conf"
is "$DE_RC" 1 "svt_preset = 14: -n exits 1"
ok "svt_preset = 14: $T/preset.conf:$n: profiles.svtbad.svt_preset: out of range" \
    grep -Fq "$T/preset.conf:$n: profiles.svtbad.svt_preset: 14 is out of range (0..13)" \
    "$DE_ERR"

write_dconf "$T/two.conf" "" 'svtbad = { encoder = "svt";
svt_crf = 0;
svt_film_grain = 51; };'
crf=$(line "$T/two.conf" "svt_crf = 0;")
fg=$(line "$T/two.conf" "svt_film_grain = 51;")
run_distencd -n -c "$T/two.conf"
is "$DE_RC" 1 "svt_crf = 0 and svt_film_grain = 51: -n exits 1"
ok "svt_crf = 0: $T/two.conf:$crf: said" \
    grep -Fq "$T/two.conf:$crf: profiles.svtbad.svt_crf: 0 is out of range (1..63)" \
    "$DE_ERR"
ok "svt_film_grain = 51: $T/two.conf:$fg: said too" \
    grep -Fq "$T/two.conf:$fg: profiles.svtbad.svt_film_grain: 51 is out of range (0..50)" \
    "$DE_ERR"

write_dconf "$T/enc.conf" "" 'svtbad = {
encoder = "svt-av1"; };'
n=$(line "$T/enc.conf" 'encoder = "svt-av1";')
run_distencd -n -c "$T/enc.conf"
ok "encoder = \"svt-av1\": $T/enc.conf:$n: not one of x265, aom, svt" \
    grep -Fq "$T/enc.conf:$n: profiles.svtbad.encoder: \"svt-av1\" is not one of x265, aom, svt" \
    "$DE_ERR"

# Options SVT-AV1 itself judges, when the encoder is opened.
src=$T/in/film.mkv
clip letterbox "$src" 1
svt_conf "$T/opt.conf" 'svt_params = "tune=0:nosuch=1";'
run_distenc -c "$T/opt.conf" -o "$T/out" "$src"
is "$DE_RC" 1 "unknown option: exits 1"
ok "unknown option: the source and the option named" \
    grep -Fq "$src: svt: bad option nosuch=1" "$DE_ERR"
ok "unknown option: no output" tree_is_empty "$T/out"
svt_conf "$T/val.conf" 'svt_params = "enable-tf=7";'
run_distenc -c "$T/val.conf" -p svtc -o "$T/out" "$src"
is "$DE_RC" 1 "bad value, in chunks: exits 1"
ok "bad value, in chunks: the source, the chunk and the option named" \
    grep -Eq "$src: chunk [0-9]+: the encoder refused the profile's settings: svt: bad option enable-tf=7" \
    "$DE_ERR"
is "$(grep -c "trying again" "$DE_ERR")" 0 \
    "bad value, in chunks: no chunk tried again"
ok "bad value, in chunks: no output" tree_is_empty "$T/out"
