#!/bin/sh
#
# distencd and a file moved into its spool: encoded (HEVC, cropped by the
# default profile), with its status file <id>.json (id moved.mkv-FNV-1a of
# relpath NUL size NUL mtime; state, output, node, profile, error, log;
# created <= started <= finished, ISO 8601 UTC; a summary) and its job log
# (timestamped lines, the crop and the loudness).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 7
need_tools
need_distencd

daemon_setup
stage moved.mkv
mv "$T/stage/moved.mkv" "$DSPOOL/moved.mkv"

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

