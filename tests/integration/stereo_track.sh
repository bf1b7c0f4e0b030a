#!/bin/sh
#
# stereo_track = true: the 5.1 track (the first multichannel one) gets a
# stereo downmix (libswresample, ITU-R BS.775 coefficients) placed right
# after it, normalised to the target like the others, with the track's
# language, a title saying what it is, and not the default track.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 8
need_tools
need_distenc

src=$T/in/streams.mkv
out=$T/out
dst=$out/streams.mkv
clip streams "$src"
is "$(probe_stream "$src" a channels | tr '\n' ' ')" "6 2 " \
    "fixture: a 5.1 track, then a stereo one"

write_conf "$T/stereo.conf" ultrafast 300 'stereo_track = true;'
run_distenc -c "$T/stereo.conf" -i "$src" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0 (verification counts the downmix)"
is "$(probe_stream "$dst" a channels | tr '\n' ' ')" "6 2 2 " \
    "three audio tracks: 5.1, its downmix, the stereo one"
is "$(probe_tag "$dst" a:1 language)/$(probe_tag "$dst" a:1 title)" \
    "eng/Surround - Stereo downmix" "the downmix: the track's language, titled so"
is "$(ffprobe -v error -select_streams a -show_entries \
    stream_disposition=default -of csv=p=0 "$dst" | tr '\n' ' ')" \
    "1 0 0 " "one default track, not the downmix"
l1=$(loudness "$dst" 1)
diag "downmix loudness $l1 LUFS"
near "$l1" "$TARGET_LUFS" "$LUFS_TOL" \
    "the downmix within $LUFS_TOL LU of $TARGET_LUFS LUFS"
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'stereo downmix \(ITU-R BS\.775\) of audio 0' \
    "the log names the downmix"
grep_ok "$T/all.txt" '^done: .*audio 2 loudness -?[0-9.]+ -> -2[2-4]\.[0-9] LUFS' \
    "the job's summary gives the downmix's loudness"
