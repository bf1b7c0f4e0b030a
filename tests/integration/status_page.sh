#!/bin/sh
#
# The status page: "distencctl html DIR" from status files and a token
# directory the test writes for a farm of two hosts with a running job, a
# chunked film (2 chunks done, one encoding on each host, 2 pending), a
# failed job, one skipped as its output exists, one skipped by a rule
# and a done one.  index.html needs no network; headless Chromium opens
# it from file:// and the page shows what the files say (hosts, progress
# with fps and ETA, the chunk strip, the failure's reason, the skipped
# jobs with why, totals with the hours of media); a screenshot is taken;
# with SECONDS, data.js is refreshed when a status changes.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 18
CTL=${top_builddir}/distencctl
S=$T/status
TOK=$T/tok
PAGE=$T/page
mkdir -p "$S" "$TOK/chunky-0123.d" "$T/src" "$T/out"

# job FILE JSON: a job's status file.
job() {
	printf '%s\n' "$2" >"$S/$1.json"
}
head -c 1000 /dev/zero >"$T/src/good.mkv"
head -c 400 /dev/zero >"$T/out/good.mkv"
printf '{"node": "enc1", "pid": 1, "state": "running", "slots": 2, "counts": {}}\n' >"$S/distencd.json"
job run-1 '{"id": "run-1", "relative": "films/run.mkv", "state": "running", "node": "enc1", "stage": "pass 2", "progress": 0.61, "fps": 23.4, "eta": 760}'
job chunky-0123 '{"id": "chunky-0123", "relative": "films/chunky.mkv", "state": "running", "node": "enc1", "stage": "chunks", "progress": 0.4, "fps": 11.0, "eta": 90}'
job bad-1 '{"id": "bad-1", "relative": "films/bad.mkv", "state": "failed", "node": "enc2", "error": "not a video file: no video stream", "finished": "2026-12-06T10:00:00Z"}'
job old-1 '{"id": "old-1", "relative": "films/old.mkv", "state": "done", "node": "enc2", "summary": "output exists, skipped"}'
job hevc-1 '{"id": "hevc-1", "relative": "films/hevc.mkv", "state": "skipped", "node": "enc2", "reason": "rule 1 (hevc): already HEVC", "finished": "2026-12-06T11:00:00Z"}'
job good-1 "{\"id\": \"good-1\", \"relative\": \"films/good.mkv\", \"state\": \"done\", \"node\": \"enc2\", \"source\": \"$T/src/good.mkv\", \"output\": \"$T/out/good.mkv\", \"duration\": 5400.0, \"summary\": \"crop 0:0:0:0, 300 kbps\"}"
: >"$TOK/.distenc-tokens"
for n in enc1 enc2; do
	printf 'distenc-node 1\nnode %s\nboot 0123\npid 12\ndaemon 1\nstart 1700000000\nlease 60\n' "$n" >"$TOK/.node.$n"
done
printf 'distenc-plan 1\nkey k1\nchunks 6\nframes 600\nworkdir /w\n' >"$TOK/chunky-0123.d/k1.plan"
for c in 0000 0001; do
	printf 'distenc-done 1\nnode enc1\nboot 0123\npid 7\nstart 1700000100\nattempt 1\noutput /w/c\nsummary x\n' \
	    >"$TOK/chunky-0123.d/k1.c$c.done"
done
# claim CHUNK NODE
claim() {
	printf 'distenc-claim 1\nnode %s\nboot 0123\nnonce 5f\npid 42\nstart 1700000000\nlease 120\nattempt 1\nsource chunk\nrenewed 0000000000\n' \
	    "$2" >"$TOK/chunky-0123.d/k1.c$1.claim"
}
claim 0002 enc2
claim 0003 enc1

"$CTL" -s "$S" -t "$TOK" html "$PAGE" >"$T/html.out" 2>&1
is "$?:$(cat "$T/html.out")" "0:$PAGE/index.html" "html writes the page and says where"
ok "with its data file" test -s "$PAGE/data.js"
ok "the page names no network address" sh -c '! grep -Eiq "https?:|//[a-z]" "$1"' _ "$PAGE/index.html"

if ! command -v chromium >/dev/null 2>&1; then
	bail_rest "chromium (package chromium) is not installed"
	exit 0
fi
# browser ARG...: headless Chromium, no network, its profile in $T.
browser() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --no-first-run --user-data-dir="$T/chrome" \
	    --virtual-time-budget=5000 "$@" 2>>"$T/chrome.err"
}
browser --dump-dom "file://$PAGE/index.html" >"$T/dom.html"
# The rendered text, tags gone.
sed -e 's/<[^>]*>/\n/g' "$T/dom.html" | sed '/^[[:space:]]*$/d' >"$T/text"
grep_ok "$T/text" "^1 done, 2 skipped, 2 running, 0 queued, 1 failed; 1.5 hours of media, 1.0 KB in, 400 B out, 600 B saved\$" \
    "the totals (hours of media from the done job's duration, bytes saved from its files)" || diag_file "$T/chrome.err" chrome
grep_ok "$T/text" "^enc1\$" "host enc1 is there"
grep_ok "$T/text" "^ seen [0-9]+ s ago\$" "with when it was last seen"
grep_ok "$T/text" "^enc2\$" "host enc2 is there"
grep_ok "$T/text" "^films/run\\.mkv\$" "the running job"
grep_ok "$T/text" "^running \\(pass 2\\)\$" "its stage"
grep_ok "$T/text" "^61%, 23\\.4 fps, ETA 0:12:40\$" "its progress, fps and ETA"
grep_ok "$T/dom.html" '<div style="width: 61%;"></div>' "its progress bar"
grep_ok "$T/text" "^films/chunky\\.mkv: 2 of 6 chunks done, 2 encoding, 2 pending\$" \
    "the chunked film's strip, counted"
grep_ok "$T/dom.html" '<div class="chunk encoding" title="chunk 2: encoding by enc2">enc2</div>' \
    "a chunk encoding on enc2 says so"
grep_ok "$T/text" "^not a video file: no video stream\$" "the failure's reason"
grep_ok "$T/text" "^skipped: output exists\$" "the job skipped as its output exists"
grep_ok "$T/text" "^skipped: rule 1 \\(hevc\\): already HEVC\$" \
    "the job skipped by a rule, with its reason"

browser --window-size=1100,900 --screenshot="$T/page.png" "file://$PAGE/index.html" >/dev/null
ok "a screenshot of it is taken (PNG)" sh -c \
    '[ "$(head -c 8 "$1" | od -An -c | tr -d " ")" = "211PNG\\r\\n032\\n" ]' _ "$T/page.png"

# Refreshing: a job's status changes, data.js follows.
"$CTL" -s "$S" -t "$TOK" html "$PAGE" 1 >/dev/null 2>&1 &
REFRESH=$!
at_exit "kill $REFRESH 2>/dev/null"
job run-1 '{"id": "run-1", "relative": "films/run.mkv", "state": "done", "node": "enc1", "summary": "crop 0:0:0:0, refreshed"}'
wait_until 20 grep -q "refreshed" "$PAGE/data.js"
ok "with SECONDS, data.js is refreshed" grep -q "refreshed" "$PAGE/data.js"
kill "$REFRESH"
