# shellcheck shell=sh
#
# For the interlacing tests: how close an output is to the bwdif of its
# source and to the source itself.

# bwdif_psnr SRC DST: BWDIF_DB, the PSNR of DST against SRC through bwdif
# (a frame per frame), and SRC_DB, against SRC as it is.
bwdif_psnr() {
	ffmpeg -nostdin -v error -y -i "$1" \
	    -vf bwdif=mode=send_frame:parity=auto:deint=all -c:v ffv1 \
	    "$T/ref.mkv" 2>>"$T/ffmpeg.err"
	BWDIF_DB=$(_bwdif_psnr "$2" "$T/ref.mkv")
	SRC_DB=$(_bwdif_psnr "$2" "$1")
	diag "PSNR against bwdif of the source $BWDIF_DB dB, against the" \
	    "source $SRC_DB dB"
}

_bwdif_psnr() {
	ffmpeg -nostdin -i "$1" -i "$2" -lavfi psnr -f null - 2>&1 |
	    sed -n 's/.*PSNR.*average:\([0-9.inf]*\).*/\1/p'
}

# interlace_chunked_check SETTINGS: the corpus's interlaced source through
# a chunked profile with SETTINGS added; checks its exit, that it keeps 50
# frames at 25 fps and that it was deinterlaced.  The log in $T/all.txt.
interlace_chunked_check() {
	_icc_src=$T/in/interlaced.mkv
	_icc_dst=$T/out/interlaced.mkv
	mkdir -p "$T/in"
	corpus_interlaced "$T/in" 2>"$T/ffmpeg.err"
	write_conf "$T/chunked.conf" ultrafast 1000 "inherit = \"hevc-chunked\";
	    min_chunk_length = 16; $1"
	echo "work_dir = \"$T/work\";" >>"$T/chunked.conf"
	run_distenc -c "$T/chunked.conf" -i "$_icc_src" -o "$T/out" \
	    -s "$T/stats"
	is "$DE_RC" 0 "distenc exits 0"
	is "$(probe_stream "$_icc_dst" v:0 r_frame_rate)/$(frame_count "$_icc_dst")" \
	    25/1/50 "25 fps, 50 frames: a frame per frame"
	bwdif_psnr "$_icc_src" "$_icc_dst"
	ok "deinterlaced (PSNR $BWDIF_DB dB against bwdif, $SRC_DB dB against the source)" \
	    awk -v g="$BWDIF_DB" -v b="$SRC_DB" 'BEGIN { exit !(g > b + 5) }'
	de_all >"$T/all.txt"
}
