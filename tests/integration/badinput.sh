#!/bin/sh
#
# Bad and awkward inputs and places: empty, truncated, non-media and
# audio-only inputs fail alone (exit 1, a message naming the file and the
# reason, no output); a good input in the same run is still encoded; odd
# dimensions and 4:2:2 10-bit are converted; an unwritable output
# directory and a full stats directory fail cleanly; names with spaces,
# quotes and a newline are kept.
#
# The truncated clip: distenc must fail it ("truncated or damaged") when,
# and only when, decoding it gives errors.  The test decides which by
# decoding the clip with the ffmpeg program (-v error): any message means
# damaged (for a Matroska file cut short the demuxer says "File ended
# prematurely", i.e. av_read_frame() returns AVERROR(EIO), not AVERROR_EOF).
# If ffmpeg decodes it cleanly, distenc must instead succeed with an
# output holding every decodable frame.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 34
need_tools
need_distenc

good=$T/clips/letterbox.mkv
clip letterbox "$good"

# A line of stderr prefixed "distenc: " names FILE and matches REASON (ERE,
# any case).
names_file_and_reason() {
	grep '^distenc: ' "$DE_ERR" | grep -F -- "$1" | grep -Eqi -- "$2"
}

# --- each bad input alone -------------------------------------------------

# bad_input KIND FILENAME REASON: 3 checks.
bad_input() {
	src=$T/in-$1/$2
	out=$T/out-$1
	clip "$1" "$src"
	run_distenc -c "$TESTCONF" -o "$out" -s "$T/stats" -i "$src"
	is "$DE_RC" 1 "$1: distenc exits 1"
	ok "$1: stderr names the file and says \"$3\"" \
	    names_file_and_reason "$src" "$3"
	ok "$1: no output" tree_is_empty "$out"
}

bad_input zero zero.mkv "empty file"
bad_input notmedia notmedia.mkv "not a media file"
bad_input audioonly audioonly.mka "no video stream"

# --- truncated --------------------------------------------------------------

src=$T/in-truncated/truncated.mkv
out=$T/out-truncated
clip truncated "$src"
nsrc=$(frame_count "$src")
ok "fixture: the truncated clip has fewer frames ($nsrc) than the whole one" \
    test "${nsrc:-0}" -gt 0 -a "${nsrc:-0}" -lt "$(frame_count "$good")"
ffmpeg -nostdin -v error -i "$src" -f null - >"$T/decode.err" 2>&1
run_distenc -c "$TESTCONF" -o "$out" -s "$T/stats" -i "$src"
if [ -s "$T/decode.err" ]; then
	diag "decoding the truncated clip gives errors, so distenc must fail it:"
	diag_file "$T/decode.err" "ffmpeg -v error" 5
	is "$DE_RC" 1 "truncated (decoding errors): distenc exits 1"
	ok "truncated: stderr names the file and says \"truncated or damaged\"" \
	    names_file_and_reason "$src" "truncated or damaged"
	ok "truncated: no output" tree_is_empty "$out"
else
	diag "the truncated clip decodes without errors, so distenc must encode it"
	is "$DE_RC" 0 "truncated (decodes cleanly): distenc exits 0"
	ok "truncated: output exists" test -f "$out/truncated.mkv"
	is "$(frame_count "$out/truncated.mkv")" "$nsrc" \
	    "truncated: output holds every decodable frame"
fi

# --- a good input and a bad one in one run -----------------------------------

mkdir -p "$T/in-mix"
cp "$good" "$T/in-mix/good.mkv"
: >"$T/in-mix/zero.mkv"
run_distenc -c "$TESTCONF" -o "$T/out-mix" -s "$T/stats" \
    -i "$T/in-mix/good.mkv" "$T/in-mix/zero.mkv"
is "$DE_RC" 1 "good + bad: distenc exits 1"
is "$(probe_stream "$T/out-mix/good.mkv" v:0 codec_name)" hevc \
    "good + bad: the good input is encoded"
ok "good + bad: nothing else in the output directory" \
    only_entry "$T/out-mix" "$T/out-mix/good.mkv"
ok "good + bad: stderr names the bad file and says \"empty file\"" \
    names_file_and_reason "$T/in-mix/zero.mkv" "empty file"

# --- formats to convert ------------------------------------------------------

