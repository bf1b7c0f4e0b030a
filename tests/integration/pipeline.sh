#!/bin/sh
#
# The whole pipeline on a letterboxed and a pillarboxed clip: crop found,
# HEVC video with every frame, Opus audio normalised to -23 LUFS, no
# stats or temporary files left, the source untouched; a second run skips
# the existing output, and --overwrite replaces it.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 34
need_tools
need_distenc

# encode_and_check KIND WIDTH HEIGHT: 13 checks.
encode_and_check() {
	kind=$1 want_w=$2 want_h=$3
	src=$T/in-$kind/$kind.mkv
	out=$T/out-$kind
	dst=$out/$kind.mkv
	clip "$kind" "$src"
	src_sum=$(file_sha256 "$src")
	src_lufs=$(loudness "$src" 0)
	# The fixture must be far from the target, or normalisation is not
	# tested.
	ok "$kind: source audio is far from the target ($src_lufs LUFS)" \
	    awk -v l="$src_lufs" -v t="$TARGET_LUFS" \
	    'BEGIN { d = l - t; exit !(l != "" && (d > 10 || d < -10)) }'

	run_distenc -c "$TESTCONF" -i "$src" -o "$out" -s "$T/stats"
	is "$DE_RC" 0 "$kind: distenc exits 0"
	ok "$kind: output $kind.mkv exists" test -f "$dst"
	is "$(probe_stream "$dst" v:0 codec_name)" hevc "$kind: video is HEVC"
	is "$(probe_stream "$dst" v:0 width)x$(probe_stream "$dst" v:0 height)" \
	    "${want_w}x$want_h" "$kind: black bars cropped to ${want_w}x$want_h"
	is "$(frame_count "$dst")" "$(frame_count "$src")" \
	    "$kind: as many frames as the source"
	near "$(video_duration "$dst")" "$(video_duration "$src")" \
	    "$(frame_duration "$src")" "$kind: video duration within one frame"
	is "$(probe_stream "$dst" a:0 codec_name)" opus "$kind: audio is Opus"
	lufs=$(loudness "$dst" 0)
	diag "$kind: loudness $src_lufs -> $lufs LUFS, true peak $(true_peak "$dst" 0) dBTP"
	near "$lufs" "$TARGET_LUFS" "$LUFS_TOL" \
	    "$kind: integrated loudness within $LUFS_TOL LU of $TARGET_LUFS"
	ok "$kind: stats directory left empty" tree_is_empty "$T/stats"
	is "$(file_sha256 "$src")" "$src_sum" "$kind: source unchanged"
	ok "$kind: no temporary file left in the output directory" \
	    only_entry "$out" "$dst"
	ok "$kind: a summary line \"done: $src ...\"" \
	    grep -qF "done: $src" "$DE_OUT" "$DE_ERR"
}

encode_and_check letterbox 320 136
encode_and_check pillarbox 240 180

# Again, without --overwrite: skipped, untouched.
src=$T/in-letterbox/letterbox.mkv
dst=$T/out-letterbox/letterbox.mkv
before=$(file_mtime "$dst")
before_sum=$(file_sha256 "$dst")
run_distenc -c "$TESTCONF" -i "$src" -o "$T/out-letterbox" -s "$T/stats"
is "$DE_RC" 0 "second run without --overwrite exits 0"
if [ -n "$before" ] && [ "$(file_mtime "$dst")" = "$before" ] &&
    [ "$(file_sha256 "$dst")" = "$before_sum" ]; then
	pass "second run leaves the existing output untouched"
else
	fail "second run leaves the existing output untouched"
	diag "  before: $before" "  after:  $(file_mtime "$dst")"
fi
if de_all | grep -F "$dst" | grep -q exists ||
    de_all | grep -F letterbox.mkv | grep -q exists; then
	pass "second run says the output exists"
else
	fail "second run says the output exists"
fi

# With --overwrite: encoded again.
run_distenc -c "$TESTCONF" --overwrite -i "$src" -o "$T/out-letterbox" \
    -s "$T/stats"
is "$DE_RC" 0 "run with --overwrite exits 0"
after=$(file_mtime "$dst")
if [ -n "$after" ] && [ "$after" != "$before" ]; then
	pass "--overwrite replaces the output"
else
	fail "--overwrite replaces the output"
	diag "  before: $before" "  after:  $after"
fi
if [ "$(probe_stream "$dst" v:0 codec_name)" = hevc ] &&
    [ "$(frame_count "$dst")" = "$(frame_count "$src")" ] &&
    only_entry "$T/out-letterbox" "$dst"; then
	pass "the replaced output is complete and alone"
else
	fail "the replaced output is complete and alone"
fi

# An anamorphic source (720x480 shown at 16:9) keeps its sample aspect
# ratio, in the container and in the HEVC bitstream's VUI.
ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=720x480:rate=25:duration=1 \
    -vf setsar=32/27 -c:v libx264 -preset ultrafast "$T/ana.mkv"
run_distenc -c "$TESTCONF" -o "$T/out-ana" "$T/ana.mkv"
is "$(probe_stream "$T/out-ana/ana.mkv" v:0 sample_aspect_ratio)" 32:27 \
    "an anamorphic source keeps its sample aspect ratio (32:27)"
ok "...in the HEVC bitstream too (VUI sar 32:27)" sh -c \
    'ffmpeg -nostdin -v trace -i "$1" -c:v copy -bsf:v trace_headers -f null - 2>&1 |
	grep -Eq "sar_width .* = 32\$" ' _ "$T/out-ana/ana.mkv"
