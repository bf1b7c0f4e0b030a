#!/bin/sh
#
# The module map, read from the built objects: which source file uses
# which, and no two files that call each other.
#
# Every global symbol a file's object needs (nm: U) is looked up among
# the symbols the objects define; that gives the arrows between files,
# named by what they take.  The objects are the libraries' members and the
# programs' own.  A circle (files that reach each other through arrows)
# is reported "not ok", naming its files and their arrows, unless all of
# its files are in ALLOWED: the AviSynth evaluator and its built-in
# functions, which evaluate their arguments and so recurse through each
# other.  The media layer is above the core: no core file may use one of
# the media layer, nor FFmpeg, x265, libaom or SVT-AV1.  The map is printed as
# diagnostics.  The reading itself is checked first on objects the test
# compiles: a circle of two and one of three are found, a chain is not.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${CC:=cc}"
: "${NM:=nm}"

# Files that may call each other: the evaluator and its built-ins.
ALLOWED="avs_eval avs_func avs_source"
# The libraries, lowest first, and the programs.
CORE=libdistenc_core.a
MEDIA=libdistenc_media.a
PROGRAMS="distenc distencd distencctl"
# What only the media layer may use.
MEDIA_SYMS='^(av_|avcodec_|avformat_|avfilter_|avio_|sws_|swr_|x265_|aom_|svt_)'

n=0
bad=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
notok() {
	n=$((n + 1))
	bad=$((bad + 1))
	echo "not ok $n - $*"
}

T=$(mktemp -d "${TMPDIR:-/tmp}/distenc-modules.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# nm's global symbols of the objects and archives given, as lines
# "FILE TYPE SYMBOL", FILE the source file's name without ".c" (an
# object "src/distencd-djob.o" or a member "libdistenc_core_a-token.o"
# stands for "djob" or "token").
symbols() {
	"$NM" -A -g "$@" 2>/dev/null | awk '
	{
		obj = $1
		sub(/:[0-9a-fA-F]*$/, "", obj)
		sub(/.*[:\/]/, "", obj)
		sub(/^.*-/, "", obj)
		sub(/\.o$/, "", obj)
		print obj, $2, $3
	}'
}

# The arrows between files from symbols' lines: "FROM TO SYMBOL".
arrows() {
	awk '
	$2 == "U" { use[++nu] = $1 " " $3; next }
	$2 ~ /^[A-TV-Z]$/ && !($3 in def) { def[$3] = $1 }
	END {
		for (i = 1; i <= nu; i++) {
			split(use[i], u, " ")
			if ((u[2] in def) && def[u[2]] != u[1])
				print u[1], def[u[2]], u[2]
		}
	}' "$1" | sort -u
}

# The circles of the arrows: one line per circle, its files, sorted, then
# " | " and its arrows "FROM -> TO: SYMBOL,SYMBOL; ...".  Files reach each other
# when each is reached from the other (transitive closure, Warshall).
circles() {
	awk '
	{
		for (k = 1; k <= 2; k++)
			if (!($k in id)) { id[$k] = ++nf; name[nf] = $k }
		a = id[$1]; b = id[$2]
		r[a, b] = 1
		key = a SUBSEP b
		if (key in syms)
			syms[key] = syms[key] "," $3
		else
			syms[key] = $3
	}
	END {
		for (k = 1; k <= nf; k++)
			for (i = 1; i <= nf; i++)
				if ((i, k) in r)
					for (j = 1; j <= nf; j++)
						if ((k, j) in r)
							r[i, j] = 1
		for (i = 1; i <= nf; i++) {
			if (i in done || !((i, i) in r))
				continue
			files = ""; m = 0
			for (j = 1; j <= nf; j++)
				if ((i, j) in r && (j, i) in r) {
					done[j] = 1; member[++m] = j
					files = files " " name[j]
				}
			ties = ""
			for (x = 1; x <= m; x++)
				for (y = 1; y <= m; y++)
					if ((member[x] SUBSEP member[y]) in syms)
						ties = ties (ties == "" ? "" : "; ") \
						    name[member[x]] " -> " \
						    name[member[y]] ": " \
						    syms[member[x], member[y]]
			print files " | " ties
		}
	}' "$1" | while read -r line; do
		files=$(echo "${line%%|*}" | tr ' ' '\n' | sed '/^$/d' | sort |
		    tr '\n' ' ')
		echo "${files% } |${line#*|}"
	done | sort
}

# Whether every file of a circle's line is in the allowed list $2.
allowed() {
	for f in ${1%%|*}; do
		case " $2 " in
		*" $f "*) ;;
		*) return 1 ;;
		esac
	done
	return 0
}

# One TAP line per circle of an arrows file ($1): "ok" when all its files
# are in the list $2, else "not ok" with its arrows.
report_circles() {
	circles "$1" > "$T/circles"
	while IFS= read -r c; do
		if allowed "$c" "$2"; then
			ok "allowed circle: ${c%% |*}"
		else
			notok "circle: ${c%% |*} (${c#*| })"
		fi
	done < "$T/circles"
}

# --- the reading checked on small objects --------------------------------

