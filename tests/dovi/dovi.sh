# shellcheck shell=sh
#
# Dolby Vision sources for the dynamic_hdr tests, sourced after
# tests/lib.sh: an HDR10 clip given a configuration record by mkdovi.
#
#   need_mkdovi             fail every check when mkdovi is not built
#   dovi_clip OUT PROFILE COMPAT   the clip, with that profile and base
#                           layer compatibility

MKDOVI=$top_builddir/tests/dovi/mkdovi

need_mkdovi() {
	if [ ! -x "$MKDOVI" ]; then
		bail_rest "no $MKDOVI: check not run"
		exit 0
	fi
}

dovi_clip() {
	[ -f "$T/in/.pq.mkv" ] || clip hdr10 "$T/in/.pq.mkv"
	"$MKDOVI" "$T/in/.pq.mkv" "$1" "$2" "$3" 2>>"$T/mkdovi.err"
}
