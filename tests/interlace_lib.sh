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
