#!/bin/sh
#
# Work shared through a token directory on one machine: three daemons
# with different node names on one spool, token and output directory
# encode every input exactly once (the first to claim one held until
# another has one, so that the work is spread), and each reports what the
# others did.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 14
need_tools
need_distencd

N=12
SPOOL=$T/spool
TOK=$T/tokens
OUT=$T/out
for i in $(seq 1 $N); do
	tiny "$T/src/s$i.mkv" || diag "cannot make clip $i"
done

for n in alpha beta gamma; do
	node_conf "$T/$n.conf" "$n" "$SPOOL" "$TOK" "$OUT"
done
mkdir -p "$SPOOL/season 1"
for i in $(seq 1 $N); do
	cp "$T/src/s$i.mkv" "$SPOOL/season 1/e$i.mkv"
done
for n in alpha beta gamma; do
	start_daemon "$T/$n.conf" "$T/$n.log"
	eval "PID_$n=\$DPID"
done
# Whichever daemon claims first waits until another has a job: "the work
# was spread" is then no race.
hold_until_shared "$TOK" 60 "alpha:$PID_alpha" "beta:$PID_beta" \
    "gamma:$PID_gamma"

wait_until 180 sh -c '[ "$(find "$1" -maxdepth 1 -name "*.done" | wc -l)" -ge "$2" ]' \
    _ "$TOK" "$N" || diag "not every input done after $(scaled 180) s"
is "$(count_files "$TOK" .done)" "$N" "a done marker for each of the $N inputs"
ok "$N outputs, each HEVC with every frame" \
    outputs_verified "$OUT" "$N" 15
twice=
for i in $(seq 1 $N); do
	c=$(encodes_of "season 1/e$i.mkv" "$T/alpha.log" "$T/beta.log" \
	    "$T/gamma.log")
	[ "$c" = 1 ] || twice="$twice e$i:$c"
done
is "${twice:-none}" none "every input started exactly once over the three daemons"
workers=0
for n in alpha beta gamma; do
	c=$(grep -c ': started: attempt' "$T/$n.log")
	diag "node $n encoded $c"
	[ "$c" -gt 0 ] && workers=$((workers + 1))
done
ok "the work was spread (at least two daemons encoded)" test "$workers" -ge 2
is "$(count_files "$TOK" .claim)" 0 "no claim left once all is done"
is "$(find "$TOK" -name '*.stale.*' -o -name '.tmp.*' | wc -l | tr -d ' ')" 0 \
    "no temporary or taken-over files left"
ok "the directory marker was made once" test -f "$TOK/.distenc-tokens"
grep_ok "$T/alpha.log" "claimed by node|done by node" \
    "a daemon says when another node has a job"

# Each daemon's status shows all N done, its own and the others'.
for n in alpha beta gamma; do
	wait_until 20 sh -c '[ "$("$1" -c "import json,sys; print(json.load(open(sys.argv[1]))[\"counts\"][\"done\"])" "$2" 2>/dev/null)" = "$3" ]' \
	    _ "$PYTHON" "$(node_status "$n")" "$N"
done
all=1
for n in alpha beta gamma; do
	d=$(json_get "$(node_status "$n")" counts.done)
	[ "$d" = "$N" ] || { diag "node $n: $d done in its status"; all=0; }
done
ok "each daemon's status counts all $N jobs done" test "$all" = 1
is "$(json_get "$(node_status beta)" tokens)" ready \
    "the daemon status says the token directory is ready"
is "$(json_get "$(node_status beta)" token_dir)" "$TOK" \
    "the daemon status names the token directory"
# A job status of a job another node did names that node.
other=$(DSTATUS=$T/node-alpha/status; export DSTATUS
    for i in $(seq 1 $N); do
	f=$(job_status "season 1/e$i.mkv") || continue
	nd=$(json_get "$f" node)
	[ "$nd" != alpha ] && { printf '%s %s\n' "$nd" "$(json_get "$f" summary)"; break; }
    done)
diag "a job of another node in alpha's status: $other"
case $other in
(beta\ done\ by\ node\ beta*|gamma\ done\ by\ node\ gamma*) pass "a job done by another node names it in the status";;
(*) fail "a job done by another node names it in the status";;
esac

for n in alpha beta gamma; do
	eval "stop_daemon \$PID_$n"
done
grep_ok "$T/gamma.log" "stopped" "the daemons stop cleanly"
is "$(count_files "$TOK" .claim)" 0 "no claim after the daemons stopped"
