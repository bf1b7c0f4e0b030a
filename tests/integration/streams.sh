#!/bin/sh
#
# Everything besides the main picture survives: both audio tracks (5.1
# and stereo, languages, titles), each normalised to -23 LUFS on its own;
# the subtitle track; the chapters; the attachment; the global title.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 21
need_tools
need_distenc

src=$T/in/streams.mkv
out=$T/out
dst=$out/streams.mkv
clip streams "$src"

# Fixture: two audio tracks far from the target, one on each side.
s0=$(loudness "$src" 0)
s1=$(loudness "$src" 1)
diag "source loudness: a:0 $s0, a:1 $s1 LUFS"
ok "fixture: 5.1 track quiet ($s0 LUFS), stereo track loud ($s1 LUFS)" \
    awk -v a="$s0" -v b="$s1" -v t="$TARGET_LUFS" \
    'BEGIN { exit !(a != "" && b != "" && a < t - 5 && b > t + 5) }'

run_distenc -c "$TESTCONF" -i "$src" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
ok "output streams.mkv exists" test -f "$dst"
is "$(probe_stream "$dst" v:0 codec_name)" hevc "video is HEVC"

is "$(stream_count "$dst" audio)" 2 "two audio streams"
is "$(probe_stream "$dst" a codec_name | tr '\n' ' ')" "opus opus " \
    "both audio streams are Opus"
is "$(probe_stream "$dst" a:0 channels)/$(probe_stream "$dst" a:0 channel_layout)" \
    6/5.1 "first audio stream: 6 channels, 5.1"
is "$(probe_stream "$dst" a:1 channels)/$(probe_stream "$dst" a:1 channel_layout)" \
    2/stereo "second audio stream: 2 channels, stereo"
is "$(probe_tag "$dst" a:0 language)/$(probe_tag "$dst" a:0 title)" \
    eng/Surround "first audio stream: language eng, title Surround"
is "$(probe_tag "$dst" a:1 language)/$(probe_tag "$dst" a:1 title)" \
    fre/Stereo "second audio stream: language fre, title Stereo"

l0=$(loudness "$dst" 0)
l1=$(loudness "$dst" 1)
diag "output loudness: a:0 $l0, a:1 $l1 LUFS"
near "$l0" "$TARGET_LUFS" "$LUFS_TOL" \
    "5.1 track within $LUFS_TOL LU of $TARGET_LUFS LUFS"
near "$l1" "$TARGET_LUFS" "$LUFS_TOL" \
    "stereo track within $LUFS_TOL LU of $TARGET_LUFS LUFS"

is "$(stream_count "$dst" subtitle)" 1 "one subtitle stream"
is "$(probe_tag "$dst" s:0 language)" eng "subtitle language eng"

# The source's chapters: 0 s "Opening", 1.5 s "Closing" (tests/mkclip.sh).
is "$(chapter_starts "$dst" | wc -l | tr -d ' ')" 2 "two chapters"
is "$(chapter_starts "$dst" | tr '\n' ' ')" "0.000 1.500 " \
    "chapter start times kept (0 s, 1.5 s)"
is "$(chapter_titles "$dst" | tr '\n' '|')" "Opening|Closing|" \
    "chapter titles kept"

is "$(stream_count "$dst" attachment)/$(probe_tag "$dst" t:0 filename)/$(probe_tag "$dst" t:0 mimetype)" \
    1/notes.txt/text/plain "one attachment, notes.txt, text/plain"
# Its bytes, extracted from both files.
rm -f "$T/att.src" "$T/att.dst"
ffmpeg -nostdin -v quiet -dump_attachment:t:0 "$T/att.src" -i "$src" \
    -f null - 2>/dev/null
ffmpeg -nostdin -v quiet -dump_attachment:t:0 "$T/att.dst" -i "$dst" \
    -f null - 2>/dev/null
if [ -s "$T/att.src" ] && cmp -s "$T/att.src" "$T/att.dst"; then
	pass "attachment content identical"
else
	fail "attachment content identical"
fi

is "$(probe_format_tag "$dst" title)" "distenc streams test" \
    "global title tag kept"

ok "stats directory left empty" tree_is_empty "$T/stats"
