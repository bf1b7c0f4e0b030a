#!/bin/sh
#
# Metrics of a running chunked job: ten chunks, two encoders at once; one
# encoder is stopped (SIGSTOP) as soon as it runs, so the other encodes
# every other chunk; distenc_chunks then says all of them done but one,
# which is pending (as the job's worker counts them).  Once the film is
# done, no chunk is done or pending.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon_lib.sh"

plan 5
need_tools
need_distencd
PROM=$DSTATUS/distencd.prom
NCHUNKS=10
TESTCONF=$T/chunk.conf
cat >"$TESTCONF" <<EOC
profiles = { test = { inherit = "av1"; cpu_used = 8; lag_in_frames = 16; threads = 1; parallel_encodes = 2; min_chunk_length = 8; max_chunk_length = 12; crop = "off"; }; };
EOC
clip scenes "$T/src/film.mkv"
write_dconf "$CONF" "work_dir = \"$T/work\";"
start_daemon_ready "$CONF"

# chunks: "done/pending" in the metrics.
chunks() {
	awk '$1 == "distenc_chunks{state=\"done\"}" { d = $2 }
	    $1 == "distenc_chunks{state=\"pending\"}" { p = $2 }
	    END { print d "/" p }' "$PROM" 2>/dev/null
}
chunks_are() {
	[ "$(chunks)" = "$1" ]
}
# encoder: the first chunk encoder (the daemon's worker's child), if any.
encoder() {
	for _e_w in $(workers); do
		pgrep -P "$_e_w" 2>/dev/null
	done | head -n 1
}

drop "$T/src/film.mkv" film.mkv
# Looked for often: it is stopped before it has encoded its chunk.
end=$(deadline 120)
while [ -z "$(encoder)" ] && ! past "$end"; do
	sleep 0.01
done
e=$(encoder)
kill -STOP "$e"
diag "chunk encoder $e stopped"
wait_until 180 chunks_are "$((NCHUNKS - 1))/1"
is "$(chunks)" "$((NCHUNKS - 1))/1" \
    "every chunk done but the stopped encoder's, pending"
ok "promtool check metrics finds nothing" \
    sh -c '! command -v promtool >/dev/null || promtool check metrics <"$1"' _ "$PROM"
kill -CONT "$e"
job_wait_state 120 film.mkv done failed
is "$(job_get film.mkv state)" done "the film is done"
is "$(job_get film.mkv frames)" "$MKCLIP_SCENE_FRAMES" "with all its frames"
wait_until 30 chunks_are 0/0
is "$(chunks)" 0/0 "then no chunk is done or pending"
stop_daemon
