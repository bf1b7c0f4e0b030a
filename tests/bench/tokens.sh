#!/bin/sh
#
# Benchmark of work shared through a token directory, on this machine:
#
# 1. the protocol alone: tests/bench/tokbench, PROCS processes (16) each
#    a node of its own, going through TASKS tasks (2000) in one order,
#    claiming each free one and marking it done: claims per second,
#    duplicates, losses, spread;
# 2. a scale run: BATCHES "distenc -t" processes (16) on INPUTS tiny
#    inputs (200), fast profile: duplicates, losses, claims per second,
#    how evenly the inputs spread over the processes;
# 3. chaos: ROUNDS rounds (20) of three daemons on one spool and token
#    directory, one of them killed with SIGKILL at a random moment (and
#    in every other round started again): every input must end with one
#    verified output, no partial file and no claim; how long the killed
#    daemon's claims took to be taken over.
#
# Run from the build tree after "make check" (which builds tokbench):
#   sh tests/bench/tokens.sh
# PROCS, TASKS, BATCHES, INPUTS, ROUNDS override the sizes.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

PROCS=${PROCS:-16}
TASKS=${TASKS:-2000}
BATCHES=${BATCHES:-16}
INPUTS=${INPUTS:-200}
ROUNDS=${ROUNDS:-20}
DISTENCD=${DISTENCD:-${top_builddir}/distencd}
TOKBENCH=${top_builddir}/tests/bench/tokbench
[ -x "$TOKBENCH" ] || (cd "$top_builddir" && make tests/bench/tokbench) >/dev/null

# stats LIST: "min max mean sd" of numbers one a line.
stats() {
	awk '{ n++; s += $1; q += $1 * $1; if (n == 1 || $1 < lo) lo = $1;
	    if ($1 > hi) hi = $1 }
	    END { m = s / n; v = q / n - m * m; if (v < 0) v = 0;
	    printf "%s %s %.1f %.1f\n", lo, hi, m, sqrt(v) }'
}

echo "== 1. protocol: $PROCS processes, $TASKS tasks, one token directory"
"$TOKBENCH" "$T/ptok" "$PROCS" "$TASKS" 2>/dev/null | sed 's/^/   /'

echo "== 2. scale: $BATCHES distenc -t processes, $INPUTS inputs"
mkdir -p "$T/lib"
for i in $(seq 1 "$INPUTS"); do
	[ "$i" -le 4 ] && tiny "$T/proto$i.mkv" 0.4 96x54
	cp "$T/proto$(( (i - 1) % 4 + 1 )).mkv" "$T/lib/in$i.mkv"
