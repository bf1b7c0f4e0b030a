#!/bin/sh
#
# The ready hooks in contrib/hooks against a small HTTP server on
# 127.0.0.1 that records every request: the webhook posts the job's status
# file with its id and state; ntfy sends a title, a priority and the
# reason of a failure; media-server-refresh asks Jellyfin and Plex to
# rescan with their tokens read from files, and nothing for a failed job;
# a server error makes a hook fail; and distencd, with the webhook as its
# on_done hook, posts a finished job's status.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 17
need_tools curl
need_distencd

HOOKS=$top_srcdir/contrib/hooks

# The server: one JSON line a request (method, path, headers, body) in
# $T/requests; a path starting /fail answers 500.  Its port goes to
# $T/port once it listens.
cat >"$T/httpd.py" <<'EOF'
import http.server, json, sys

class H(http.server.BaseHTTPRequestHandler):
    def handle_one(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace")
        with open(sys.argv[1], "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "headers": dict(self.headers),
                                "body": body}) + "\n")
        code = 500 if self.path.startswith("/fail") else 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_GET = do_POST = do_PUT = handle_one
    def log_message(self, *a):
        pass

s = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()
EOF
: >"$T/requests"
"$PYTHON" "$T/httpd.py" "$T/requests" "$T/port" </dev/null \
    >"$T/httpd.log" 2>&1 &
HTTPD=$!
at_exit "kill $HTTPD"
wait_until 20 test -s "$T/port" || bail_rest "the test server did not start"
URL=http://127.0.0.1:$(cat "$T/port")

# req N FIELD [HEADER]: a field of the Nth request (1 is the first).
req() {
	"$PYTHON" - "$T/requests" "$@" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
n = int(sys.argv[2])
if n > len(lines):
    sys.exit(1)
r = json.loads(lines[n - 1])
v = r[sys.argv[3]]
if sys.argv[3] == "headers":
    v = {k.lower(): x for k, x in v.items()}.get(sys.argv[4].lower(), "")
print(v)
EOF
}
nreq() {
	wc -l <"$T/requests" | tr -d ' '
}

# The environment distencd gives a hook.
cat >"$T/status.json" <<'EOF'
{"id": "abc-123", "state": "done", "source": "/spool/Film \"1\".mkv"}
EOF
# hook_env STATE CMD [ARG...]; the error is $HOOK_ERROR.
hook_env() {
	_he_state=$1
	shift
	env DISTENC_ID=abc-123 DISTENC_STATE="$_he_state" \
	    DISTENC_SOURCE="/spool/films/Film One.mkv" \
	    DISTENC_OUTPUT="/out/films/Film One.mkv" \
	    DISTENC_ERROR="${HOOK_ERROR:-}" DISTENC_PROFILE=default \
	    DISTENC_LOG=/dev/null DISTENC_STATUS="$T/status.json" \
	    "$@"
}

# --- webhook ---
hook_env done "$HOOKS/webhook" "$URL/hook" </dev/null
is "$?/$(req 1 method)/$(req 1 path)" 0/POST//hook "webhook: POST to its URL"
is "$(req 1 body)" "$(cat "$T/status.json")" \
    "webhook: the body is the job's status file"
is "$(req 1 headers x-distenc-id)/$(req 1 headers x-distenc-state)/$(req 1 headers content-type)" \
    "abc-123/done/application/json" "webhook: id, state and JSON type"
echo "s3cret-value" >"$T/secret"
hook_env done "$HOOKS/webhook" "$URL/hook" "$T/secret" </dev/null
is "$?/$(req 2 headers authorization)" "0/Bearer s3cret-value" \
    "webhook: the secret from its file as a bearer token"
hook_env done "$HOOKS/webhook" "$URL/fail" </dev/null 2>"$T/err"
rc=$?
ok "webhook: a server error is a failed hook (status $rc)" test "$rc" -ne 0

# --- ntfy ---
n=$(nreq)
hook_env done "$HOOKS/ntfy" "$URL/topic" </dev/null
n=$((n + 1))
is "$?/$(req $n method)/$(req $n path)" 0/POST//topic "ntfy: POST to the topic"
is "$(req $n headers title)|$(req $n body)" \
    "distenc: Film One.mkv encoded|-> /out/films/Film One.mkv" \
    "ntfy: a finished film's title and output"
HOOK_ERROR="cannot decode: Invalid data found when processing input" \
    hook_env failed "$HOOKS/ntfy" "$URL/topic" "$T/secret" </dev/null
n=$((n + 1))
is "$(nreq)" "$n" "ntfy: one request a job"
is "$(req $n headers title)|$(req $n headers priority)|$(req $n body)" \
    "distenc: Film One.mkv failed|high|cannot decode: Invalid data found when processing input" \
    "ntfy: a failure's title, high priority and reason"
is "$(req $n headers authorization)" "Bearer s3cret-value" \
    "ntfy: the token from its file"

# --- media-server-refresh ---
echo "jf-key" >"$T/jf.key"
echo "plex-token" >"$T/plex.token"
hook_env done "$HOOKS/media-server-refresh" jellyfin "$URL/" "$T/jf.key" \
    </dev/null
n=$((n + 1))
is "$?/$(req $n method)/$(req $n path)/$(req $n headers x-emby-token)" \
    0/POST//Library/Refresh/jf-key "Jellyfin: POST /Library/Refresh with its key"
hook_env done "$HOOKS/media-server-refresh" plex "$URL" "$T/plex.token" 3 \
    </dev/null
n=$((n + 1))
is "$?/$(req $n method)/$(req $n path)/$(req $n headers x-plex-token)" \
    0/GET//library/sections/3/refresh/plex-token \
    "Plex: GET the section's refresh with its token"
# The hook has ended when it returns: a request it made would be logged.
hook_env failed "$HOOKS/media-server-refresh" plex "$URL" "$T/plex.token" 3 \
    </dev/null
is "$?/$(nreq)" "0/$n" "a failed job asks no media server to rescan"
hook_env done "$HOOKS/media-server-refresh" jellyfin </dev/null 2>"$T/err"
rc=$?
ok "media-server-refresh: missing arguments are a usage error (status $rc)" \
    test "$rc" -eq 2

# --- through distencd ---
write_dconf "$T/d.conf" "on_done = [ \"$HOOKS/webhook\", \"$URL/done\" ];"
clip letterbox "$T/clips/film.mkv" 1
start_daemon "$T/d.conf"
mkdir -p "$DSPOOL"
cp "$T/clips/film.mkv" "$DSPOOL/.film.mkv.part"
mv "$DSPOOL/.film.mkv.part" "$DSPOOL/film.mkv"
got_done_post() {
	grep -q '"path": "/done"' "$T/requests"
}
ok "distencd ran the webhook when the job was done" wait_until 180 got_done_post
m=$(grep -n '"path": "/done"' "$T/requests" | head -n 1 | cut -d: -f1)
is "$(req "$m" headers x-distenc-state)" done "its state header: done"
body_state=$(req "$m" body | "$PYTHON" -c \
    'import json,sys; print(json.load(sys.stdin).get("state"))')
is "$body_state" done "the status it posted says done"
stop_daemon
