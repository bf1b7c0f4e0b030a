#!/bin/sh
#
# A daemon that published a job's output and was killed before marking
# it done, started again: it takes its own claim back, finds the output
# its earlier run published (the job's status says it was running) and
# marks the job done, encoding nothing again (it used to fail the job
# with "output exists").  The moment is arranged with SIGSTOP: the
# daemon is stopped while its worker publishes, then killed.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 5
need_tools
need_distencd

# the worker publishes while the daemon is stopped
published_start
published_killed
diag "claims left: $(count_files "$P/tok" .claim), markers: $(count_files "$P/tok" .done)"

start_daemon "$P-a.conf" "$P-alpha2.log"
published_done alpha "$P-alpha2.log" "this host's earlier run" "started again"
