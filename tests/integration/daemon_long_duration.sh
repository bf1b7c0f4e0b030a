#!/bin/sh
#
# A source whose container declares a duration of ten years (it holds 2 s)
# fails at once for that reason, as a final failure: not as "stats
# directory is full", and it is not retried.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 4
need_tools
need_distencd

CONF=$T/d.conf
clip letterbox "$T/clips/a.mkv"
# The Matroska Duration element (ID 0x4489, an 8-byte float of
# milliseconds) set to ten years.
"$PYTHON" - "$T/clips/a.mkv" "$T/clips/long.mkv" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
i = d.find(b'\x44\x89\x88')
assert i > 0, 'no 8-byte Duration element'
d = d[:i + 3] + struct.pack('>d', 10 * 365.25 * 86400 * 1000) + d[i + 11:]
open(sys.argv[2], 'wb').write(d)
PY
write_dconf "$CONF" 'max_attempts = 3;
retry_delay = 1;'
start_daemon_ready "$CONF"

spool_drop "$T/clips/long.mkv" long.mkv
job_wait_state 120 long.mkv failed done
is "$(job_get long.mkv state)" failed "the job fails"
# Refused as damaged (its streams end long before), or, were that not
# seen, for the stats it would need: either way for the declared length.
ok "its reason is the declared duration" \
    sh -c 'printf "%s\n" "$1" | grep -Eq "says it lasts 315576000\.00s, but its streams end at|315576000 s declared\) need about [0-9]* bytes, more than the stats directory .* can hold even when empty"' \
    _ "$(job_get long.mkv error)"
is "$(job_get long.mkv attempts)" 1 "it is not retried"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
