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
#   die MESSAGE     say it and stop
#   bench_content KIND W H SECONDS [SEED]   a lavfi graph of test, grain or
#                   animation content
#   bench_boxed PATH GRAPH W H Y SECONDS    a letterboxed clip of it

die() {
	echo "bench: $*" >&2
	exit 1
}

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

# bench_content KIND W H SECONDS [SEED]: a lavfi graph of W x H pictures at
# 25 fps of one kind of content:
#   grain      film-like: rotating soft gradients with strong temporal grain
#   animation  flat colours and hard edges in motion: a zooming Mandelbrot
#              posterised to 6 levels per plane
#   test       the test pattern (testsrc2)
bench_content() {
	case $1 in
	grain)	echo "gradients=s=$2x$3:r=25:d=$4:speed=0.02:n=4:seed=${5:-0},format=yuv420p,noise=alls=14:allf=t+u" ;;
	animation)
		_bc_p="floor(val/43)*43"
		echo "mandelbrot=s=$2x$3:r=25:end_scale=0.05:end_pts=$(($4 * 25)):start_x=-0.${5:-7},trim=duration=$4,format=yuv420p,lutyuv=y=$_bc_p:u=$_bc_p:v=$_bc_p" ;;
	*)	echo "testsrc2=s=$2x$3:r=25:d=$4" ;;
	esac
}

# bench_boxed PATH GRAPH W H Y SECONDS: GRAPH's pictures padded to W x H at
# 0,Y (black bars), with quiet stereo, as tests/mkclip.sh makes its clips.
bench_boxed() {
	# shellcheck disable=SC2046
	_mkclip_ff -f lavfi -i "$2" \
	    -f lavfi -i "$(_mkclip_sines "$MKCLIP_AMP_QUIET" "$6" stereo 440 660)" \
	    -filter_complex "[0:v]pad=$3:$4:0:$5:black,format=yuv420p[v]" \
	    -map '[v]' -map 1:a $(mkclip_vcodec_args) -c:a flac -shortest "$1"
}