done
t0=$(now)
for b in $(seq 1 "$BATCHES"); do
	(cd "$T" && exec "$DISTENC" -c "$TESTCONF" -t "$T/stok" \
	    --node "batch$b" -o "$T/sout" "$T/lib"/*.mkv) \
	    >"$T/b$b.out" 2>"$T/b$b.err" &
done
bad=0
wait
wall=$(elapsed "$t0")
for b in $(seq 1 "$BATCHES"); do
	[ "$(grep -c '^done: ' "$T/b$b.out")" = "$INPUTS" ] || bad=$((bad + 1))
	grep -c ': pass 1:' "$T/b$b.err"
done >"$T/per-batch"
cat "$T"/b*.err | sed -n 's/^distenc: \(in[0-9]*\.mkv\): pass 1:.*/\1/p' |
    sort | uniq -c | awk '$1 > 1' | wc -l >"$T/dups"
outs=$(find "$T/sout" -name '*.mkv' | wc -l)
marks=$(count_files "$T/stok" .done)
read -r lo hi mean sd <<EOF
$(stats <"$T/per-batch")
EOF
echo "   wall ${wall} s; $outs outputs, $marks done markers for $INPUTS inputs"
echo "   duplicates (inputs encoded twice): $(cat "$T/dups")"
echo "   losses (inputs without output): $((INPUTS - outs))"
echo "   processes not reporting every input done: $bad"
awk -v n="$INPUTS" -v w="$wall" 'BEGIN { printf "   claims per second (end to end): %.2f\n", n / w }'
echo "   encodes per process: min $lo, max $hi, mean $mean, sd $sd"

echo "== 3. chaos: $ROUNDS rounds of SIGKILL among three daemons"
TLEASE=4
TPOLL=1
N=6
write_conf "$T/medium.conf" medium 300
TESTCONF=$T/medium.conf
for i in $(seq 1 $N); do
	tiny "$T/src/s$i.mkv" 1.2
done
rm -f "$T/recover" "$T/reencodes"
fails=0
for r in $(seq 1 "$ROUNDS"); do
	R=$T/round$r
	mkdir -p "$R/in"
	for n in a b c; do
		node_conf "$R-$n.conf" "$n$r" "$R/spool" "$R/tok" "$R/out"
	done
	for n in a b c; do
		start_daemon "$R-$n.conf" "$R-$n.log" >/dev/null
		eval "pid_$n=\$DPID"
	done
	for i in $(seq 1 $N); do
		cp "$T/src/s$i.mkv" "$R/in/x" && mv "$R/in/x" "$R/spool/s$i.mkv"
	done
	victim=$(awk -v s="$r" 'BEGIN { srand(s * 7919 + systime()); print substr("abc", int(rand() * 3) + 1, 1) }')
	pause=$(awk -v s="$r" 'BEGIN { srand(s * 104729 + systime()); printf "%.2f", 0.2 + rand() * 4 }')
	sleep "$pause"
	eval "vpid=\$pid_$victim"
	held=$(grep -l "^node $victim$r\$" "$R/tok"/*.claim 2>/dev/null | wc -l)
	kill -KILL "$vpid"
	t0=$(now)
	wait "$vpid" 2>/dev/null
	if [ $((r % 2)) = 0 ]; then
		start_daemon "$R-$victim.conf" "$R-$victim-2.log" >/dev/null
		eval "pid_$victim=\$DPID"
	elif [ "$held" -gt 0 ]; then
		wait_until 60 sh -c '[ "$(grep -l "^node $2\$" "$1"/*.claim 2>/dev/null | wc -l)" = 0 ]' \
		    _ "$R/tok" "$victim$r"
		elapsed "$t0" >>"$T/recover"
	fi
	wait_until 120 sh -c '[ "$(find "$1" -maxdepth 1 -name "*.done" | wc -l)" -ge "$2" ]' \
	    _ "$R/tok" "$N"
	for n in a b c; do
		eval "p=\$pid_$n"
		[ "$n" = "$victim" ] && [ $((r % 2)) = 1 ] && continue
		stop_daemon "$p"
	done
	starts=$(cat "$R"-*.log | grep -c ': started: attempt')
	echo $((starts - N)) >>"$T/reencodes"
	left="$(ls "$R/tok"/*.claim 2>/dev/null)$(find "$R/out" -name '.*')"
	if outputs_verified "$R/out" "$N" 30 >/dev/null 2>&1 && [ -z "$left" ]; then
		res=ok
	else
		res=FAILED
		fails=$((fails + 1))
	fi
	echo "   round $r: killed $victim after $pause s holding $held claim(s)$( [ $((r % 2)) = 0 ] && echo ', started again'): $res"
done
echo "   rounds with every input verified once and nothing left: $((ROUNDS - fails)) of $ROUNDS"
echo "   work started again after a kill (re-encodes): $(awk '{ s += $1 } END { print s + 0 }' "$T/reencodes")"
if [ -s "$T/recover" ]; then
	read -r lo hi mean sd <<EOF
$(stats <"$T/recover")
EOF
	echo "   claims of a killed daemon taken over after: min $lo s, max $hi s, mean $mean s"
	echo "   (lease $TLEASE s, poll $TPOLL s; a claim is taken by a daemon with a free slot)"
fi
[ "$fails" = 0 ] && [ "$(cat "$T/dups")" = 0 ] && [ "$outs" = "$INPUTS" ]
