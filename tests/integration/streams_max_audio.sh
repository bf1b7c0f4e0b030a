#!/bin/sh
#
# max_audio_tracks = 2 keeps the first two of three audio tracks, and of
# the two the source flags default (the second and the third) exactly one
# stays default in the output: the second.  The job's summary says how
# many tracks were kept.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distenc

src=$T/in/three.mkv
out=$T/out
dst=$out/three.mkv
mkdir -p "$T/in"
ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
    -f lavfi -i sine=f=440:d=2 -f lavfi -i sine=f=550:d=2 \
    -f lavfi -i sine=f=660:d=2 -map 0 -map 1 -map 2 -map 3 \
    -c:v libx264 -preset ultrafast -c:a aac \
    -metadata:s:a:0 title=One -metadata:s:a:1 title=Two \
    -metadata:s:a:2 title=Three -disposition:a:0 0 \
    -disposition:a:1 default -disposition:a:2 default "$src" \
    2>"$T/ffmpeg.err"
is "$(ffprobe -v error -select_streams a -show_entries \
    stream_disposition=default -of csv=p=0 "$src" | tr '\n' ' ')" \
    "0 1 1 " "fixture: three tracks, two flagged default"

write_conf "$T/max.conf" ultrafast 300 'max_audio_tracks = 2;'
run_distenc -c "$T/max.conf" -i "$src" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
is "$(probe_tag "$dst" a title | tr '\n' ' ')" "One Two " \
    "the first two tracks kept"
is "$(ffprobe -v error -select_streams a -show_entries \
    stream_disposition=default -of csv=p=0 "$dst" | tr '\n' ' ')" \
    "0 1 " "exactly one default track: the second"
de_all >"$T/all.txt"
grep_ok "$T/all.txt" '^done: .*streams: audio 2 of 3, subtitles 0 of 0' \
    "the job's summary says two of three audio tracks were kept"
