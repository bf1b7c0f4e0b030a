#!/bin/sh
#
# distencd's handling of a job's end and of retries: with move_sources, a
# finished source goes to done/ and a failed one to failed/ beside the
# spool; a transient failure (an output directory that cannot be made)
# waits retry_delay, is tried again, and fails for good after
# max_attempts; workers run at the configured niceness.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 11
need_tools
need_distencd

CONF=$T/d.conf
PROFILES='slowp = { inherit = "test"; preset = "medium"; };'
# The retry waits 3 s (scaled): long enough to see the job waiting for
# it, however busy the machine.
RETRY=$(scaled 3 | cut -d. -f1)
GLOBALS="directories = ( { path = \"slow\"; profile = \"slowp\"; } );
move_sources = true;
max_attempts = 2;
retry_delay = $RETRY;
nice = 7;"
DONE=$(dirname "$DSPOOL")/done
FAILED=$(dirname "$DSPOOL")/failed

clip letterbox "$T/clips/a.mkv"
clip_boxed "$T/clips/big.mkv" 10 640 360
write_dconf "$CONF" "$GLOBALS" "$PROFILES"
start_daemon "$CONF"
wait_until 15 test -s "$DSTATUS/distencd.json" ||
    diag "no $DSTATUS/distencd.json after 15 s"

# drop CLIP REL: move a copy into the spool at once.
drop() {
	mkdir -p "$(dirname "$DSPOOL/$2")" "$T/tmp"
	cp "$1" "$T/tmp/x" && mv "$T/tmp/x" "$DSPOOL/$2"
}

# --- niceness: a long job's worker runs at nice 7 ------------------------------

drop "$T/clips/big.mkv" slow/big.mkv
job_wait_state 60 slow/big.mkv running
wait_until 10 sh -c '[ -n "$(pgrep -P "$1")" ]' _ "$DPID"
w=$(pgrep -P "$DPID" | head -n 1)
is "$(ps -o ni= -p "${w:-0}" 2>/dev/null | tr -d ' ')" 7 \
    "the worker runs at the configured niceness (nice = 7)"

# --- move_sources: done/ and failed/ beside the spool ------------------------

job_wait_state 300 slow/big.mkv done failed
is "$(job_get slow/big.mkv state)" done "the long job is done"
ok "its source was moved to done/slow/big.mkv" \
    sh -c 'test -f "$1" && test ! -e "$2"' _ "$DONE/slow/big.mkv" \
    "$DSPOOL/slow/big.mkv"

printf 'not a video\n' >"$T/tmp/n"
mv "$T/tmp/n" "$DSPOOL/notes.mkv"
job_wait_state 30 notes.mkv failed done
is "$(job_get notes.mkv state)" failed "a non-media file fails"
ok "its source was moved to failed/notes.mkv" \
    sh -c 'test -f "$1" && test ! -e "$2"' _ "$FAILED/notes.mkv" \
    "$DSPOOL/notes.mkv"

# --- a transient failure: retried after retry_delay, then failed --------------

# A regular file where the job's output directory would go: making the
# directory fails, which a retry could mend (a disk remounted, say).
mkdir -p "$DOUT"
: >"$DOUT/blocked"
drop "$T/clips/a.mkv" blocked/y.mkv
job_wait_state 30 blocked/y.mkv waiting failed done
is "$(job_get blocked/y.mkv state)" waiting \
    "a transient failure: the job waits for its retry"
job_wait_state 30 blocked/y.mkv failed done
is "$(job_get blocked/y.mkv state)" failed \
    "after max_attempts = 2 it fails for good"
is "$(job_get blocked/y.mkv attempts)" 2 "it was tried twice"
ok "the job's log says when it retries" \
    grep -q "attempt 1 failed: .*blocked.*; retrying in $RETRY s" \
    "$(job_get blocked/y.mkv log)"
ok "its source was moved to failed/blocked/y.mkv" \
    test -f "$FAILED/blocked/y.mkv"

stop_daemon
is "$DRC" 0 "SIGTERM: the daemon exits 0"
