# shellcheck shell=sh
#
# Shared setup of the tests of a chunked job's chunks spread over hosts
# through a token directory (tests/integration/chunked_hosts*.sh, one
# scenario each; one machine, several node names, one shared work
# directory), sourced after tests/lib.sh and tests/tokens_lib.sh: a fast
# chunked AV1 profile making ten chunks ($NCHUNKS) of the 100-frame
# scenes clip $T/src/film.mkv ($FRAMES frames), a lease of 4 s, a poll
# interval of 1 s, daemon configs $T/A.conf and $T/B.conf for nodes A and
# B on $SPOOL, $TOK, $OUT and the work directory $WORK.
#
#   chunked_hosts_setup  writes the profile ($TESTCONF) and the configs,
#                        makes the clip
#   each_once "LIST"     every chunk 0..NCHUNKS-1 exactly once in LIST

NCHUNKS=10
# shellcheck disable=SC2034 # for the caller
FRAMES=$MKCLIP_SCENE_FRAMES
TLEASE=4
TPOLL=1
export TLEASE TPOLL
WORK=$T/work
TOK=$T/tokens
OUT=$T/out
SPOOL=$T/spool

# chunked_hosts_setup: the profile, the configs and the clip.
chunked_hosts_setup() {
	# A fast chunked AV1 profile, ten chunks of the 100-frame scenes clip.
	TESTCONF=$T/chunk.conf
	cat >"$TESTCONF" <<EOF
profiles = { test = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16; threads = 1; parallel_encodes = 1; min_chunk_length = 8; max_chunk_length = 12; crop = "off"; }; };
EOF
	for _ch_n in A B; do
		node_conf "$T/$_ch_n.conf" "$_ch_n" "$SPOOL" "$TOK" "$OUT" \
		    "work_dir = \"$WORK\";"
	done
	clip scenes "$T/src/film.mkv"
}

# each_once "LIST": every chunk 0..NCHUNKS-1 exactly once in LIST.
each_once() {
	[ "$(printf '%s\n' $1 | sort -n | tr '\n' ' ')" = \
	    "$(seq 0 $((NCHUNKS - 1)) | tr '\n' ' ')" ]
}
