#!/bin/sh
#
# Batches and the command line: three inputs with -j 2; inputs with the
# same name in different directories mirrored under the output directory;
# --help, --version, an unknown option, a bad --node, no input, an unknown
# profile and a bad config file; --dump-config, --crop-only, per-job logs
# in log_dir, a name with a newline kept on one log line, an AviSynth
# script whose source is missing.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 28
need_tools
need_distenc

# Every output of a list is HEVC with the wanted size: "PATH WxH" lines.
outputs_ok() {
	_bad=0
	while read -r _p _s; do
		_got=$(probe_stream "$_p" v:0 codec_name):$(probe_stream "$_p" v:0 width)x$(probe_stream "$_p" v:0 height)
		if [ "$_got" != "hevc:$_s" ]; then
			diag "  $_p: got '$_got', want hevc:$_s"
			_bad=1
		fi
	done
	return $_bad
}

# --- three inputs, two jobs ---------------------------------------------------

clip letterbox "$T/in3/letterbox.mkv"
clip pillarbox "$T/in3/pillarbox.mkv"
clip odd "$T/in3/odd.mkv"
run_distenc -c "$TESTCONF" -j 2 -o "$T/out3" -s "$T/stats" \
    -i "$T/in3/letterbox.mkv" "$T/in3/pillarbox.mkv" "$T/in3/odd.mkv"
is "$DE_RC" 0 "-j 2, three inputs: distenc exits 0"
ok "-j 2, three inputs: three HEVC outputs, each cropped right" outputs_ok <<EOF
$T/out3/letterbox.mkv 320x136
$T/out3/pillarbox.mkv 240x180
$T/out3/odd.mkv 320x180
EOF
is "$(find "$T/out3" ! -type d | wc -l | tr -d ' ')" 3 \
    "-j 2, three inputs: nothing else in the output directory"
ok "-j 2, three inputs: stats directory left empty" tree_is_empty "$T/stats"

# --- same name, different directories -------------------------------------------

mkdir -p "$T/in2/dir1" "$T/in2/dir2"
cp "$T/in3/letterbox.mkv" "$T/in2/dir1/x.mkv"
cp "$T/in3/pillarbox.mkv" "$T/in2/dir2/x.mkv"
run_distenc -c "$TESTCONF" -o "$T/out2" -s "$T/stats" \
    -i "$T/in2/dir1/x.mkv" "$T/in2/dir2/x.mkv"
is "$DE_RC" 0 "dir1/x.mkv dir2/x.mkv: distenc exits 0"
ok "dir1/x.mkv -> OUT/dir1/x.mkv (from the letterbox clip)" outputs_ok <<EOF
$T/out2/dir1/x.mkv 320x136
EOF
ok "dir2/x.mkv -> OUT/dir2/x.mkv (from the pillarbox clip)" outputs_ok <<EOF
$T/out2/dir2/x.mkv 240x180
EOF

# --- command line ---------------------------------------------------------

run_distenc --help
is "$DE_RC" 0 "--help exits 0"
ok "--help mentions --token-dir" eval 'de_all | grep -q -- --token-dir'

run_distenc --version
is "$DE_RC" 0 "--version exits 0"
ok "--version prints a version number" \
    eval 'de_all | grep -Eq "[0-9]+\.[0-9]+"'

run_distenc --no-such-option -i "$T/in3/letterbox.mkv" -o "$T/out-x"
is "$DE_RC" 2 "an unknown option exits 2"

run_distenc -c "$TESTCONF" --token-dir "$T/tokens" --node "a b" \
    -o "$T/out-x" -i "$T/in3/letterbox.mkv"
is "$DE_RC" 2 "--node with a space is rejected with 2"

run_distenc -c "$TESTCONF" -o "$T/out-x"
is "$DE_RC" 2 "no input file exits 2"

run_distenc -c "$TESTCONF" -p no-such-profile -o "$T/out-x" \
    -i "$T/in3/letterbox.mkv"
is "$DE_RC" 2 "an unknown profile exits 2"

ok "nothing written by the refused runs" \
    sh -c 'test ! -e "$1" && test ! -e "$2"' _ "$T/out-x" "$T/tokens"

# A config error: line 3 says jobs = 65.
badconf=$T/bad.conf
{
	echo 'default_profile = "test";'
	echo 'profiles = { test = { preset = "ultrafast"; }; };'
	echo 'jobs = 65;'
} >"$badconf"
run_distenc -c "$badconf" -o "$T/out-bad" -i "$T/in3/letterbox.mkv"
is "$DE_RC" 2 "a bad config file (jobs = 65) exits 2"
ok "the config error reads \"$badconf:3: jobs: ...\"" \
    grep -qF "$badconf:3: jobs:" "$DE_ERR"
ok "nothing written after the config error" test ! -e "$T/out-bad"

# --- --dump-config: the effective configuration, which loads again ----------

run_distenc -c "$TESTCONF" --dump-config
cp "$DE_OUT" "$T/dump1.conf"
run_distenc -c "$T/dump1.conf" --dump-config
# (the first line, a comment, names the file each was read from)
ok "--dump-config output loads, and dumps the same again" \
    sh -c 'sed 1d "$1" >"$1.1" && sed 1d "$2" | cmp -s "$1.1" -' _ \
    "$T/dump1.conf" "$DE_OUT"
ok "--dump-config shows the test profile's preset" \
    grep -q 'preset = "ultrafast";' "$T/dump1.conf"

# --- --crop-only ------------------------------------------------------------------

run_distenc -c "$TESTCONF" --crop-only "$T/in3/letterbox.mkv"
is "$DE_RC" 0 "--crop-only exits 0"
ok "--crop-only prints the crop: 320x136+0+22" \
    grep -q "letterbox.mkv: crop 320x136+0+22 (" "$DE_OUT"
ok "--crop-only writes no output" test ! -e "$T/letterbox.mkv"

# --- log_dir: a log per job; a newline in a name stays on one line ----------

nl='
'
mkdir -p "$T/innl"
cp "$T/in3/letterbox.mkv" "$T/innl/a${nl}b.mkv"
{
	cat "$TESTCONF"
	echo "log_dir = \"$T/logs\";"
} >"$T/logs.conf"
run_distenc -c "$T/logs.conf" -o "$T/outnl" -s "$T/stats" "$T/innl/a${nl}b.mkv"
is "$DE_RC" 0 "a name with a newline: distenc exits 0"
ok "log_dir: the job's log has its crop and publication lines" \
    sh -c 'grep -q " crop: top 22" "$1" && grep -q " published: " "$1"' _ \
    "$T/logs/a${nl}b.log"
ok "the newline is written as \\012 in the log lines and the summary" \
    sh -c 'grep -q "a\\\\012b.mkv: crop:" "$1" &&
    grep -q "^done: .*a\\\\012b.mkv -> " "$2"' _ "$DE_ERR" "$DE_OUT"

# --- an AviSynth script --------------------------------------------------------

echo 'FFVideoSource("x.mkv")' >"$T/in3/script.avs"
run_distenc -c "$TESTCONF" -o "$T/outavs" -s "$T/stats" "$T/in3/script.avs"
ok "an .avs script whose source is missing fails, naming the line and the file" \
    sh -c '[ "$1" = 1 ] && grep -q "^failed: [^ ]*script.avs:1:1: FFVideoSource: .*/in3/x.mkv: cannot open: No such file" "$2"' \
    _ "$DE_RC" "$DE_OUT"
