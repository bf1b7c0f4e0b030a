#!/bin/sh
#
# Where AviSynth+ is found, and what is said when it is: a versioned
# libavisynth.so.N alone (as distributions ship it without the -dev
# package) is loaded; the avisynth_library setting names a library
# anywhere; and a script that neither AviSynth+ nor the built-in
# interpreter runs is refused without advising to install AviSynth+, its
# name said once.  Against the stand-in library (tests/avsplus).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 6
need_tools
need_distenc

AVSREAD=$top_builddir/tests/avs/avsread
FAKE=$top_builddir/tests/avsplus/libavisynth.so
if [ ! -x "$AVSREAD" ] || [ ! -f "$FAKE" ]; then
	bail_rest "no $AVSREAD or $FAKE: check not run"
	exit 0
fi

S=$T/scripts
mkdir -p "$S" "$T/versioned" "$T/elsewhere"
cp "$FAKE" "$T/versioned/libavisynth.so.10"
cp "$FAKE" "$T/elsewhere/avs-plus.so"
printf 'FakeClip(128, 96, 10, 25, 1, 0, 0, 8)\n' >"$S/f.avs"

is "$(LD_LIBRARY_PATH=$T/versioned "$AVSREAD" -r 0:0 "$S/f.avs" 2>"$T/err")" \
    "frames=10 fps=25/1 size=128x96 pix_fmt=yuv420p audio=0" \
    "libavisynth.so.10 alone is loaded"

write_conf "$T/lib.conf"
echo "avisynth_library = \"$T/elsewhere/avs-plus.so\";" >>"$T/lib.conf"
run_distenc -c "$T/lib.conf" -o "$T/out" -s "$T/stats" "$S/f.avs"
is "$DE_RC" 0 "avisynth_library: the library it names runs the script"
is "$(frame_count "$T/out/f.mkv")" 10 "the script's 10 frames"

printf 'FakeClip(128, 96, 10, 25, 1, 0, 0, 8)\nError("no")\n' >"$S/bad.avs"
run_distenc -c "$T/lib.conf" -o "$T/out" -s "$T/stats" "$S/bad.avs"
is "$DE_RC" 1 "a script neither runs is refused"
ok "the refusal does not advise installing the AviSynth+ that ran it" \
    sh -c '! grep -q "installing AviSynth" "$1"' _ "$DE_OUT"
ok "the script's name is said once, not twice in a row" \
    sh -c '! grep -Eq "bad\.avs: [^ ]*bad\.avs: " "$1"' _ "$DE_OUT"
