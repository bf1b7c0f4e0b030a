#!/bin/sh
#
# distencd, the spool daemon, on one running instance (settle_time 2,
# poll_interval 2, 2 slots): a file copied in slowly is taken only once it
# has settled; a file moved in is encoded, with its status file (state,
# output, node, profile, times, summary) and its job log (timestamped crop
# and loudness lines); hidden and partial names are ignored; a
# subdirectory's profile (directories) and a sidecar NAME.distenc change
# the result, the sidecar being no job, a bad sidecar failing its job with
# FILE:LINE: KEY: REASON; a non-media file fails with "not a
# media file" and the daemon carries on; on_done and on_failure hooks get
# the DISTENC_* environment, names with spaces and quotes intact; the
# daemon's own status file; SIGTERM ends it with status 0 leaving no
# temporary file.  Before that, the one-shot options -V, -n (good and bad
# config) and a bad option.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 42
need_tools
need_distencd

CONF=$T/d.conf
SETTLE=2
mkdir -p "$T/stage" "$T/hooks"

# --- one-shot options ---------------------------------------------------------

run_distencd -V
is "$DE_RC" 0 "-V exits 0"
ok "-V prints \"distencd VERSION\"" \
    grep -Eq '^distencd [0-9]+\.[0-9]+' "$DE_OUT"

run_distencd -Z
is "$DE_RC" 2 "a bad option exits 2"

write_dconf "$CONF"
run_distencd -n -c "$CONF"
is "$DE_RC" 0 "-n with a good config exits 0"
ok "-n with a good config prints \"configuration OK\"" \
    grep -q 'configuration OK' "$DE_OUT"

DCONF_JOBS=0 write_dconf "$T/bad.conf"
badline=$(grep -n '^jobs = 0;' "$T/bad.conf" | cut -d: -f1)
run_distencd -n -c "$T/bad.conf"
is "$DE_RC" 1 "-n with jobs = 0 exits 1"
ok "-n with jobs = 0 says \"$T/bad.conf:$badline: jobs: REASON\"" \
    grep -Eq "^(distencd: )?$T/bad.conf:$badline: jobs: ." "$DE_ERR"

# Two errors: -n reports every one.
DCONF_JOBS=0 DCONF_POLL=0 write_dconf "$T/bad2.conf"
pline=$(grep -n '^poll_interval = 0;' "$T/bad2.conf" | cut -d: -f1)
run_distencd -n -c "$T/bad2.conf"
if [ "$DE_RC" = 1 ] &&
    grep -Eq "$T/bad2.conf:$pline: poll_interval: ." "$DE_ERR" &&
    grep -Eq "$T/bad2.conf:$badline: jobs: ." "$DE_ERR"; then
	pass "-n reports every error (poll_interval = 0 and jobs = 0), exit 1"
else
	fail "-n reports every error (poll_interval = 0 and jobs = 0), exit 1"
fi

# --- the daemon ------------------------------------------------------------

clip letterbox "$T/clips/lb.mkv" 2
src_frames=$(frame_count "$T/clips/lb.mkv")
diag "source clip: $src_frames frames, $(wc -c <"$T/clips/lb.mkv") bytes"

