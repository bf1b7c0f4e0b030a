# shellcheck shell=sh
#
# What the SVT-AV1 tests share, sourced after tests/lib.sh:
#
#   svt_conf FILE [SETTINGS]
#                 a config whose default profile "svt" encodes whole films
#                 with SVT-AV1 at its fastest preset, one thread, no crop,
#                 and "svtc" the same in chunks of 8 to 12 frames (from
#                 the built-in av1-svt); SETTINGS go into both
#   key_frames FILE
#                 the indices of the video's key frames, on one line
#   key_metadata FILE
#                 one line per key frame's packet of the video: the types
#                 of the metadata OBUs in it (1 content light level, 2
#                 mastering display), in order, each followed by a space
#   chunk_starts  the first frames of the chunks the last run encoded,
#                 from its log, on one line

svt_conf() {
	cat >"$1" <<EOC
profiles = {
  svt = { encoder = "svt"; svt_preset = 12; threads = 1; crop = "off";
    ${2:-} };
  svtc = { inherit = "av1-svt"; svt_preset = 12; threads = 1;
    crop = "off"; min_chunk_length = 8; max_chunk_length = 12; ${2:-} };
};
default_profile = "svt";
jobs = 2;
stats_dir = "$T/stats";
work_dir = "$T/work";
EOC
}

# _frames_csv FILE: a line "frame,KEY[,side_data,TYPE]" per frame, then a
# line "side_data,TYPE" per more side data.
_frames_csv() {
	ffprobe -v error -select_streams v:0 -show_frames \
	    -show_entries frame=key_frame:frame_side_data=side_data_type \
	    -of csv -- "$1" 2>/dev/null
}

key_frames() {
	_frames_csv "$1" | awk -F, '/^frame,/ { if ($2 == 1)
	    printf "%s%d", n++ ? " " : "", f; f++ } END { print "" }'
}

key_metadata() {
	ffmpeg -nostdin -hide_banner -i "$1" -map 0:v:0 -c copy \
	    -bsf:v trace_headers -f null - 2>&1 | awk '
	/ Packet: / { if (key) print md; key = / key frame/; md = ""; next }
	/ metadata_type / { md = md $NF " " }
	END { if (key) print md }'
}

chunk_starts() {
	de_all | sed -n 's/.*chunk [0-9]* of [0-9]*: encoding frames \([0-9]*\)-.*/\1/p' |
	    sort -n | uniq | tr '\n' ' ' | sed 's/ $//'
	echo
}
