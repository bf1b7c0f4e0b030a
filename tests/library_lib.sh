#!/bin/sh
#
# Clips for the library tests (which files are jobs, rules, bounds on the
# bitrate, the size guard), sourced after tests/lib.sh.

# lib_clip CODEC KBPS OUT [SIZE [SECONDS]]: testsrc2 video of that codec
# (ffmpeg's encoder name: libx264, libx265) at about KBPS, with a quiet
# stereo sine track (FLAC, language eng), in Matroska.
lib_clip() {
	mkdir -p "$(dirname "$3")"
	_lc_x=
	[ "$1" = libx265 ] && _lc_x="-x265-params log-level=error"
	# shellcheck disable=SC2086 # _lc_x is two words or none
	ffmpeg -nostdin -hide_banner -loglevel error -y \
	    -f lavfi -i "testsrc2=size=${4:-320x180}:rate=25:duration=${5:-2}" \
	    -f lavfi -i "sine=frequency=440:duration=${5:-2}:sample_rate=48000" \
	    -c:v "$1" -b:v "${2}k" -pix_fmt yuv420p -g 50 $_lc_x \
	    -c:a flac -ac 2 -metadata:s:a:0 language=eng "$3" \
	    2>"$T/lib_clip.err" || {
		diag "cannot make the $1 clip $3:"
		diag_file "$T/lib_clip.err" ffmpeg
		return 1
	}
}

# need_encoder NAME: bail out when the ffmpeg program lacks that encoder.
need_encoder() {
	if ! ffmpeg -hide_banner -encoders 2>/dev/null | grep -q " $1 "; then
		bail_rest "ffmpeg has no $1 encoder: check not run"
		exit 0
	fi
}

# skipped_daemon_start CONF: a daemon whose rule skips HEVC sources ("hevc",
# "already HEVC"), with a control socket ($SOCK), started on CONF, and an
# HEVC clip dropped into its spool as hevc.mkv, waited for until it ends.
skipped_daemon_start() {
	write_dconf "$1" "control_socket = \"$SOCK\";
rules = ( { name = \"hevc\"; codec = [ \"hevc\" ]; skip = \"already HEVC\"; } );"
	lib_clip libx265 150 "$T/clips/hevc.mkv"
	start_daemon "$1"
	wait_until 15 test -S "$SOCK"
	mkdir -p "$T/stage"
	cp "$T/clips/hevc.mkv" "$T/stage/hevc.mkv"
	mv "$T/stage/hevc.mkv" "$DSPOOL/hevc.mkv"
	job_wait_state 60 hevc.mkv skipped done failed
}
