#!/bin/sh
#
# A script in distencd's spool cannot read a file outside the spool with
# Import and echo it: the secret never reaches the status file.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 4
need_tools
need_distencd

# The built-in interpreter, even if AviSynth+ is installed.
LD_LIBRARY_PATH=$T/no-avisynth
export LD_LIBRARY_PATH

CONF=$T/d.conf
write_dconf "$CONF"
start_daemon_ready "$CONF"

printf 'pw = "s3cr3t-Xy9"\n' >"$T/secret.avs"
printf 'pw = "s3cr3t-Xy9"\n' >"$T/secret.conf"
spool_drop_text leak.avs "Import(\"$T/secret.avs\")
FFVideoSource(pw)"
job_wait_state 120 leak.avs done failed
is "$(job_get leak.avs state)" failed "Import of a script outside the spool fails"
ok "the secret is in no status file" \
    sh -c '! grep -rq "s3cr3t" "$1"' _ "$DSTATUS"

spool_drop_text notavs.avs "Import(\"$T/secret.conf\")
FFVideoSource(pw)"
job_wait_state 120 notavs.avs done failed
ok "Import of a file that is not a .avs script fails and says so" \
    sh -c 'printf "%s\n" "$1" | grep -q "secret.conf: Import takes only .avs scripts"' \
    _ "$(job_get notavs.avs error)"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
