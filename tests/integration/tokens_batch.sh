#!/bin/sh
#
# Work shared through a token directory on one machine: three
# "distenc -t" batches on the same inputs encode each exactly once and
# each reports every input done, naming the node that did it; a second
# run encodes nothing.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 8
need_tools
need_distenc

for i in $(seq 1 8); do
	tiny "$T/src/s$i.mkv" || diag "cannot make clip $i"
done

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
