#!/bin/sh
#
# The systemd unit and its directories: systemd-analyze verifies the unit
# (with the built distencd in ExecStart) and rates its exposure at 1.6 or
# lower; files are made 0027; other users' processes are hidden, and
# /proc/sys (the boot id is passed in the environment); the work
# directory, which keeps a killed job's chunks, is not under PrivateTmp=;
# nothing outside /usr and the programs' directories can be run or mapped
# as code (a plugin in the spool, say);
# the spool's parent and done/, failed/ cannot be written by spool users;
# status files and logs are for the group distenc; the shipped drop-ins
# parse.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 14

unit=$top_builddir/systemd/distencd.service
tmpfiles=$top_srcdir/systemd/distencd.tmpfiles
if ! command -v systemd-analyze >/dev/null 2>&1; then
	bail_rest "systemd-analyze is not installed"
	exit 0
fi
ok "the unit was built ($unit)" test -f "$unit"

# The unit as installed, but running the distencd just built.
mkdir -p "$T/unit"
sed "s|^ExecStart=.*|ExecStart=$top_builddir/distencd -f|" "$unit" \
    >"$T/unit/distencd.service"
systemd-analyze verify --man=no "$T/unit/distencd.service" \
    >"$T/verify" 2>&1
is "$?/$(wc -l <"$T/verify" | tr -d ' ')" 0/0 \
    "systemd-analyze verify: no complaint"
diag_file "$T/verify" verify 10

systemd-analyze security --offline=true "$T/unit/distencd.service" \
    >"$T/security" 2>&1
exposure=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
    "$T/security")
diag "exposure $exposure"
ok "exposure $exposure is at most 1.6" \
    awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.6) }'

setting() {
	sed -n "s/^$1=//p" "$T/unit/distencd.service" | tail -n 1
}
is "$(setting UMask)" 0027 "UMask=0027"
is "$(setting ProtectProc)/$(setting ProcSubset)/$(setting RemoveIPC)" \
    invisible/pid/yes "ProtectProc=invisible, ProcSubset=pid, RemoveIPC=yes"
is "$(setting Environment)" "DISTENC_BOOT_ID=%b" \
    "the boot id, hidden by ProcSubset=pid, passed as DISTENC_BOOT_ID"
is "$(setting CacheDirectory)/$(setting PrivateTmp)" distenc/yes \
    "the work directory's CacheDirectory=distenc beside PrivateTmp=yes"
is "$(setting NoExecPaths)|$(setting ExecPaths | cut -d' ' -f1)" "/|/usr" \
    "NoExecPaths=/ and ExecPaths=/usr: no file elsewhere runs as code"

mode() {
	awk -v p="$1" '$1 == "d" && $2 == p { print $3 }' "$tmpfiles"
}
is "$(mode /var/spool/distenc)" 0755 "the spool's parent: 0755"
is "$(mode /var/spool/distenc/incoming)" 2775 \
    "the spool: writable by the group distenc"
is "$(mode /var/spool/distenc/done)/$(mode /var/spool/distenc/failed)" \
    0755/0755 "done/ and failed/: written by distencd alone"
is "$(mode /var/lib/distenc/status)/$(mode /var/log/distenc)" 2750/2750 \
    "status files and logs: the group distenc only"

# The drop-ins, added to the unit, still verify.
for d in network-share hooks-network; do
	mkdir -p "$T/unit/distencd.service.d"
	rm -f "$T/unit/distencd.service.d/"*
	cp "$top_srcdir/contrib/systemd/$d.conf" "$T/unit/distencd.service.d/"
	SYSTEMD_UNIT_PATH=$T/unit: systemd-analyze verify --man=no \
	    "$T/unit/distencd.service" >"$T/verify.$d" 2>&1
	is "$?/$(grep -cv 'is not executable\|^$' "$T/verify.$d")" 0/0 \
	    "drop-in $d.conf verifies"
	diag_file "$T/verify.$d" verify 10
done
