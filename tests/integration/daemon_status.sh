#!/bin/sh
#
# distencd's own status file, distencd.json (slots, busy, queue, counts,
# watching "inotify" on a local spool, node, pid, version, started,
# updated, spool_dir); SIGTERM when idle ends the daemon with status 0
# within 10 s (scaled), leaving no temporary file.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 6
need_tools
need_distencd

daemon_setup

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

# --- SIGTERM --------------------------------------------------------------------------

stop_daemon
if [ "$DRC" = 0 ] && awk -v s="$DSTOP_SECS" -v t="$(scaled 10)" 'BEGIN { exit !(s <= t) }'; then
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
