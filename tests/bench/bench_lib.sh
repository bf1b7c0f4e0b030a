# shellcheck shell=sh
#
# Shared code of the benchmarks that compare outputs at equal quality,
# sourced after tests/lib.sh.
#
#   bench_quality OUT SRC [CROP]  "PSNR SSIM": the average PSNR and the All
#                   SSIM of OUT's video against SRC's, SRC cropped by the
#                   crop filter's W:H:X:Y when given (libavfilter's psnr
#                   and ssim, run by the ffmpeg program)
#   bench_kbps FILE SECONDS       the video bitrate (kbps) from the sizes
#                   of its packets
#   bench_load      the machine's load averages, from uptime

bench_quality() {
	_bq_crop=${3:+crop=$3,}
	ffmpeg -nostdin -hide_banner -nostats -i "$1" -i "$2" -lavfi \
	    "[0:v]split[a][b];[1:v]${_bq_crop}split[c][d];[a][c]psnr;[b][d]ssim" \
	    -f null - 2>&1 |
	    awk '/PSNR y:/ { for (i = 1; i <= NF; i++) if ($i ~ /^average:/)
			{ sub("average:", "", $i); p = $i } }
		/SSIM Y:/ { for (i = 1; i <= NF; i++) if ($i ~ /^All:/)
			{ sub("All:", "", $i); s = $i } }
		END { print p, s }'
}

bench_kbps() {
	ffprobe -v error -select_streams v:0 -show_entries packet=size \
	    -of csv=p=0 "$1" | awk -v d="$2" \
	    '{ b += $1 } END { printf "%.0f\n", b * 8 / d / 1000 }'
}

bench_load() {
	uptime | sed 's/.*load average/load average/'
}
