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

# drop NAME TEXT: a script moved into the spool at once.
drop() {
	mkdir -p "$T/tmp"
	printf '%s\n' "$2" >"$T/tmp/x" && mv "$T/tmp/x" "$DSPOOL/$1"
}

CONF=$T/d.conf
write_dconf "$CONF"
start_daemon "$CONF"
wait_until 15 test -s "$DSTATUS/distencd.json" ||
    diag "no $DSTATUS/distencd.json after 15 s"

mkdir -p "$DSPOOL/f"
mkfifo "$DSPOOL/f/pipe.mkv" "$DSPOOL/f/pipe.avs"
drop src.avs 'FFVideoSource("f/pipe.mkv")'
job_wait_state 60 src.avs done failed
is "$(job_get src.avs state)" failed "a script whose source is a FIFO fails"
ok "its error says the source is not a regular file" \
    sh -c 'printf "%s\n" "$1" | grep -q "pipe.mkv: cannot open: not a regular file"' \
    _ "$(job_get src.avs error)"

drop imp.avs 'Import("f/pipe.avs")'
job_wait_state 60 imp.avs done failed
is "$(job_get imp.avs state)" failed "a script whose Import is a FIFO fails"
ok "its error says the Import is not a regular file" \
    sh -c 'printf "%s\n" "$1" | grep -q "pipe.avs: not a regular file"' \
    _ "$(job_get imp.avs error)"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
