#!/bin/sh
#
# Work shared through a token directory on one machine: three daemons
# with different node names on one spool, token and output directory
# encode every input exactly once (the first to claim one held until
# another has one, so that the work is spread), and each reports what
# the others did;
# three "distenc -t" batches on the same inputs do the same, and a
# second run encodes nothing; an interrupted batch leaves no claim and
# no partial file, and the input is free at once.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 24
need_tools
need_distencd

N=12
SPOOL=$T/spool
TOK=$T/tokens
OUT=$T/out
for i in $(seq 1 $N); do
	tiny "$T/src/s$i.mkv" || diag "cannot make clip $i"
done

# --- three daemons ------------------------------------------------------

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

# --- three batches ------------------------------------------------------

M=8
mkdir -p "$T/lib/a" "$T/lib/b"
for i in $(seq 1 $M); do
	cp "$T/src/s$i.mkv" "$T/lib/$( [ $((i % 2)) = 0 ] && echo a || echo b)/it's $i.mkv"
done
for n in x y z; do
	(cd "$T" && exec "$DISTENC" -c "$TESTCONF" -t "$T/btok" --node "$n" \
	    --lease 6 -o "$T/bout" "$T/lib"/*/*.mkv) >"$T/b$n.out" 2>"$T/b$n.err" &
	eval "BPID_$n=\$!"
done
rcs=
for n in x y z; do
	eval "wait \$BPID_$n"
	rcs="$rcs$?"
done
is "$rcs" 000 "three batches with one token directory all exit 0"
ok "$M outputs, each HEVC with every frame" outputs_verified "$T/bout" "$M" 15
twice=
for f in "$T/lib"/*/*.mkv; do
	b=$(basename "$f")
	c=$(encodes_of "$b" "$T/bx.err" "$T/by.err" "$T/bz.err")
	[ "$c" = 1 ] || twice="$twice $b:$c"
done
is "${twice:-none}" none "every input encoded exactly once over the three batches"
is "$(grep -c '^done: ' "$T/bx.out")" "$M" \
    "each batch reports every input done (its own and the others')"
grep_ok "$T/by.out" "\\(by node [xz]" "a batch names the node that did an input"
is "$(count_files "$T/btok" .done)" "$M" "a done marker for each batch input"

run_distenc -c "$TESTCONF" -t "$T/btok" --node x -o "$T/bout" "$T/lib"/*/*.mkv
is "$DE_RC" 0 "a second run exits 0"
is "$(grep -c ': pass 1:' "$DE_ERR")" 0 "a second run encodes nothing"

# --- an interrupted batch ------------------------------------------------

tiny "$T/long/long.mkv" 10 320x180
write_conf "$T/slow.conf" slower 300
(cd "$T" && exec "$DISTENC" -c "$T/slow.conf" -t "$T/itok" --node x \
    -o "$T/iout" "$T/long/long.mkv") >"$T/i.out" 2>"$T/i.err" &
ipid=$!
wait_until 30 sh -c 'ls "$1"/*.claim >/dev/null 2>&1' _ "$T/itok"
# Interrupted while it encodes.
wait_until 30 grep -q ': pass 1:' "$T/i.err"
kill -INT "$ipid"
wait "$ipid"
left="$(ls "$T/itok"/*.claim 2>/dev/null)$(find "$T/iout" -type f)$(ls -A "$T/stats")"
is "${left:-nothing}" nothing "after SIGINT: no claim, no output, no stats left"
run_distenc -c "$TESTCONF" -t "$T/itok" --node y -o "$T/iout" "$T/long/long.mkv"
ok "another host takes the interrupted input at once" \
    sh -c '[ "$1" = 0 ] && [ -f "$2" ]' _ "$DE_RC" "$T/iout/long.mkv"
