#!/bin/sh
#
# As tokens_published_restart.sh, with overwrite = true: the output there
# after the restart may be an older one the job was to replace, so the job
# is encoded again rather than taken as done, and done.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"

plan 3
need_tools
need_distencd

published_start "overwrite = true;"
published_killed

start_daemon "$P-a.conf" "$P-alpha2.log"
published_marker
is "$(encodes_of a.mkv "$P-alpha2.log")" 1 \
    "overwrite on: started again, the job is encoded again"
is "$(count_files "$P/tok" .done)/$(count_files "$P/tok" .failed)" 1/0 \
    "overwrite on: and marked done"
ok "overwrite on: the output is whole and verified" \
    outputs_verified "$P/out" 1 50
