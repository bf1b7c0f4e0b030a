#!/bin/sh
#
# A chunked job's chunks spread over hosts through the token directory
# (tests/chunked_hosts_lib.sh): a host killed outright (daemon, worker and
# encoders, kill -9) mid-job, while it encodes a chunk, and the job finished by another that reuses
# the chunks it finished and takes over the one it was encoding.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tokens_lib.sh"
. "$top_srcdir/tests/chunked_hosts_lib.sh"

plan 9
need_tools
need_distencd
chunked_hosts_setup

cp "$T/src/film.mkv" "$SPOOL/film2.mkv"
ID=$(job_id film2.mkv "$SPOOL/film2.mkv")
start_daemon "$T/A.conf" "$T/A2.log"
PA=$DPID
# Node A encoding a chunk: one claimed, not marked done, whose encoder
# has its temporary file and has not yet put the chunk's file in place
# (between the two the chunk is finished, only its marker to write).
mid_chunk() {
	for _mc in "$TOK/$ID.d"/*.c[0-9]*.claim; do
		[ -e "$_mc" ] && [ ! -e "${_mc%.claim}.done" ] || continue
		_mn=${_mc%.claim}
		_mn=${_mn##*.c}
		[ -n "$(find "$WORK" -name ".chunk-$_mn.*.tmp.mkv" 2>/dev/null)" ] &&
		    [ -z "$(find "$WORK" -name "chunk-$_mn.mkv" 2>/dev/null)" ] &&
		    MK=$(echo "$_mn" | sed 's/^0*\([0-9]\)/\1/') && return 0
	done
	return 1
}
three_done() {
	[ "$(ls "$TOK/$ID.d" 2>/dev/null | grep -c '\.c[0-9]*\.done$')" -ge 3 ]
}
# hold_a: every process of host A stopped (SIGSTOP, again until no new
# one appears); release_a: they go on.
hold_a() {
	kill -STOP "$PA" 2>/dev/null
	_stop_tree "$PA"
}
release_a() {
	# shellcheck disable=SC2086
	kill -CONT "$PA" $_st_tree 2>/dev/null
}
# Once A finished 3 chunks, the whole host is held and let run a moment
# at a time until it is seen encoding another, so that it is still
# encoding it when it is killed.
wait_until 60 three_done ||
    diag "node A did not finish 3 chunks in $(scaled 60) s"
hold_a
end=$(deadline 60)
until mid_chunk || past "$end"; do
	release_a
	sleep 0.05
	hold_a
done
mid_chunk || diag "node A was not seen encoding a chunk in $(scaled 60) s"
diag "node A held while encoding chunk ${MK:-?}: $(cd "$WORK" && find . -name '.chunk-*.tmp.mkv')"
# The whole host at once: the daemon, its worker and the encoders.
kids=$(proc_descendants "$PA")
kill -KILL "$PA" $kids 2>/dev/null
proc_gone_within 5 "$PA" $kids
wait "$PA" 2>/dev/null
grep -vx "$PA" "$T/.daemons" >"$T/.daemons.new"
mv "$T/.daemons.new" "$T/.daemons"
donea=$(ls "$TOK/$ID.d" | sed -n 's/.*\.c0*\([0-9][0-9]*\)\.done$/\1/p' |
    sort -n | tr '\n' ' ')
diag "node A had finished chunks: $donea"
ok "the killed host left its claims" test -n "$(find "$TOK" -name '*.claim')"
start_daemon "$T/B.conf" "$T/B2.log"
PB=$DPID
wait_until 120 test -f "$TOK/$ID.done" || diag "no done marker after $(scaled 120) s"
LB=$T/node-B/logs/$ID.log
ok "the other host finished the job" test -f "$TOK/$ID.done"
ok "its output is AV1 with all $FRAMES frames" av1_frames_ok "$OUT/film2.mkv" "$FRAMES"
eb=$(chunks_encoded_by "$LB")
diag "node B encoded chunks: $eb"
again=
for k in $donea; do
	case " $eb " in *" $k "*) again="$again $k" ;; esac
done
is "${again:-none}" none "no chunk node A finished was encoded again"
ok "node A's chunks and node B's make the film, each once" \
    each_once "$donea $eb"
grep_ok "$LB" "chunk [0-9]*: done by node A" \
    "node B says which chunks node A had done"
grep_ok "$LB" "chunk ${MK:-X}: taken over from node A|removing .*/\.chunk-0*${MK:-X}\..*left by an encoder" \
    "node B took over the chunk node A was encoding"
grep_ok "$T/node-B/status/$ID.json" '"done"' "node B's status shows it done"
is "$(find "$TOK" -name '*.claim' | wc -l | tr -d ' ')" 0 "no claim left"
stop_daemon "$PB"
