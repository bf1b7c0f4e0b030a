#!/bin/sh
#
# An HDR10 clip through SVT-AV1 keeps what makes it HDR10: 10 bits,
# BT.2020 / PQ / bt2020nc / tv range in the sequence header, the mastering
# display and content light level in metadata OBUs equal to the source's
# (seen on the first decoded frame) and on the container; in chunks, in
# every chunk's key frame's packet, and a key frame at each chunk's start.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/svt_lib.sh"

plan 11
need_tools
need_distenc

src=$T/in/hdr10.mkv
clip hdr10 "$src"
svt_conf "$T/svt.conf"

MD="Mastering display metadata"
CLL="Content light level metadata"
src_md=$(side_data "$src" frame "$MD")
diag "source mastering display:" "$src_md"

# --- the whole film ---------------------------------------------------------

run_distenc -c "$T/svt.conf" -o "$T/out" "$src"
dst=$T/out/hdr10.mkv
is "$DE_RC:$(probe_stream "$dst" v:0 codec_name):$(probe_stream "$dst" v:0 pix_fmt)" \
    "0:av1:yuv420p10le" "whole film: 10-bit AV1"
# The decoded frame's colour comes from the sequence header alone.
is "$(ffprobe -v error -select_streams v:0 -show_frames -read_intervals '%+#1' \
    -show_entries frame=color_primaries,color_transfer,color_space,color_range \
    -of default=nw=1 "$dst" 2>/dev/null | grep '^color_' | sort | tr '\n' ' ')" \
    "color_primaries=bt2020 color_range=tv color_space=bt2020nc color_transfer=smpte2084 " \
    "whole film: colour description in the bitstream"
out_md=$(side_data "$dst" frame "$MD")
diag "output first frame mastering display:" "$out_md"
if side_data_same "$src_md" "$out_md"; then
	pass "whole film: first frame's mastering display equal to the source's"
else
	fail "whole film: first frame's mastering display equal to the source's"
fi
is "$(side_data "$dst" frame "$CLL" | tr '\n' ' ')" \
    "max_content=1000 max_average=400 " \
    "whole film: first frame's content light level 1000 / 400"
if side_data_same "$src_md" "$(side_data "$dst" stream "$MD")"; then
	pass "whole film: container's mastering display equal to the source's"
else
	fail "whole film: container's mastering display equal to the source's"
fi
is "$(side_data "$dst" stream "$CLL" | tr '\n' ' ')" \
    "max_content=1000 max_average=400 " \
    "whole film: container's content light level 1000 / 400"

# --- in chunks --------------------------------------------------------------

run_distenc -c "$T/svt.conf" -p svtc -o "$T/outc" "$src"
dstc=$T/outc/hdr10.mkv
is "$DE_RC:$(probe_stream "$dstc" v:0 codec_name):$(probe_stream "$dstc" v:0 pix_fmt)" \
    "0:av1:yuv420p10le" "chunks: 10-bit AV1"
if side_data_same "$src_md" "$(side_data "$dstc" frame "$MD")"; then
	pass "chunks: first frame's mastering display equal to the source's"
else
	fail "chunks: first frame's mastering display equal to the source's"
fi
# In the bitstream: a decoder keeps the last metadata it saw.
key_metadata "$dstc" >"$T/keys.md"
keys=$(wc -l <"$T/keys.md")
keys_md=$(grep -c '^1 2 $' "$T/keys.md")
diag "chunks: $keys key frames, $keys_md with both metadata OBUs"
ok "chunks: more than one chunk" test "$keys" -ge 2
is "$keys_md" "$keys" \
    "chunks: every key frame's packet has both metadata OBUs (CLL, MDCV)"
is "$(key_frames "$dstc")" "$(chunk_starts)" \
    "chunks: the key frames are the chunks' first frames"
