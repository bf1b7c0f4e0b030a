#!/bin/sh
#
# distenc on a library folder: a directory is walked with the include and
# exclude patterns; the film's .nfo, .srt, .sub/.idx pair, poster and fan
# art are not jobs and block nothing (no failed job, no output name
# clash); an excluded folder is left alone; names match whatever their
# case unless match_case is set.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 9
need_tools
need_distenc
need_encoder libx264

L=$T/library
lib_clip libx264 400 "$L/Film (2001)/Film (2001).mkv"
lib_clip libx264 400 "$L/Other/OTHER.MKV"
lib_clip libx264 400 "$L/Extras/sample.mkv"
printf '<movie><title>Film</title></movie>\n' >"$L/Film (2001)/Film (2001).nfo"
printf '1\n00:00:00,000 --> 00:00:01,000\nHello\n' \
    >"$L/Film (2001)/Film (2001).srt"
printf 'x' >"$L/Film (2001)/Film (2001).sub"
printf '# VobSub index file, v7\n' >"$L/Film (2001)/Film (2001).idx"
ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=size=160x90 \
    -frames:v 1 "$L/Film (2001)/poster.jpg"
cp "$L/Film (2001)/poster.jpg" "$L/Film (2001)/fanart.png"

C=$T/lib.conf
write_conf "$C"
echo 'exclude = [ "Extras/*" ];' >>"$C"
run_distenc -c "$C" -o "$T/out" "$L"
is "$DE_RC" 0 "a library folder encodes with exit status 0"
is "$(grep -c '^done: ' "$DE_OUT")" 2 "its two films are done"
is "$(grep -c '^failed: ' "$DE_OUT")" 0 "no companion file fails"
ok "the film is encoded beside its companions" \
    test -s "$T/out/Film (2001)/Film (2001).mkv"
ok "a film named in capitals is a job (patterns ignore case)" \
    test -s "$T/out/Other/OTHER.mkv"
ok "the excluded folder is left alone" test ! -e "$T/out/Extras"
is "$(find "$T/out" -type f | wc -l | tr -d ' ')" 2 \
    "no poster, subtitle or .nfo became an output"

echo 'match_case = true; include = [ "*.mkv" ];' >>"$C"
run_distenc -c "$C" -o "$T/out2" "$L"
is "$(grep -c '^done: ' "$DE_OUT")" 1 \
    "with match_case, *.mkv does not take OTHER.MKV"
ok "and the film alone is encoded" test ! -e "$T/out2/Other"
