#!/bin/sh
#
# The awkward-input corpus (tests/corpus.sh), each case run alone through
# "distenc -o OUT -s STATS -f FILE": a case that must be encoded is, and
# its output decodes; one that must be refused exits 1 naming the file and
# the reason; one that must be encoded with a warning says it.  Cases the
# code does not yet handle as it should are listed in CORPUS_TODO with why
# and reported as TAP TODO: they are counted and shown, not hidden.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

# Cases not yet handled as they must be: name|why.
CORPUS_TODO=''
CORPUS_TODO=${CORPUS_TODO_OVERRIDE-$CORPUS_TODO}

plan "$(echo "$CORPUS" | grep -c .)"
need_tools
need_distenc

todo_reason() {
	echo "$CORPUS_TODO" | while IFS='|' read -r _tn _tw; do
		[ "$_tn" = "$1" ] && echo "$_tw"
	done
}

# todo OK DESC WHY: a TAP line with the TODO directive (lib.sh has none).
todo() {
	_tap_n=$((_tap_n + 1))
	printf '%s %d - %s # TODO %s\n' "$1" "$_tap_n" "$(_tap_line "$2")" \
	    "$(_tap_line "$3")"
}

# result NAME DESC VERDICT: pass, fail, or a TODO line.
result() {
	_why=$(todo_reason "$1")
	if [ -n "$_why" ]; then
		if [ "$3" = pass ]; then
			todo ok "$2" "passes now: take it off CORPUS_TODO"
		else
			todo "not ok" "$2" "$_why"
		fi
	elif [ "$3" = pass ]; then
		pass "$2"
	else
		fail "$2"
	fi
}

npass=0
nfail=0
while IFS='|' read -r name expect pattern; do
	dir=$T/c/$name
	mkdir -p "$dir"
	if ! "corpus_$name" "$dir" 2>"$T/make.err"; then
		diag "$name: the ffmpeg program could not make it:"
		diag_file "$T/make.err" ffmpeg 5
	fi
	file=
	for f in "$dir"/*; do
		file=$f
	done
	out=$T/out/$name
	run_distenc -c "$TESTCONF" -o "$out" -s "$T/stats" -f "$file"
	# The reason, the file's own name replaced by FILE, so that a pattern
	# cannot match the name instead of what is said of it.
	reason=$(grep -h '^failed: ' "$DE_OUT" | head -n 1 | awk -v p="$file" '
	    { while (p != "" && (i = index($0, p)) > 0)
		$0 = substr($0, 1, i - 1) "FILE" substr($0, i + length(p))
	      print }')
	verdict=fail
	case $expect in
	ok|warn)
		outfile=$(find "$out" -name '*.mkv' -type f 2>/dev/null | head -n 1)
		if [ "$DE_RC" -eq 0 ] && [ -n "$outfile" ] &&
		    ffmpeg -nostdin -v error -i "$outfile" -f null - \
		    >/dev/null 2>&1; then
			verdict=pass
			if [ "$expect" = warn ] &&
			    ! de_all | grep -v "^done: " | grep -Eq -- "$pattern"; then
				verdict=fail
				diag "$name: no warning matching /$pattern/"
			fi
			if command -v "corpus_check_$name" >/dev/null &&
			    ! "corpus_check_$name" "$outfile"; then
				verdict=fail
				diag "$name: the output is not as it must be" \
				    "(corpus_check_$name)"
			fi
		fi
		desc="$name: encoded${pattern:+, saying /$pattern/}"
		command -v "corpus_check_$name" >/dev/null &&
		    desc="$desc, output checked"
		;;
	fail)
		if [ "$DE_RC" -eq 1 ] &&
		    echo "$reason" | grep -Eq -- "$pattern" &&
		    [ -z "$(find "$out" -type f 2>/dev/null)" ]; then
			verdict=pass
		fi
		desc="$name: refused, /$pattern/"
		;;
	esac
	[ -n "$reason" ] && diag "$name: $reason"
	if [ "$verdict" = pass ]; then
		npass=$((npass + 1))
	else
		nfail=$((nfail + 1))
	fi
	result "$name" "$desc" "$verdict"
done <<CORPUS_END
$CORPUS
CORPUS_END
diag "corpus: $npass of $((npass + nfail)) cases as they must be"