src=$T/in-odd/odd.mkv
clip odd "$src"
run_distenc -c "$TESTCONF" -o "$T/out-odd" -s "$T/stats" -i "$src"
is "$DE_RC" 0 "odd 321x181: distenc exits 0"
is "$(probe_stream "$T/out-odd/odd.mkv" v:0 width)x$(probe_stream "$T/out-odd/odd.mkv" v:0 height)" \
    320x180 "odd 321x181: encoded at even dimensions 320x180"
is "$(frame_count "$T/out-odd/odd.mkv")" "$(frame_count "$src")" \
    "odd 321x181: every frame"

src=$T/in-gray10/gray10.mkv
clip gray10 "$src"
run_distenc -c "$TESTCONF" -o "$T/out-gray10" -s "$T/stats" -i "$src"
is "$DE_RC" 0 "4:2:2 10-bit: distenc exits 0"
pf=$(probe_stream "$T/out-gray10/gray10.mkv" v:0 pix_fmt)
diag "4:2:2 10-bit source encoded as $pf"
case $pf in
yuv420p|yuv420p10le) pass "4:2:2 10-bit: encoded as 4:2:0 ($pf)" ;;
*) fail "4:2:2 10-bit: encoded as 4:2:0 (got '$pf')" ;;
esac
is "$(frame_count "$T/out-gray10/gray10.mkv")" "$(frame_count "$src")" \
    "4:2:2 10-bit: every frame"

# --- unwritable output directory ----------------------------------------------

if try_mount_tmpfs "$T/ro" ro,size=1m; then
	outdir=$T/ro
	diag "unwritable output directory: a read-only tmpfs"
else
	: >"$T/afile"
	outdir=$T/afile/out
	diag "unwritable output directory: a path under a regular file"
fi
run_distenc -c "$TESTCONF" -o "$outdir" -s "$T/stats" -i "$good"
case $DE_RC in
1|2) pass "unwritable output directory: distenc exits 1 or 2 ($DE_RC)" ;;
*) fail "unwritable output directory: distenc exits 1 or 2 (got $DE_RC)" ;;
esac
ok "unwritable output directory: stderr names it" \
    grep -qF -- "$outdir" "$DE_ERR"
ok "unwritable output directory: stats directory left empty" \
    tree_is_empty "$T/stats"

# --- full stats directory -----------------------------------------------------

# A 16 KiB tmpfs filled up by a file beside the stats directory: the
# stats directory is empty, and not one byte can be written to it.
full_desc="full stats directory"
if try_mount_tmpfs "$T/full" size=16k; then
	mkdir -p "$T/full/stats"
	dd if=/dev/zero of="$T/full/filler" bs=4096 2>/dev/null
	run_distenc -c "$TESTCONF" -o "$T/out-full" -s "$T/full/stats" -i "$good"
	is "$DE_RC" 1 "$full_desc: distenc exits 1"
	ok "$full_desc: stderr says \"No space left\", \"full\" or \"can hold\"" \
	    grep -Eq 'No space left|full|can hold' "$DE_ERR"
	ok "$full_desc: no output" tree_is_empty "$T/out-full"
	ok "$full_desc: nothing left in the stats directory" \
	    tree_is_empty "$T/full/stats"
else
	for d in "exits 1" "says No space left or full" "no output" \
	    "nothing left in the stats directory"; do
		skip "$full_desc: $d" "cannot mount a tmpfs"
	done
fi

# --- awkward names --------------------------------------------------------

nl=$(printf '\nx')
nl=${nl%x}
quoted="a b'c\"d"
newline="new${nl}line"
mkdir -p "$T/in-names"
cp "$good" "$T/in-names/$quoted.mkv"
cp "$good" "$T/in-names/$newline.mkv"
run_distenc -c "$TESTCONF" -o "$T/out-names" -s "$T/stats" \
    -i "$T/in-names/$quoted.mkv" "$T/in-names/$newline.mkv"
is "$DE_RC" 0 "awkward names: distenc exits 0"
is "$(probe_stream "$T/out-names/$quoted.mkv" v:0 codec_name)" hevc \
    "awkward names: output a b'c\"d.mkv"
is "$(probe_stream "$T/out-names/$newline.mkv" v:0 codec_name)" hevc \
    "awkward names: output new<newline>line.mkv"
is "$(find "$T/out-names" ! -type d -exec printf '.\n' \; | wc -l | tr -d ' ')" 2 \
    "awkward names: nothing else in the output directory"