mkdir "$T/syn"
cat > "$T/syn/ping.c" <<'EOF'
int pong(int);
int ping(int n) { return n > 0 ? pong(n - 1) : 0; }
EOF
cat > "$T/syn/pong.c" <<'EOF'
int ping(int);
int pong(int n) { return n > 0 ? ping(n - 1) : 1; }
EOF
cat > "$T/syn/top.c" <<'EOF'
int mid(int);
int top(int n) { return mid(n) + 1; }
EOF
cat > "$T/syn/mid.c" <<'EOF'
int low(int);
int mid(int n) { return low(n) * 2; }
EOF
cat > "$T/syn/low.c" <<'EOF'
int low_count;
int low(int n) { return n + low_count; }
EOF
cat > "$T/syn/one.c" <<'EOF'
int two(void);
int one(void) { return two(); }
EOF
cat > "$T/syn/two.c" <<'EOF'
int three(void);
int two(void) { return three(); }
EOF
cat > "$T/syn/three.c" <<'EOF'
extern int low_count;
int one(void);
int three(void) { return low_count ? one() : 0; }
EOF
if ! (cd "$T/syn" && for f in *.c; do
	$CC -c -o "x-${f%.c}.o" "$f" || exit 1
done); then
	echo "Bail out! cannot compile the test's own objects with $CC"
	exit 0
fi
(cd "$T/syn" && ar rc libsyn.a x-one.o x-two.o x-three.o)
symbols "$T/syn/x-ping.o" "$T/syn/x-pong.o" "$T/syn/x-top.o" \
    "$T/syn/x-mid.o" "$T/syn/x-low.o" "$T/syn/libsyn.a" > "$T/syn/symbols"
arrows "$T/syn/symbols" > "$T/syn/arrows"
circles "$T/syn/arrows" > "$T/syn/circles"
got=$(sed 's/ |.*//' "$T/syn/circles" | tr '\n' ';')
if [ "$got" = "one three two;ping pong;" ]; then
	ok "test objects: the circles ping-pong and one-two-three are found"
else
	notok "test objects: circles found: '$got'"
fi
if grep -q "^top mid mid$" "$T/syn/arrows" &&
    grep -q "^mid low low$" "$T/syn/arrows" &&
    grep -q "^three low low_count$" "$T/syn/arrows" &&
    ! grep -q "top\|mid" "$T/syn/circles"; then
	ok "test objects: the chain top, mid, low is no circle; a variable is an arrow"
else
	notok "test objects: the chain top, mid, low is read wrong"
fi
if allowed "$(grep ping "$T/syn/circles")" "ping pong" &&
    ! allowed "$(grep one "$T/syn/circles")" "one two"; then
	ok "test objects: a circle is allowed only when all its files are"
else
	notok "test objects: the allowed circles are told wrong"
fi

# --- the programs ----------------------------------------------------------

cd "$top_builddir" || exit 1
objs=""
for p in $PROGRAMS; do
	for o in src/"$p"-*.o; do
		# Not one left by a source file since removed.
		s=${o#src/"$p"-}
		[ -f "$top_srcdir/src/${s%.o}.c" ] && objs="$objs $o"
	done
done
for l in $CORE $MEDIA; do
	if [ ! -f "$l" ]; then
		echo "Bail out! $l is not built"
		exit 0
	fi
done
# shellcheck disable=SC2086
symbols $CORE $MEDIA $objs > "$T/symbols"
arrows "$T/symbols" > "$T/arrows"
nfiles=$(awk '{ print $1 }' "$T/symbols" | sort -u | wc -l)
if [ "$nfiles" -gt 10 ] && [ -s "$T/arrows" ]; then
	ok "symbols of $nfiles files read, $(wc -l < "$T/arrows") uses"
else
	notok "symbols of $nfiles files read"
fi

echo "# The module map: each file, then the files it uses."
awk '{ print $1, $2 }' "$T/arrows" | sort -u | awk '
	$1 != last { if (line != "") print line; line = "# " $1 ":"; last = $1 }
	{ line = line " " $2 }
	END { if (line != "") print line }'

report_circles "$T/arrows" "$ALLOWED"
if [ "$bad" -eq 0 ]; then
	ok "no circle between source files but those allowed ($ALLOWED)"
fi

# The core stands below the media layer and the programs, and uses none
# of the media libraries.
symbols "$CORE" | awk '$2 != "U" { print $1 }' | sort -u > "$T/core"
up=$(awk 'NR == FNR { core[$1] = 1; next }
	($1 in core) && !($2 in core) { print $1 ">" $2 ":" $3 }' \
    "$T/core" "$T/arrows" | tr '\n' ' ')
if [ -z "$up" ]; then
	ok "no core file uses the media layer or a program's file"
else
	notok "core files use files above them: $up"
fi
libs=$(symbols "$CORE" | awk -v re="$MEDIA_SYMS" '$2 == "U" && $3 ~ re {
	print $1 ":" $3 }' | sort -u | tr '\n' ' ')
if [ -z "$libs" ]; then
	ok "no core file uses FFmpeg, x265, libaom or SVT-AV1"
else
	notok "core files use media libraries: $libs"
fi

echo "1..$n"
exit 0
