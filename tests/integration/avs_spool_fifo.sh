#!/bin/sh
#
# A script in distencd's spool whose source or Import is a FIFO fails at
# once, as not a regular file, instead of holding a job slot for ever.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 5
need_tools
need_distencd

# The built-in interpreter, even if AviSynth+ is installed.
LD_LIBRARY_PATH=$T/no-avisynth
export LD_LIBRARY_PATH

CONF=$T/d.conf
write_dconf "$CONF"
start_daemon_ready "$CONF"

mkdir -p "$DSPOOL/f"
mkfifo "$DSPOOL/f/pipe.mkv" "$DSPOOL/f/pipe.avs"
spool_drop_text src.avs 'FFVideoSource("f/pipe.mkv")'
job_wait_state 60 src.avs done failed
is "$(job_get src.avs state)" failed "a script whose source is a FIFO fails"
ok "its error says the source is not a regular file" \
    sh -c 'printf "%s\n" "$1" | grep -q "pipe.mkv: cannot open: not a regular file"' \
    _ "$(job_get src.avs error)"

spool_drop_text imp.avs 'Import("f/pipe.avs")'
job_wait_state 60 imp.avs done failed
is "$(job_get imp.avs state)" failed "a script whose Import is a FIFO fails"
ok "its error says the Import is not a regular file" \
    sh -c 'printf "%s\n" "$1" | grep -q "pipe.avs: not a regular file"' \
    _ "$(job_get imp.avs error)"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
