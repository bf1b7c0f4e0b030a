#!/bin/sh
#
# A chunked profile judges a source's damage on a read of the whole file
# as the two-pass pipeline does, not only on its stated length: a
# Matroska file cut at 50% or 90% (the demuxer says it ended early), one
# with a damaged cluster in the middle, an MP4 whose index lists video past
# where it ends, and an AVI shorter than it says are each refused as
# truncated or damaged, naming the file, with no output; with
# allow_damaged = true the damaged cluster's file is encoded with a
# warning.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 14
need_tools
need_distenc

write_conf "$T/c.conf" ultrafast 300 'inherit = "hevc-chunked";
    min_chunk_length = 8; max_chunk_length = 16; crop = "off";'
echo "work_dir = \"$T/work\";" >>"$T/c.conf"
for k in cut50_mkv:cut50.mkv:'1 error reading it \(.*File ended prematurely\)' \
    cut90_mkv:cut90.mkv:'1 error reading it \(.*File ended prematurely\)' \
    damaged_mkv:damaged.mkv:'[0-9]+ errors? reading it \(matroska' \
    cut50_faststart:cut50fast.mp4:'its index lists video at 1\.96s, but the video ends at' \
    cut50_avi:cut50.avi:'the file says it lasts 1\.04s, but its streams end at'; do
	name=${k%%:*}
	rest=${k#*:}
	file=${rest%%:*}
	why=${rest#*:}
	mkdir -p "$T/in/$name"
	"corpus_$name" "$T/in/$name" 2>>"$T/ffmpeg.err"
	run_distenc -c "$T/c.conf" -o "$T/out/$name" -s "$T/stats" \
	    "$T/in/$name/$file"
	grep_ok "$DE_OUT" "^failed: .*/$file: truncated or damaged: $why" \
	    "$name: refused, and why"
	ok "$name: no output" tree_is_empty "$T/out/$name"
done

write_conf "$T/allow.conf" ultrafast 300 'inherit = "hevc-chunked";
    min_chunk_length = 8; max_chunk_length = 16; crop = "off";
    allow_damaged = true;'
echo "work_dir = \"$T/work\";" >>"$T/allow.conf"
run_distenc -c "$T/allow.conf" -o "$T/out/allow" -s "$T/stats" \
    "$T/in/damaged_mkv/damaged.mkv"
is "$DE_RC" 0 "allow_damaged: the damaged cluster's file is encoded"
grep_ok "$DE_OUT" "^done: .*; warning: truncated or damaged: .*encoding what could be read \(allow_damaged\)" \
    "allow_damaged: the job's summary carries the warning"
probe_stream "$T/out/allow/damaged.mkv" v:0 codec_name >"$T/codec"
grep_ok "$T/codec" '^hevc$' "allow_damaged: the output is HEVC"
ok "allow_damaged: the output is verified (in the log)" grep -q 'verify: ' "$DE_ERR"
