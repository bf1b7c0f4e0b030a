#!/bin/sh
#
# distencd with its spool on a FUSE filesystem (bindfs of $T/real on
# $T/spool), where inotify does not see files written to the directory
# behind the mount: the daemon must say it polls ("spool on ...: polling
# every N s", "watching": "polling") and still find and encode what is
# dropped into $T/real, in new subdirectories too, taking a file written
# slowly only once it has settled.
#
# Needs bindfs (installed with apt-get when missing and running as root)
# and /dev/fuse; without them the whole file is skipped (1..0 # SKIP).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# --- the FUSE mount, before the plan (a failure skips the file) ---------------

if ! command -v bindfs >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "# bindfs missing: apt-get install -y bindfs"
		DEBIAN_FRONTEND=noninteractive apt-get install -y bindfs \
		    >"$T/apt.log" 2>&1 ||
		    { apt-get update >>"$T/apt.log" 2>&1 &&
		    DEBIAN_FRONTEND=noninteractive apt-get install -y bindfs \
		    >>"$T/apt.log" 2>&1; }
	fi
	command -v bindfs >/dev/null 2>&1 ||
	    skip_all "bindfs is not installed and cannot be installed here"
fi
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
REAL=$T/real
mkdir -p "$REAL" "$DSPOOL"
if ! bindfs "$REAL" "$DSPOOL" >"$T/bindfs.err" 2>&1; then
	skip_all "bindfs $REAL $DSPOOL failed: $(head -n 1 "$T/bindfs.err")"
fi
# Unmounted on exit, after the daemon is stopped (at_exit hooks run in
# order, lib.sh's stopping the daemons first).
unmount_spool() {
	fusermount -u "$DSPOOL" 2>/dev/null || umount "$DSPOOL" 2>/dev/null ||
	    umount -l "$DSPOOL" 2>/dev/null || diag "cannot unmount $DSPOOL"
}
at_exit unmount_spool
fstype=$(stat -f -c %T "$DSPOOL")
case $fstype in
fuse*) ;;
*) skip_all "bindfs mounted $DSPOOL, but its type is $fstype, not FUSE" ;;
esac

plan 12
need_tools
need_distencd
diag "spool: bindfs $REAL on $DSPOOL ($fstype)"

CONF=$T/d.conf
mkdir -p "$T/stage"
clip letterbox "$T/clips/lb.mkv" 2
src_frames=$(frame_count "$T/clips/lb.mkv")

# settle_time 2 s, scaled: a busy machine's late piece must not look
# settled.
SETTLE=$(scaled 2 | cut -d. -f1)
DCONF_SETTLE=$SETTLE write_dconf "$CONF"
start_daemon "$CONF"
DJSON=$DSTATUS/distencd.json
wait_until 15 test -s "$DJSON" || diag "no $DJSON after 15 s"

if wait_until 10 grep -q 'polling' "$DLOG"; then
	pass "the daemon logs that it polls the FUSE spool"
else
	fail "the daemon logs that it polls the FUSE spool"
	diag_file "$DLOG" "daemon log"
fi
grep 'polling' "$DLOG" | sed 's/^/#   /'
grep_ok "$DLOG" "spool on [^ ]*: polling every 2 s" \
    "the log line reads \"spool on FSTYPE: polling every 2 s\""
is "$(json_get "$DJSON" watching)" polling "distencd.json: watching \"polling\""

# --- files dropped behind the mount -------------------------------------------------

cp "$T/clips/lb.mkv" "$T/stage/x.mkv"
mv "$T/stage/x.mkv" "$REAL/x.mkv"
mkdir -p "$REAL/new/dir"
cp "$T/clips/lb.mkv" "$REAL/new/dir/y.mkv"

# And one written in 4 pieces, 1 s apart (settle_time $SETTLE).
slow_copy "$T/clips/lb.mkv" "$REAL/slow.mkv" slow.mkv "$DOUT/slow.mkv" 4 1
diag "longest gap between two pieces: $SLOW_MAXGAP s"

job_wait_state 60 x.mkv done failed
if [ "$(job_get x.mkv state)" = done ] &&
    [ "$(probe_stream "$DOUT/x.mkv" v:0 codec_name)" = hevc ] &&
    [ "$(frame_count "$DOUT/x.mkv")" = "$src_frames" ]; then
	pass "a file dropped behind the mount is encoded (HEVC, $src_frames frames)"
else
	fail "a file dropped behind the mount is encoded (HEVC, $src_frames frames)"
fi
is "$(job_get x.mkv source)|$(job_get x.mkv relative)" "$DSPOOL/x.mkv|x.mkv" \
    "its status: source below the spool mount, relative x.mkv"
job_wait_state 60 new/dir/y.mkv done failed
if [ "$(job_get new/dir/y.mkv state)" = done ] &&
    [ "$(probe_stream "$DOUT/new/dir/y.mkv" v:0 codec_name)" = hevc ]; then
	pass "a file in new subdirectories behind the mount is encoded"
else
	fail "a file in new subdirectories behind the mount is encoded"
fi
if awk -v g="$SLOW_MAXGAP" -v s="$SETTLE" 'BEGIN { exit !(g >= s) }'; then
	fail "a file written in pieces is not taken while being written"
	diag "  cannot tell: the test wrote two pieces $SLOW_MAXGAP s apart (settle_time $SETTLE)"
elif [ -z "$SLOW_EARLY" ]; then
	pass "a file written in pieces is not taken while being written"
else
	fail "a file written in pieces is not taken while being written"
	diag "  $SLOW_EARLY"
fi
job_wait_state 60 slow.mkv done failed
if [ "$(job_get slow.mkv state)" = done ] &&
    [ "$(frame_count "$DOUT/slow.mkv")" = "$src_frames" ]; then
	pass "the file written in pieces is encoded whole once settled"
else
	fail "the file written in pieces is encoded whole once settled"
fi
ok "the daemon is still running" daemon_alive
diag "jobs:" "$(jobs_table)"

stop_daemon
is "$DRC" 0 "SIGTERM: exit status 0"
ok "no temporary output or stats left" \
    eval '[ -z "$(temp_files_in "$DOUT" "$T/stats")" ] && tree_is_empty "$T/stats"'
ok "the spool behind the mount is untouched (3 sources, nothing else)" \
    eval '[ "$(find "$REAL" ! -type d | wc -l)" -eq 3 ]'
diag_file "$DLOG" "daemon log" 30
