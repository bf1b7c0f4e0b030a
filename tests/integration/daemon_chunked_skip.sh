#!/bin/sh
#
# The daemon, with a chunked profile and a token directory, on a file a
# rule skips: the job ends "skipped" with the rule's reason (in its
# status and its done marker) and nothing more is made or published: no
# plan in the work directory, no chunk tasks in the token directory, no
# output; the job is decided once.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 7
need_tools
need_distencd
need_encoder libx265

WORK=$T/work
TOK=$T/tokens
SPOOL=$T/spool
TESTCONF=$T/chunk.conf
cat >"$TESTCONF" <<EOF
profiles = { test = { inherit = "hevc-chunked"; preset = "ultrafast"; threads = 1; min_chunk_length = 10; crop = "off"; }; };
EOF
node_conf "$T/A.conf" A "$SPOOL" "$TOK" "$T/out" "work_dir = \"$WORK\";
rules = ( { name = \"hevc\"; codec = [ \"hevc\" ]; skip = \"already HEVC\"; } );"
lib_clip libx265 150 "$T/lib/hevc.mkv"

start_daemon "$T/A.conf" "$T/A.log"
DSTATUS=$T/node-A/status
mkdir -p "$T/stage"
cp "$T/lib/hevc.mkv" "$T/stage/hevc.mkv"
mv "$T/stage/hevc.mkv" "$SPOOL/hevc.mkv"
ID=$(job_id hevc.mkv "$SPOOL/hevc.mkv")
job_wait_state 60 hevc.mkv skipped done failed
is "$(job_get hevc.mkv state)" skipped "the chunked job is skipped by the rule"
is "$(job_get hevc.mkv reason)" "rule 1 (hevc): already HEVC" \
    "with the rule's reason in its status"
ok "its done marker is written" wait_until 30 test -f "$TOK/$ID.done"
ok "no chunk tasks are published in the token directory" \
    test ! -e "$TOK/$ID.d"
ok "no plan is made in the work directory" \
    sh -c '[ -z "$(find "$1" -name plan 2>/dev/null)" ]' _ "$WORK"
ok "no output is made" test ! -e "$T/out/hevc.mkv"
JL=$(job_get hevc.mkv log)
diag_file "$JL" "job log" 20
is "$(grep -c 'skipped: rule 1' "$JL"):$(grep -c 'plan: \|scenes: \|chunk [0-9]' "$JL")" \
    "1:0" "it is decided once, neither planned nor encoded in chunks"
stop_daemon
