#!/bin/sh
#
# The quick start's daemon part ("sh contrib/quickstart.sh daemon", its
# directory in $T): distencd runs in the foreground on a spool of its own,
# the second sample is dropped by copy and rename, "distencctl status" and
# "jobs" are shown while it works, then the status page's path, and the
# daemon is drained: it exits, the output is whole, no daemon is left.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 8
need_tools
need_distencd
if [ "$(cd "$top_srcdir" && pwd)" != "$(cd "$top_builddir" && pwd)" ]; then
	bail_rest "the quick start runs in the source tree: built elsewhere"
	exit 0
fi

QUICKSTART_DIR=$T/qs timeout 600 sh "$top_srcdir/contrib/quickstart.sh" daemon \
    >"$T/qs.out" 2>&1
is "$?" 0 "the quick start's daemon part succeeds" || diag_file "$T/qs.out" quickstart 60
grep_ok "$T/qs.out" "^==> starting distencd in the foreground on the spool $T/qs/daemon/spool\$" \
    "it starts distencd on a spool under its directory"
grep_ok "$T/qs.out" "^==> dropping .*sample2\\.mkv into the spool: copy, then rename\$" \
    "it drops the second sample"
grep_ok "$T/qs.out" "^state running, control socket $T/qs/daemon/control\$" \
    "it shows distencctl status"
grep_ok "$T/qs.out" "^done +100% .* sample2\\.mkv\$" "it shows distencctl jobs, the job done"
grep_ok "$T/qs.out" "^$T/qs/daemon/html/index\\.html\$" "it says where the status page is"
is "$(frame_count "$T/qs/daemon/out/sample2.mkv")" 150 "the output is whole"
grep_ok "$T/qs/daemon/distencd.log" "drained: no job running, stopping" \
    "the daemon was drained and stopped"