write_dconf "$CONF" "
directories = ( { path = \"sub\"; profile = \"other\"; } );
on_done = [ \"/bin/sh\", \"-c\", \"env | grep ^DISTENC_ > $T/hooks/done-\$DISTENC_ID.env\" ];
on_failure = [ \"/bin/sh\", \"-c\", \"env | grep ^DISTENC_ > $T/hooks/failed-\$DISTENC_ID.env\" ];
" 'other = { inherit = "test"; crop = "off"; };'
diag "config:" "$(cat "$CONF")"
start_daemon "$CONF"

DJSON=$DSTATUS/distencd.json
daemon_json_ok() {
	"$PYTHON" - "$DJSON" "$DPID" "$DSPOOL" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
bad = []
for k in ("node", "version", "started", "updated", "spool_dir", "watching"):
    if not isinstance(j.get(k), str) or not j.get(k):
        bad.append("%s: %r" % (k, j.get(k)))
if j.get("pid") != int(sys.argv[2]):
    bad.append("pid %r, want %s" % (j.get("pid"), sys.argv[2]))
if j.get("spool_dir") != sys.argv[3]:
    bad.append("spool_dir %r, want %s" % (j.get("spool_dir"), sys.argv[3]))
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
}
daemon_counts_ok() {
	"$PYTHON" - "$DJSON" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
bad = []
if j.get("slots") != 2:
    bad.append("slots %r, want 2" % j.get("slots"))
for k in ("busy", "queue"):
    if not isinstance(j.get(k), int):
        bad.append("%s: %r" % (k, j.get(k)))
c = j.get("counts")
if not isinstance(c, dict):
    bad.append("counts: %r" % c)
else:
    for k in ("queued", "running", "waiting", "done", "failed"):
        if not isinstance(c.get(k), int):
            bad.append("counts.%s: %r" % (k, c.get(k)))
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
}
if wait_until 15 test -s "$DJSON"; then
	pass "the daemon writes $DJSON"
	diag "$(cat "$DJSON")"
else
	fail "the daemon writes $DJSON"
	diag_file "$DLOG" "daemon log"
fi
ok "distencd.json has slots 2, busy, queue and counts" daemon_counts_ok
is "$(json_get "$DJSON" watching)" inotify \
    "distencd.json: watching \"inotify\" on a local spool ($(stat -f -c %T "$DSPOOL"))"
ok "distencd.json: node, pid, version, started, updated, spool_dir" \
    daemon_json_ok

# --- drop files ---------------------------------------------------------------

# stage NAME: a copy of the clip in $T/stage (same filesystem as the spool).
stage() {
	mkdir -p "$(dirname "$T/stage/$1")"
	cp "$T/clips/lb.mkv" "$T/stage/$1"
}

# Ignored names (real clips: taken, they would be encoded).
for n in .x.mkv x.mkv.part x.tmp 'x.mkv~'; do
	cp "$T/clips/lb.mkv" "$DSPOOL/$n"
done
mkdir -p "$DSPOOL/.hid"
cp "$T/clips/lb.mkv" "$DSPOOL/.hid/y.mkv"
t_ignored=$(now)

clip notmedia "$T/stage/notmedia.mkv"
mv "$T/stage/notmedia.mkv" "$DSPOOL/notmedia.mkv"
stage moved.mkv
mv "$T/stage/moved.mkv" "$DSPOOL/moved.mkv"
mkdir -p "$DSPOOL/sub"
stage sub.mkv
mv "$T/stage/sub.mkv" "$DSPOOL/sub/lb.mkv"
printf 'crop = "off";\n' >"$DSPOOL/side.mkv.distenc"
stage side.mkv
mv "$T/stage/side.mkv" "$DSPOOL/side.mkv"
printf 'bitrate = "x";\n' >"$DSPOOL/badside.mkv.distenc"
stage badside.mkv
mv "$T/stage/badside.mkv" "$DSPOOL/badside.mkv"
qname="it's a \"quoted\" name.mkv"
stage "$qname"
mv "$T/stage/$qname" "$DSPOOL/$qname"

# --- a file copied in slowly --------------------------------------------------

# Five pieces, one second apart: with settle_time 2 it must not be taken
# before the last one has settled.
slow=$DSPOOL/slow.mkv
slow_copy "$T/clips/lb.mkv" "$slow" slow.mkv "$DOUT/slow.mkv" 5 1
slow_mtime=$(stat -c %Y "$slow")
if awk -v g="$SLOW_MAXGAP" -v s=$SETTLE 'BEGIN { exit !(g >= s) }'; then
	fail "slow copy (5 pieces, 1 s apart): not taken while being written"
	diag "  cannot tell: the test wrote two pieces $SLOW_MAXGAP s apart (settle_time $SETTLE)"
elif [ -z "$SLOW_EARLY" ]; then
	pass "slow copy (5 pieces, 1 s apart): not taken while being written"
else
	fail "slow copy (5 pieces, 1 s apart): not taken while being written"
	diag "  $SLOW_EARLY"
fi
diag "  longest gap between two pieces: $SLOW_MAXGAP s"

# --- the non-media file, then a good one after it ------------------------------

if job_wait_state 60 notmedia.mkv failed &&
    job_get notmedia.mkv error | grep -qi 'not a media file'; then
	pass "a text file named .mkv fails with \"not a media file\""
else
	fail "a text file named .mkv fails with \"not a media file\""
	diag "  error: $(job_get notmedia.mkv error)"
fi
stage after.mkv
mv "$T/stage/after.mkv" "$DSPOOL/after.mkv"

# --- the slow file, once settled -------------------------------------------------

job_wait_state 90 slow.mkv done failed
is "$(job_get slow.mkv state)" done "slow copy: encoded once settled (state done)"
slow_started=$(iso_epoch "$(job_get slow.mkv started)")
if [ -n "$slow_started" ] &&
    awk -v s="$slow_started" -v m="$slow_mtime" -v t=$SETTLE \
    'BEGIN { exit !(s >= m + t) }'; then
	pass "slow copy: started no earlier than settle_time after the last write"
else
	fail "slow copy: started no earlier than settle_time after the last write"
fi
diag "  last write (mtime) $slow_mtime, started $(job_get slow.mkv started) = $slow_started"
if [ "$(probe_stream "$DOUT/slow.mkv" v:0 codec_name)" = hevc ] &&
    [ "$(frame_count "$DOUT/slow.mkv")" = "$src_frames" ]; then
	pass "slow copy: output is HEVC with the source's $src_frames frames"
else
	fail "slow copy: output is HEVC with the source's $src_frames frames"
	diag "  codec '$(probe_stream "$DOUT/slow.mkv" v:0 codec_name)'," \
	    "  frames '$(frame_count "$DOUT/slow.mkv")'"
fi

# --- the file moved in ---------------------------------------------------------

job_wait_state 60 moved.mkv done failed
mv_out=$DOUT/moved.mkv
if [ "$(probe_stream "$mv_out" v:0 codec_name)" = hevc ] &&
    [ "$(video_size "$mv_out")" = 320x136 ]; then
	pass "moved in: output HEVC 320x136 (default profile crops)"
else
	fail "moved in: output HEVC 320x136 (default profile crops)"
	diag "  $mv_out: '$(probe_stream "$mv_out" v:0 codec_name)' $(video_size "$mv_out")"
fi
mv_status=$(job_status moved.mkv)
mv_id=$(job_get moved.mkv id)
if [ -n "$mv_status" ] &&
    printf '%s\n' "$mv_id" | grep -Eqx 'moved\.mkv-[0-9a-f]{16}' &&
    [ "$mv_status" = "$DSTATUS/$mv_id.json" ] &&
    [ "$(job_get moved.mkv source)" = "$DSPOOL/moved.mkv" ] &&
    [ "$(job_get moved.mkv relative)" = moved.mkv ]; then
	pass "moved in: status <id>.json, id moved.mkv-<16 hex>, source, relative"
else
	fail "moved in: status <id>.json, id moved.mkv-<16 hex>, source, relative"
	diag "  status file '$mv_status', id '$mv_id'"
	[ -n "$mv_status" ] && diag "$(cat "$mv_status")"
fi
# The id's hash: 64-bit FNV-1a of "relpath\0size\0mtime" (decimal, mtime in
# seconds), the same on every host.
fnv_id() {
	"$PYTHON" - "$1" "$(stat -c %s "$DSPOOL/$1")" "$(stat -c %Y "$DSPOOL/$1")" <<'EOF'
import re, sys
rel, size, mtime = sys.argv[1], sys.argv[2], sys.argv[3]
h = 0xcbf29ce484222325
for b in rel.encode() + b"\0" + size.encode() + b"\0" + mtime.encode():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("%s-%016x" % (re.sub(r"[^A-Za-z0-9._-]", "_", rel)[:80], h))
EOF
}
is "$mv_id" "$(fnv_id moved.mkv)" \
    "moved in: id = moved.mkv-FNV-1a(relpath NUL size NUL mtime)"
moved_fields() {
	"$PYTHON" - "$mv_status" "$DOUT/moved.mkv" "$(uname -n)" \
	    "$DLOGS/$mv_id.log" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
want = {"state": "done", "output": sys.argv[2], "node": sys.argv[3],
        "profile": "test", "error": None, "log": sys.argv[4]}
bad = ["%s: %r, want %r" % (k, j.get(k), v)
       for k, v in want.items() if j.get(k) != v]
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
}
ok "moved in: state done, output, node, profile test, error null, log" \
    moved_fields
moved_times() {
	for k in created started finished updated; do
		v=$(job_get moved.mkv "$k")
		e=$(iso_epoch "$v") || { diag "  $k: '$v' is no ISO 8601 UTC time"; return 1; }
		eval "t_$k=\$e"
	done
	# shellcheck disable=SC2154
	awk -v c="$t_created" -v s="$t_started" -v f="$t_finished" \
	    'BEGIN { exit !(c <= s && s <= f) }' ||
	    { diag "  created $t_created, started $t_started, finished $t_finished"; return 1; }
	v=$(job_get moved.mkv summary)
	[ -n "$v" ] && [ "$v" != null ] || { diag "  summary: '$v'"; return 1; }
	diag "  summary: $v"
}
ok "moved in: created <= started <= finished (ISO 8601 UTC), summary set" \
    moved_times
mv_log=$DLOGS/$mv_id.log
grep_ok "$mv_log" '^\[?[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}' \
    "moved in: the job log <log_dir>/<id>.log has timestamped lines"
if grep -Eq 'crop.*[0-9]+x[0-9]+' "$mv_log" && grep -q 'LUFS' "$mv_log"; then
	pass "moved in: the job log has the crop and the loudness"
else
	fail "moved in: the job log has the crop and the loudness"
	diag_file "$mv_log" "job log" 30
fi

# --- the subdirectory's profile -----------------------------------------------

job_wait_state 60 sub/lb.mkv done failed
is "$(job_get sub/lb.mkv profile)" other \
    "sub/lb.mkv: status profile \"other\" (directories)"
is "$(video_size "$DOUT/sub/lb.mkv")" 320x180 \
    "sub/lb.mkv: output 320x180 (profile other: crop off)"

# --- the non-media file, continued ---------------------------------------------

job_wait_state 60 after.mkv done failed
if [ "$(job_get after.mkv state)" = done ] &&
    [ "$(probe_stream "$DOUT/after.mkv" v:0 codec_name)" = hevc ]; then
	pass "a good file dropped after the failed one is encoded"
else
	fail "a good file dropped after the failed one is encoded"
fi

# --- the sidecar ----------------------------------------------------------------

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

# --- the hook, on a name with spaces and quotes ---------------------------------

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
henv() {
	grep "^$1=" "$2" 2>/dev/null | cut -d= -f2-
}
is "$(henv DISTENC_STATE "$q_env")" done "on_done: DISTENC_STATE=done"
is "$(henv DISTENC_SOURCE "$q_env")" "$DSPOOL/$qname" \
    "on_done: DISTENC_SOURCE, spaces and quotes intact"
is "$(henv DISTENC_OUTPUT "$q_env")" "$DOUT/$qname" \
    "on_done: DISTENC_OUTPUT, spaces and quotes intact"
is "$(henv DISTENC_ID "$q_env"):$(henv DISTENC_STATUS "$q_env"):$(henv DISTENC_PROFILE "$q_env")" \
    "$q_id:$DSTATUS/$q_id.json:test" \
    "on_done: DISTENC_ID, DISTENC_STATUS, DISTENC_PROFILE"
nm_env=$T/hooks/failed-$(job_get notmedia.mkv id).env
wait_until 5 test -s "$nm_env"
if [ "$(henv DISTENC_STATE "$nm_env")" = failed ] &&
    henv DISTENC_ERROR "$nm_env" | grep -qi 'not a media file'; then
	pass "on_failure: DISTENC_STATE=failed, DISTENC_ERROR \"not a media file\""
else
	fail "on_failure: DISTENC_STATE=failed, DISTENC_ERROR \"not a media file\""
	diag_file "$nm_env" "on_failure environment"
fi

bs_env=$T/hooks/failed-$(job_get badside.mkv id).env
wait_until 5 test -s "$bs_env"
if [ "$(henv DISTENC_STATE "$bs_env")" = failed ] &&
    henv DISTENC_ERROR "$bs_env" | grep -q 'bitrate'; then
	pass "on_failure runs for a job failed by its bad sidecar too"
else
	fail "on_failure runs for a job failed by its bad sidecar too"
	diag "  no $bs_env"
fi

# --- names that must be ignored ---------------------------------------------------

# At least two rescans after they were dropped, and every other job ended.
while ! awk -v a="$t_ignored" -v b="$(now)" -v w=$((SETTLE + 2 * 2 + 1)) \
    'BEGIN { exit !(b - a >= w) }'; do
	sleep 0.2
done
ignored_jobs=
for n in .x.mkv x.mkv.part x.tmp 'x.mkv~' .hid/y.mkv side.mkv.distenc; do
	if job_status "$n" >/dev/null; then
		ignored_jobs="$ignored_jobs '$n'"
	fi
done
if [ -z "$ignored_jobs" ]; then
	pass "no job for .x.mkv, x.mkv.part, x.tmp, x.mkv~, .hid/y.mkv, side.mkv.distenc"
else
	fail "no job for .x.mkv, x.mkv.part, x.tmp, x.mkv~, .hid/y.mkv, side.mkv.distenc"
	diag "  jobs for:$ignored_jobs"
fi
# The outputs are exactly those of the jobs.
find "$DOUT" ! -type d | sort >"$T/outputs"
for n in after.mkv moved.mkv side.mkv slow.mkv sub/lb.mkv "$qname"; do
	printf '%s\n' "$DOUT/$n"
done | sort >"$T/outputs.want"
if cmp -s "$T/outputs" "$T/outputs.want"; then
	pass "output_dir holds the six outputs and nothing else"
else
	fail "output_dir holds the six outputs and nothing else"
	diag "$(diff "$T/outputs.want" "$T/outputs")"
fi
if [ "$(job_get notmedia.mkv state):$(job_get notmedia.mkv attempts)" = failed:1 ]; then
	pass "notmedia.mkv: failed at once, not retried (attempts 1)"
else
	fail "notmedia.mkv: failed at once, not retried (attempts 1)"
	diag "  state '$(job_get notmedia.mkv state)', attempts '$(job_get notmedia.mkv attempts)'"
fi

# --- the daemon's counts -------------------------------------------------------------

counts_final() {
	[ "$(json_get "$DJSON" counts.done):$(json_get "$DJSON" counts.failed):$(json_get "$DJSON" busy):$(json_get "$DJSON" queue)" = 6:2:0:0 ]
}
if wait_until 10 counts_final; then
	pass "distencd.json: counts.done 6, counts.failed 2, busy 0, queue 0"
else
	fail "distencd.json: counts.done 6, counts.failed 2, busy 0, queue 0"
	diag "$(cat "$DJSON")"
fi
diag "jobs:" "$(jobs_table)"

# --- SIGTERM --------------------------------------------------------------------------

stop_daemon
if [ "$DRC" = 0 ] && awk -v s="$DSTOP_SECS" 'BEGIN { exit !(s <= 10) }'; then
	pass "SIGTERM: the daemon exits with status 0 within 10 s"
else
	fail "SIGTERM: the daemon exits with status 0 within 10 s"
fi
diag "  exit status $DRC after $DSTOP_SECS s"
tmp_left=$(temp_files_in "$DOUT" "$T/stats")
if [ -z "$tmp_left" ] && tree_is_empty "$T/stats"; then
	pass "no temporary output or stats file left"
else
	fail "no temporary output or stats file left"
	diag "$tmp_left"
fi
diag_file "$DLOG" "daemon log" 40
