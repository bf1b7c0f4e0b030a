#!/bin/sh
#
# distenc --explain on a source with several streams: each stream is
# listed kept or dropped with why (the profile's audio_languages drops
# the French track), the count of kept streams follows the choice, and
# the interlace detection's verdict is given with idet's counts.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distenc

clip streams "$T/in/s.mkv"
C=$T/e.conf
write_conf "$C" ultrafast 300 'audio_languages = "eng";'
run_distenc -c "$C" -o "$T/out" --explain "$T/in/s.mkv"
is "$DE_RC" 0 "--explain exits 0"
grep_ok "$DE_OUT" '^    stream 1: audio eng "Surround": encoded \(kept\)$' \
    "the English track is kept, and why"
grep_ok "$DE_OUT" '^    stream 2: audio fre "Stereo": dropped \(language not in audio_languages\)$' \
    "the French track is dropped, and why"
grep_ok "$DE_OUT" '^  streams kept: video, 1 audio \(' \
    "the count of kept streams follows the choice"
grep_ok "$DE_OUT" '^  deinterlace: progressive: .*\(idet: [0-9]+ tff' \
    "the interlace verdict, with idet's counts"
