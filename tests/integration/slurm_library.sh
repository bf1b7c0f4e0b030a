#!/bin/sh
#
# distenc --slurm on a library folder, against a one-node Slurm cluster
# (slurm_lib.sh): the folder is walked with include and exclude, so the
# film's .nfo and poster are not submitted, only the films; an HEVC film
# a rule skips ends its step as "skipped" with the rule's reason (a
# success, no output), and distencctl slurm shows it; the other film is
# published.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/library_lib.sh"
. "$top_srcdir/tests/slurm_lib.sh"

plan 8
need_tools
need_distenc
need_encoder libx265
slurm_need

WORK=$T/work
CONF=$T/slurm.conf.distenc
write_conf "$CONF"
cat >>"$CONF" <<EOC
work_dir = "$WORK";
slurm = { check_shared = false; time_encode = "10:00"; };
rules = ( { name = "hevc"; codec = [ "hevc" ]; skip = "already HEVC"; } );
EOC
L=$T/in/lib
clip letterbox "$L/Film/film.mkv" 2
printf '<movie/>\n' >"$L/Film/film.nfo"
ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=size=160x90 \
    -frames:v 1 "$L/Film/poster.jpg"
lib_clip libx265 150 "$L/hevc.mkv"

run_distenc -c "$CONF" -o "$T/out" --slurm "$L"
is "$DE_RC" 0 "the folder is submitted"
is "$(grep -c '^submitted: ' "$DE_OUT")" 2 "two inputs submitted"
grep_ok "$DE_OUT" "^submitted: $L/Film/film\\.mkv: encode job [0-9]+\$" \
    "the film is one"
ok "the .nfo and the poster are not submitted" \
    sh -c '! grep -q "film\.nfo\|poster\.jpg" "$1"' _ "$DE_OUT"

HS=$(slurm_dir "$L/hevc.mkv")/encode.state
ok "the HEVC film's step ends within 120 s" wait_until 120 slurm_step_over "$HS"
grep_ok "$HS" '^skipped: .*hevc\.mkv: rule 1 \(hevc\): already HEVC$' \
    "its outcome: skipped by the rule, with the reason"
wait_until 120 slurm_step_over "$(slurm_dir "$L/Film/film.mkv")/encode.state"
ok "the film is published, the skipped one is not" \
    sh -c 'test -s "$1" && test ! -e "$2"' _ "$T/out/Film/film.mkv" "$T/out/hevc.mkv"
"${top_builddir}/distencctl" -c "$CONF" slurm >"$T/ctl.out" 2>&1
diag_file "$T/ctl.out" "distencctl slurm" 20
grep_ok "$T/ctl.out" 'distenc encode: skipped: .*rule 1 \(hevc\)' \
    "distencctl slurm shows it skipped"
