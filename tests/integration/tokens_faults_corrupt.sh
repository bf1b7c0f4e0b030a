#!/bin/sh
#
# A corrupt claim in the token directory: respected while fresh (held by
# an unknown node "?"), taken over once stale with the reason in the log,
# and the job then done, no sooner than the lease.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/tokens_faults_lib.sh"

plan 3
need_tools
need_distencd
faults_clips 2

C=$T/corrupt
staged_job 2 "$C" eps
id=$JOB_ID
printf '\377\376 not a claim\n' >"$C/tok/$id.claim"
t0=$(now)
mv "$C/in/s2.mkv" "$C/spool/s2.mkv"
wait_until 10 grep -q "s2.mkv: claimed by node" "$C.log"
grep_ok "$C.log" "s2.mkv: claimed by node \\?" \
    "a fresh corrupt claim is respected (held by an unknown node)"
wait_until 30 test -f "$C/tok/$id.done"
took=$(elapsed "$t0")
grep_ok "$C.log" "took over the claim of \\?.*unreadable" \
    "a corrupt claim is taken over once stale, and the log says why"
ok "the job is then done (${took} s after the claim appeared, lease $TLEASE s)" \
    sh -c 'test -f "$1/s2.mkv" && awk -v t="$2" -v l="$3" "BEGIN { exit !(t >= l - 1) }"' \
    _ "$C/out" "$took" "$TLEASE"
stop_daemon
