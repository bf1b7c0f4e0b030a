#!/bin/sh
#
# A FIFO named as a chunked job's film grain table hangs nothing: the job
# fails at once, naming the file and the reason.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/chunked_lib.sh"

plan 3
need_tools
need_distenc

chunked_setup
mkfifo "$T/grain.tbl"
sed -e "s|^default_profile = .*|default_profile = \"grainy\";|" \
    -e "s|crop = \"off\"; }; };|crop = \"off\"; }; grainy = { inherit = \"av1t\"; grain_table = \"$T/grain.tbl\"; }; };|" \
    "$CONF" >"$T/grain.conf"
DISTENC_TIMEOUT=60 run_distenc -c "$T/grain.conf" -o "$T/out" "$SRC"
ok "a FIFO as the grain table: the job fails, it does not hang" \
    test "$DE_RC" = 1
if de_all | grep -q "film grain table .*grain.tbl: not a regular file"; then
	pass "the reason names the file: not a regular file"
else
	fail "the reason names the file: not a regular file"
fi
ok "no output" test ! -e "$T/out/scenes.mkv"
