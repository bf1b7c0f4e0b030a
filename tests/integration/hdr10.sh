#!/bin/sh
#
# An HDR10 clip keeps what makes it HDR10: 10 bits, BT.2020 primaries, PQ
# transfer, bt2020nc matrix, tv range (in the bitstream's VUI and on the
# container), mastering display and content light level (in the
# bitstream's SEI, seen on the first decoded frame, and on the container's
# stream side data).  The same through chunked AV1: the metadata on every
# chunk's key frames, as metadata OBUs.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 20
need_tools
need_distenc

src=$T/in/hdr10.mkv
out=$T/out
dst=$out/hdr10.mkv
clip hdr10 "$src"

MD="Mastering display metadata"
CLL="Content light level metadata"
src_md=$(side_data "$src" frame "$MD")
src_cll=$(side_data "$src" frame "$CLL")
diag "source mastering display:" "$src_md" "source content light:" "$src_cll"
if [ -n "$src_md" ] && [ -n "$src_cll" ]; then
	pass "fixture: the source carries HDR10 static metadata"
else
	fail "fixture: the source carries HDR10 static metadata"
fi

run_distenc -c "$TESTCONF" -i "$src" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
ok "output hdr10.mkv exists" test -f "$dst"
is "$(probe_stream "$dst" v:0 codec_name)" hevc "video is HEVC"
is "$(probe_stream "$dst" v:0 pix_fmt)" yuv420p10le "10-bit 4:2:0 (yuv420p10le)"
is "$(probe_stream "$dst" v:0 color_primaries)" bt2020 "color_primaries bt2020"
is "$(probe_stream "$dst" v:0 color_transfer)" smpte2084 \
    "color_transfer smpte2084"
is "$(probe_stream "$dst" v:0 color_space)" bt2020nc "color_space bt2020nc"
is "$(probe_stream "$dst" v:0 color_range)" tv "color_range tv"

# The decoded frame's colour comes from the HEVC VUI alone.
is "$(ffprobe -v error -select_streams v:0 -show_frames -read_intervals '%+#1' \
    -show_entries frame=color_primaries,color_transfer,color_space,color_range \
    -of default=nw=1 "$dst" 2>/dev/null | grep '^color_' | sort | tr '\n' ' ')" \
    "color_primaries=bt2020 color_range=tv color_space=bt2020nc color_transfer=smpte2084 " \
    "first frame: colour tags in the bitstream (VUI)"

# The container's own Colour element, read by mkvmerge (not through a
# decoder, which would report the VUI instead).
if command -v mkvmerge >/dev/null 2>&1; then
	mkvmerge -J "$dst" >"$T/mkvmerge.json" 2>/dev/null
	if grep -Eq '"color_primaries": 9[,}]' "$T/mkvmerge.json" &&
	    grep -Eq '"color_transfer_characteristics": 16[,}]' "$T/mkvmerge.json" &&
	    grep -Eq '"color_matrix_coefficients": 9[,}]' "$T/mkvmerge.json" &&
	    grep -Eq '"color_range": 1[,}]' "$T/mkvmerge.json"; then
		pass "container: Colour element bt2020 / PQ / bt2020nc / tv"
	else
		fail "container: Colour element bt2020 / PQ / bt2020nc / tv"
		diag "$(grep -E '"colou?r_' "$T/mkvmerge.json")"
	fi
else
	skip "container: Colour element bt2020 / PQ / bt2020nc / tv" \
	    "mkvmerge (mkvtoolnix) not installed"
fi

out_md=$(side_data "$dst" frame "$MD")
diag "output first frame mastering display:" "$out_md"
if side_data_same "$src_md" "$out_md"; then
	pass "first frame: mastering display metadata equal to the source's"
else
	fail "first frame: mastering display metadata equal to the source's"
fi
is "$(side_data "$dst" frame "$CLL" | tr '\n' ' ')" \
    "max_content=1000 max_average=400 " \
    "first frame: content light level 1000 / 400"

st_md=$(side_data "$dst" stream "$MD")
diag "output stream mastering display:" "$st_md"
if side_data_same "$src_md" "$st_md"; then
	pass "container: mastering display metadata equal to the source's"
else
	fail "container: mastering display metadata equal to the source's"
fi
is "$(side_data "$dst" stream "$CLL" | tr '\n' ' ')" \
    "max_content=1000 max_average=400 " \
    "container: content light level 1000 / 400"

ok "stats directory left empty" tree_is_empty "$T/stats"

# --- chunked AV1 ------------------------------------------------------------

cat >"$T/av1.conf" <<EOC
profiles = { av1t = { inherit = "av1"; cpu_used = 8; lag_in_frames = 8;
  threads = 1; min_chunk_length = 8; max_chunk_length = 12; crop = "off"; }; };
default_profile = "av1t";
stats_dir = "$T/stats";
work_dir = "$T/work";
EOC
run_distenc -c "$T/av1.conf" -o "$T/outa" "$src"
dsta=$T/outa/hdr10.mkv
is "$DE_RC:$(probe_stream "$dsta" v:0 codec_name):$(probe_stream "$dsta" v:0 pix_fmt)" \
    "0:av1:yuv420p10le" "chunked AV1: 10-bit AV1"
av1_md=$(side_data "$dsta" frame "$MD")
diag "AV1 first frame mastering display:" "$av1_md"
if side_data_same "$src_md" "$av1_md"; then
	pass "chunked AV1: first frame's mastering display equal to the source's"
else
	fail "chunked AV1: first frame's mastering display equal to the source's"
fi
is "$(side_data "$dsta" frame "$CLL" | tr '\n' ' ')" \
    "max_content=1000 max_average=400 " \
    "chunked AV1: first frame's content light level 1000 / 400"
ffprobe -v error -select_streams v:0 -show_frames \
    -show_entries frame=key_frame:frame_side_data=side_data_type -of csv \
    -- "$dsta" >"$T/av1frames.csv" 2>/dev/null
keys=$(grep -c '^frame,1' "$T/av1frames.csv")
keys_md=$(grep '^frame,1' "$T/av1frames.csv" | grep -c "$MD")
diag "chunked AV1: $keys key frames, $keys_md with the mastering display"
ok "chunked AV1: every chunk's key frame carries the metadata" \
    test "$keys" -ge 2 -a "$keys_md" = "$keys"
