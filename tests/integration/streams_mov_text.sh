#!/bin/sh
#
# MP4 text subtitles (mov_text), which the Matroska muxer refuses, are
# decoded and encoded again as SRT by libavcodec: the output's subtitle
# stream is subrip, with the same two lines, each shown for one second,
# its language kept.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 5
need_tools
need_distenc

src=$T/in/movtext.mp4
dst=$T/out/movtext.mkv
mkdir -p "$T/in"
corpus_mov_text "$T/in" 2>"$T/ffmpeg.err"
is "$(probe_stream "$src" s codec_name)" mov_text "fixture: mov_text"

run_distenc -c "$TESTCONF" -i "$src" -o "$T/out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
is "$(probe_stream "$dst" s codec_name)/$(probe_tag "$dst" s language)" \
    subrip/eng "SRT (subrip), language eng"
ffmpeg -nostdin -v error -i "$dst" -map 0:s -f srt - >"$T/out.srt" \
    2>>"$T/ffmpeg.err"
is "$(grep -v -e '-->' -e '^[0-9]*$' -e '^$' "$T/out.srt" | tr '\n' ' ')" \
    "Hello World " "the text of both subtitles"
is "$(sed -n 's/^\(..\):\(..\):\(..\),\(...\) --> \(..\):\(..\):\(..\),\(...\)$/\1 \2 \3 \4 \5 \6 \7 \8/p' \
    "$T/out.srt" | awk '{ printf "%d ", ($5 * 3600 + $6 * 60 + $7) * 1000 + $8 - (($1 * 3600 + $2 * 60 + $3) * 1000 + $4) }')" \
    "1000 1000 " "each shown for one second, as in the source"
