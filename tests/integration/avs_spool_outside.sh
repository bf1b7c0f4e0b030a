#!/bin/sh
#
# A script in distencd's spool may not read a source outside the spool
# (nor through a symbolic link in the spool that points outside).

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

clip letterbox "$T/clips/a.mkv"
spool_drop_text abs.avs "FFVideoSource(\"$T/clips/a.mkv\")"
job_wait_state 120 abs.avs done failed
is "$(job_get abs.avs state)" failed "a script naming a file outside the spool fails"
ok "its error says the file is outside the spool" \
    sh -c 'printf "%s\n" "$1" | grep -q "abs.avs:1:1: FFVideoSource: .*/clips/a.mkv: cannot open: outside the spool and script_paths"' \
    _ "$(job_get abs.avs error)"

mkdir -p "$DSPOOL/sub"
ln -s "$T/clips" "$DSPOOL/sub/link"
spool_drop_text viasym.avs 'FFVideoSource("sub/link/a.mkv")'
job_wait_state 120 viasym.avs done failed
is "$(job_get viasym.avs state)" failed \
    "a script reaching outside through a symlinked directory fails"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
