#!/bin/sh
#
# A file a rule skips, shared through a token directory: its done marker
# says it was skipped, so every other host takes it as skipped too, never
# as done and never encoding it: a second "distenc -t" batch reports it
# skipped by the first's node, and a daemon started after the one that
# skipped it shows it in state "skipped" with the reason and the node.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/library_lib.sh"

plan 7
need_tools
need_distencd
need_encoder libx265

lib_clip libx265 150 "$T/lib/hevc.mkv"
RULES='rules = ( { name = "hevc"; codec = [ "hevc" ]; skip = "already HEVC"; } );'
C=$T/rules.conf
cp "$TESTCONF" "$C"
printf '%s\n' "$RULES" >>"$C"

# Two batches, one after the other.
run_distenc -c "$C" -t "$T/btok" --node x -o "$T/bout" "$T/lib/hevc.mkv"
grep_ok "$DE_OUT" '^skipped: .*hevc\.mkv: rule 1 \(hevc\): already HEVC$' \
    "the first batch skips the file by the rule"
run_distenc -c "$C" -t "$T/btok" --node y -o "$T/bout" "$T/lib/hevc.mkv"
is "$DE_RC" 0 "the second batch exits 0"
grep_ok "$DE_OUT" '^skipped: .*hevc\.mkv: rule 1 \(hevc\): already HEVC \(by node x\)$' \
    "and reports it skipped by node x, not done"

# Two daemons, the second started once the first skipped the file.
SPOOL=$T/spool
TOK=$T/tok
for n in alpha beta; do
	node_conf "$T/$n.conf" "$n" "$SPOOL" "$TOK" "$T/out" "$RULES"
done
cp "$T/lib/hevc.mkv" "$SPOOL/hevc.mkv"
start_daemon "$T/alpha.conf" "$T/alpha.log"
DSTATUS=$T/node-alpha/status
job_wait_state 60 hevc.mkv skipped done failed
is "$(job_get hevc.mkv state)" skipped "the first daemon skips the file"
start_daemon "$T/beta.conf" "$T/beta.log"
DSTATUS=$T/node-beta/status
job_wait_state 60 hevc.mkv skipped done failed
is "$(job_get hevc.mkv state)" skipped \
    "the second daemon takes it as skipped, not done"
is "$(job_get hevc.mkv reason)" "rule 1 (hevc): already HEVC (on node alpha)" \
    "with the reason and the node that skipped it"
is "$(encodes_of hevc.mkv "$T/beta.log")" 0 "and never starts it"
