#!/bin/sh
#
# An MP4 whose display matrix turns its 160x90 picture a quarter turn is
# encoded upright: 90x160, the picture turned the way FFmpeg's own
# autorotation turns it (not the other way), the log saying so, and the
# output carrying no matrix to turn it again.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 6
need_tools
need_distenc

out=$T/out
dst=$out/rotated.mkv
mkdir -p "$T/in"
ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=160x90:r=25:d=1 \
    -c:v libx264 -preset ultrafast -qp 0 "$T/in/.w.mp4" 2>"$T/ffmpeg.err"
ffmpeg -nostdin -v error -y -i "$T/in/.w.mp4" -c copy \
    -metadata:s:v:0 rotate=90 "$T/in/rotated.mp4" 2>>"$T/ffmpeg.err"
is "$(ffprobe -v error -show_entries stream_side_data=rotation \
    -of csv=p=0 "$T/in/rotated.mp4" | tr -d '\n')" 90 \
    "fixture: a display matrix of a quarter turn"

write_conf "$T/rot.conf" ultrafast 2000
run_distenc -c "$T/rot.conf" -i "$T/in/rotated.mp4" -o "$out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
is "$(probe_stream "$dst" v:0 width),$(probe_stream "$dst" v:0 height)" \
    90,160 "encoded upright: 90x160"
is "$(ffprobe -v error -show_entries stream_side_data -of csv=p=0 "$dst" |
    grep -c .)" 0 "no display matrix left on the output"

# The first frame against FFmpeg's autorotation and against the other
# quarter turn.
frame() {
	ffmpeg -nostdin -v error -y "$@" -frames:v 1 -f rawvideo \
	    -pix_fmt gray "$T/$(echo "$*" | md5sum | cut -c1-8).raw"
	echo "$T/$(echo "$*" | md5sum | cut -c1-8).raw"
}
psnr() {
	ffmpeg -nostdin -f rawvideo -pix_fmt gray -s 90x160 -i "$1" \
	    -f rawvideo -pix_fmt gray -s 90x160 -i "$2" -lavfi psnr -f null - \
	    2>&1 | sed -n 's/.*PSNR y:\([0-9.inf]*\).*/\1/p'
}
ours=$(frame -i "$dst")
auto=$(frame -i "$T/in/rotated.mp4")
other=$(frame -noautorotate -i "$T/in/rotated.mp4" -vf transpose=clock)
good=$(psnr "$ours" "$auto")
bad=$(psnr "$ours" "$other")
diag "PSNR against autorotation $good dB, against the other turn $bad dB"
ok "turned as FFmpeg turns it (PSNR $good dB against $bad dB)" \
    awk -v g="$good" -v b="$bad" 'BEGIN { exit !(g > 30 && b < 20) }'
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'turns the picture 270 degrees clockwise: it is encoded upright' \
    "the log says the picture is turned upright (a quarter turn back)"
