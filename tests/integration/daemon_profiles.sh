#!/bin/sh
#
# distencd and the settings a file gets: a subdirectory's profile
# (directories: sub gets profile "other", crop off), a sidecar
# NAME.distenc (crop off) that is no job itself, and a bad sidecar that
# fails its job with FILE:LINE: KEY: REASON.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 4
need_tools
need_distencd

daemon_setup '
directories = ( { path = "sub"; profile = "other"; } );
' 'other = { inherit = "test"; crop = "off"; };'
mkdir -p "$DSPOOL/sub"
stage sub.mkv
mv "$T/stage/sub.mkv" "$DSPOOL/sub/lb.mkv"
printf 'crop = "off";\n' >"$DSPOOL/side.mkv.distenc"
stage side.mkv
mv "$T/stage/side.mkv" "$DSPOOL/side.mkv"
printf 'bitrate = "x";\n' >"$DSPOOL/badside.mkv.distenc"
stage badside.mkv
mv "$T/stage/badside.mkv" "$DSPOOL/badside.mkv"

job_wait_state 60 sub/lb.mkv done failed
is "$(job_get sub/lb.mkv profile)" other \
    "sub/lb.mkv: status profile \"other\" (directories)"
is "$(video_size "$DOUT/sub/lb.mkv")" 320x180 \
    "sub/lb.mkv: output 320x180 (profile other: crop off)"

job_wait_state 60 side.mkv done failed
if [ "$(job_get side.mkv state)" = done ] &&
    [ "$(video_size "$DOUT/side.mkv")" = 320x180 ]; then
	pass "side.mkv with side.mkv.distenc (crop off): output 320x180"
else
	fail "side.mkv with side.mkv.distenc (crop off): output 320x180"
	diag "  state '$(job_get side.mkv state)', size $(video_size "$DOUT/side.mkv")"
fi

job_wait_state 60 badside.mkv failed done
if [ "$(job_get badside.mkv state)" = failed ] &&
    job_get badside.mkv error | grep -Fq "$DSPOOL/badside.mkv.distenc:1: bitrate: "; then
	pass "a bad sidecar fails its job with \"FILE:1: bitrate: REASON\""
else
	fail "a bad sidecar fails its job with \"FILE:1: bitrate: REASON\""
	diag "  state '$(job_get badside.mkv state)', error '$(job_get badside.mkv error)'"
fi

