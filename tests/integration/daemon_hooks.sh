#!/bin/sh
#
# distencd's on_done and on_failure hooks get the DISTENC_* environment
# (state, source, output, id, status, profile, error), names with spaces
# and quotes intact; on_failure runs for a file that is no media file and
# for a job failed by its bad sidecar.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 7
need_tools
need_distencd

daemon_setup "
on_done = [ \"/bin/sh\", \"-c\", \"env | grep ^DISTENC_ > $T/hooks/done-\$DISTENC_ID.env\" ];
on_failure = [ \"/bin/sh\", \"-c\", \"env | grep ^DISTENC_ > $T/hooks/failed-\$DISTENC_ID.env\" ];
"
clip notmedia "$T/stage/notmedia.mkv"
mv "$T/stage/notmedia.mkv" "$DSPOOL/notmedia.mkv"
printf 'bitrate = "x";\n' >"$DSPOOL/badside.mkv.distenc"
stage badside.mkv
mv "$T/stage/badside.mkv" "$DSPOOL/badside.mkv"
qname="it's a \"quoted\" name.mkv"
stage "$qname"
mv "$T/stage/$qname" "$DSPOOL/$qname"

job_wait_state 60 "$qname" done failed
if [ "$(probe_stream "$DOUT/$qname" v:0 codec_name)" = hevc ]; then
	pass "a name with spaces and quotes is encoded to the same name"
else
	fail "a name with spaces and quotes is encoded to the same name"
	diag "  outputs: $(ls "$DOUT")"
fi
q_id=$(job_get "$qname" id)
q_env=$T/hooks/done-$q_id.env
wait_until 15 test -s "$q_env"
diag_file "$q_env" "on_done environment"
is "$(henv DISTENC_STATE "$q_env")" done "on_done: DISTENC_STATE=done"
is "$(henv DISTENC_SOURCE "$q_env")" "$DSPOOL/$qname" \
    "on_done: DISTENC_SOURCE, spaces and quotes intact"
is "$(henv DISTENC_OUTPUT "$q_env")" "$DOUT/$qname" \
    "on_done: DISTENC_OUTPUT, spaces and quotes intact"
is "$(henv DISTENC_ID "$q_env"):$(henv DISTENC_STATUS "$q_env"):$(henv DISTENC_PROFILE "$q_env")" \
    "$q_id:$DSTATUS/$q_id.json:test" \
    "on_done: DISTENC_ID, DISTENC_STATUS, DISTENC_PROFILE"
job_wait_state 60 notmedia.mkv failed done
nm_env=$T/hooks/failed-$(job_get notmedia.mkv id).env
wait_until 15 test -s "$nm_env"
if [ "$(henv DISTENC_STATE "$nm_env")" = failed ] &&
    henv DISTENC_ERROR "$nm_env" | grep -qi 'not a media file'; then
	pass "on_failure: DISTENC_STATE=failed, DISTENC_ERROR \"not a media file\""
else
	fail "on_failure: DISTENC_STATE=failed, DISTENC_ERROR \"not a media file\""
	diag_file "$nm_env" "on_failure environment"
fi

job_wait_state 60 badside.mkv failed done
bs_env=$T/hooks/failed-$(job_get badside.mkv id).env
wait_until 15 test -s "$bs_env"
if [ "$(henv DISTENC_STATE "$bs_env")" = failed ] &&
    henv DISTENC_ERROR "$bs_env" | grep -q 'bitrate'; then
	pass "on_failure runs for a job failed by its bad sidecar too"
else
	fail "on_failure runs for a job failed by its bad sidecar too"
	diag "  no $bs_env"
fi

