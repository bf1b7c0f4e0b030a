#!/bin/sh
#
# A chunked film shared chunk by chunk on a real network file system
# client: two sshfs mounts of one directory (tests/sshfs.sh), with
# sshfs's caches of attributes and names and no inotify across them.  Two
# daemons, each through its own mount (its own paths), share the spool,
# token, work and output directories: each chunk is encoded once, both
# hosts encode some (the holder's encoder held until the other has
# claimed a chunk), one joins, and the output has every frame.
#
# Needs /dev/fuse, and sshd and sshfs (installed when missing, as root);
# without them the whole file is skipped.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/sshfs.sh"

sshfs_daemons_or_skip "$T/net" 7

TESTCONF=$T/chunk.conf
cat >"$TESTCONF" <<EOF
profiles = { test = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16; threads = 1; parallel_encodes = 1; min_chunk_length = 8; max_chunk_length = 12; crop = "off"; }; };
EOF
TLEASE=12
TPOLL=1
export TLEASE TPOLL
S=$SSHFS_SHARED
mkdir -p "$S/spool" "$S/tok" "$S/out" "$S/work"
clip scenes "$T/src/film.mkv"
for m in one:$SSHFS_M1 two:$SSHFS_M2; do
	n=${m%%:*}
	d=${m#*:}
	node_conf "$T/$n.conf" "$n" "$d/spool" "$d/tok" "$d/out" \
	    "work_dir = \"$d/work\";"
done
start_daemon "$T/one.conf" "$T/one.log"
pid1=$DPID
start_daemon "$T/two.conf" "$T/two.log"
pid2=$DPID
# Whole, by rename: a file being copied is seen through sshfs's attribute
# cache, and a size and mtime of the copy in progress would give the job
# another id than the finished file's.
cp "$T/src/film.mkv" "$S/spool/.film.mkv.part"
mv "$S/spool/.film.mkv.part" "$S/spool/film.mkv"
ID=$(job_id film.mkv "$S/spool/film.mkv")
# Whichever host holds the film waits, once its plan is out, until the
# other has claimed a chunk: "both hosts encoded chunks" is then no race.
hold_until_helped "$S/tok" "$ID" "one:$pid1" "two:$pid2"

wait_until 240 test -f "$S/tok/$ID.done" || diag "no done marker after $(scaled 240) s"
ok "over sshfs: the film is marked done" test -f "$S/tok/$ID.done"
ok "over sshfs: its output is AV1 with all $MKCLIP_SCENE_FRAMES frames" \
    av1_frames_ok "$S/out/film.mkv" "$MKCLIP_SCENE_FRAMES"
e1=$(chunks_encoded_by "$T/node-one/logs/$ID.log")
e2=$(chunks_encoded_by "$T/node-two/logs/$ID.log")
diag "node one encoded chunks: $e1; node two: $e2"
is "$(printf '%s\n' $e1 $e2 | sort -n | tr '\n' ' ')" \
    "$(seq 0 9 | tr '\n' ' ')" "over sshfs: every chunk encoded exactly once"
ok "over sshfs: both hosts encoded chunks" test -n "$e1" -a -n "$e2"
is "$(cat "$T/node-one/logs/$ID.log" "$T/node-two/logs/$ID.log" |
    grep -c 'the last of them here: joining')" 1 "over sshfs: one host joined"
is "$(grep -h 'encoding it again' "$T/node-one/logs/$ID.log" \
    "$T/node-two/logs/$ID.log" | wc -l | tr -d ' ')" 0 \
    "over sshfs: no chunk doubted for a cached lookup"
is "$(find "$S/tok" -name '*.claim' | wc -l | tr -d ' ')" 0 \
    "over sshfs: no claim left"
stop_daemon "$pid1"
stop_daemon "$pid2"
sshfs_teardown
