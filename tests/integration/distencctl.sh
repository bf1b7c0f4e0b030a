#!/bin/sh
#
# distencctl: the daemon's status, its jobs, one job in full and the
# token directory, read from the files; status says when the daemon is
# not running.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 9
need_tools
need_distencd
CTL=${top_builddir}/distencctl

CONF=$T/d.conf
write_dconf "$CONF" "token_dir = \"$T/tok\"; node = \"ctlnode\"; lease = 8;" \
    'slowp = { inherit = "test"; preset = "slower"; };'
sed -i 's/default_profile = "test";/default_profile = "slowp";/' "$CONF"
clip_boxed "$T/clips/big.mkv" 8 640 360
start_daemon "$CONF"
wait_until 15 test -s "$DSTATUS/distencd.json"
mkdir -p "$T/tmp"
cp "$T/clips/big.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$DSPOOL/a film.mkv"
job_wait_state 60 "a film.mkv" running

"$CTL" -c "$CONF" >"$T/status.out" 2>&1
is "$?" 0 "status exits 0 while the daemon runs"
grep_ok "$T/status.out" "^node ctlnode, distencd .*pid $DPID" "status names the node and pid"
grep_ok "$T/status.out" "^token directory $T/tok: ready" "status says the token directory is ready"
"$CTL" -c "$CONF" jobs running >"$T/jobs.out" 2>&1
grep_ok "$T/jobs.out" "^running .* ctlnode +a film\\.mkv\$" "jobs lists the running job"
"$CTL" -c "$CONF" show "a film.mkv" >"$T/show.out" 2>&1
grep_ok "$T/show.out" "^state +running" "show prints the job's state"
"$CTL" -c "$CONF" tokens >"$T/tokens.out" 2>&1
grep_ok "$T/tokens.out" "claim a_film\\.mkv-[0-9a-f]+: node ctlnode, pid $DPID" \
    "tokens shows the claim and its holder"
"$CTL" -s "$DSTATUS" show no-such-job >/dev/null 2>"$T/none.err"
ok "show of an unknown job exits 1 naming it" \
    sh -c '[ "$1" = 1 ] && grep -q "no job no-such-job" "$2"' _ "$?" "$T/none.err"
stop_daemon
"$CTL" -s "$DSTATUS" >"$T/status2.out" 2>&1
rc=$?
ok "after the daemon stopped: status exits 1 and says so" \
    sh -c '[ "$1" = 1 ] && grep -q "is not running" "$2"' _ "$rc" "$T/status2.out"
"$CTL" -s "$DSTATUS" bogus >/dev/null 2>&1
is "$?" 2 "an unknown command exits 2"
