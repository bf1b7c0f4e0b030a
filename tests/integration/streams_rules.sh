#!/bin/sh
#
# Streams chosen by the profile's rules: audio_languages = "eng",
# drop_commentary, drop_descriptive (by disposition and by title words),
# subtitle_languages = "eng" and drop_sdh.  Of four audio tracks only the
# English main one is kept, and is the default; of three subtitles the
# forced German one (forced: always kept) and the plain English one; the
# log names each stream dropped and why; verification expects the streams
# kept.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 11
need_tools
need_distenc

src=$T/in/rules.mkv
out=$T/out
dst=$out/rules.mkv
mkdir -p "$T/in"
printf '1\n00:00:00,000 --> 00:00:01,500\nHello\n\n' >"$T/in/.s.srt"
ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=160x90:r=25:d=2 \
    -f lavfi -i sine=f=440:d=2 -f lavfi -i sine=f=550:d=2 \
    -f lavfi -i sine=f=660:d=2 -f lavfi -i sine=f=770:d=2 \
    -i "$T/in/.s.srt" -i "$T/in/.s.srt" -i "$T/in/.s.srt" \
    -map 0 -map 1 -map 2 -map 3 -map 4 -map 5 -map 6 -map 7 \
    -c:v libx264 -preset ultrafast -c:a aac -c:s srt \
    -metadata:s:a:0 language=eng -metadata:s:a:0 title=Main \
    -metadata:s:a:1 language=ger \
    -metadata:s:a:2 language=eng -disposition:a:2 comment \
    -metadata:s:a:3 language=eng \
    -metadata:s:a:3 "title=English Audio Description" \
    -disposition:a:0 default -disposition:a:1 default \
    -metadata:s:s:0 language=ger -disposition:s:0 forced \
    -metadata:s:s:1 language=eng -disposition:s:1 hearing_impaired \
    -metadata:s:s:2 language=eng "$src" 2>"$T/ffmpeg.err"
is "$(stream_count "$src" audio)/$(stream_count "$src" subtitle)" 4/3 \
    "fixture: four audio tracks and three subtitles"

write_conf "$T/rules.conf" ultrafast 300 'audio_languages = "eng";
    drop_commentary = true; drop_descriptive = true;
    subtitle_languages = "eng"; drop_sdh = true;'
run_distenc -c "$T/rules.conf" -i "$src" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0 (verification expects the streams kept)"
is "$(stream_count "$dst" audio)" 1 "one audio track kept"
is "$(probe_tag "$dst" a:0 title)" Main "the English main track"
is "$(ffprobe -v error -select_streams a:0 -show_entries \
    stream_disposition=default -of csv=p=0 "$dst")" 1 \
    "it is the default track"
is "$(probe_tag "$dst" s language | tr '\n' ' ')" "ger eng " \
    "subtitles kept: the forced German one and the plain English one"
is "$(ffprobe -v error -select_streams s -show_entries \
    stream_disposition=forced,hearing_impaired -of csv=p=0 "$dst" |
    tr '\n' ' ')" "1,0 0,0 " "the forced flag kept, no SDH track left"
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'stream 2: audio ger: dropped \(language not in audio_languages\)' \
    "log: the German track dropped for its language"
grep_ok "$T/all.txt" 'stream 3: audio eng: dropped \(commentary \(drop_commentary\)\)' \
    "log: the commentary dropped"
grep_ok "$T/all.txt" 'stream 4: audio eng "English Audio Description": dropped \(descriptive audio' \
    "log: the descriptive track dropped by its title"
grep_ok "$T/all.txt" 'stream 6: subtitle eng: dropped \(hearing impaired \(drop_sdh\)\)' \
    "log: the SDH subtitles dropped"
