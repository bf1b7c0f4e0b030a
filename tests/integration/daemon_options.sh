#!/bin/sh
#
# distencd's one-shot options, no daemon started: -V, a bad option, -n
# with a good config and with bad ones (jobs = 65; two errors, both
# reported as FILE:LINE: KEY: REASON).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 8
need_tools
need_distencd

CONF=$T/d.conf

run_distencd -V
is "$DE_RC" 0 "-V exits 0"
ok "-V prints \"distencd VERSION\"" \
    grep -Eq '^distencd [0-9]+\.[0-9]+' "$DE_OUT"

run_distencd -Z
is "$DE_RC" 2 "a bad option exits 2"

write_dconf "$CONF"
run_distencd -n -c "$CONF"
is "$DE_RC" 0 "-n with a good config exits 0"
ok "-n with a good config prints \"configuration OK\"" \
    grep -q 'configuration OK' "$DE_OUT"

DCONF_JOBS=65 write_dconf "$T/bad.conf"
badline=$(grep -n '^jobs = 65;' "$T/bad.conf" | cut -d: -f1)
run_distencd -n -c "$T/bad.conf"
is "$DE_RC" 1 "-n with jobs = 65 exits 1"
ok "-n with jobs = 65 says \"$T/bad.conf:$badline: jobs: REASON\"" \
    grep -Eq "^(distencd: )?$T/bad.conf:$badline: jobs: ." "$DE_ERR"

# Two errors: -n reports every one.
DCONF_JOBS=65 DCONF_POLL=0 write_dconf "$T/bad2.conf"
pline=$(grep -n '^poll_interval = 0;' "$T/bad2.conf" | cut -d: -f1)
run_distencd -n -c "$T/bad2.conf"
if [ "$DE_RC" = 1 ] &&
    grep -Eq "$T/bad2.conf:$pline: poll_interval: ." "$DE_ERR" &&
    grep -Eq "$T/bad2.conf:$badline: jobs: ." "$DE_ERR"; then
	pass "-n reports every error (poll_interval = 0 and jobs = 65), exit 1"
else
	fail "-n reports every error (poll_interval = 0 and jobs = 65), exit 1"
fi
