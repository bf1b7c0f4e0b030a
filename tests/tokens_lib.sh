# shellcheck shell=sh
#
# Helpers for the tests and benchmarks of work shared through a token
# directory, sourced after tests/lib.sh.
#
#   tiny PATH [SECONDS [SIZE]]   a small clip with audio (default 0.6 s,
#                                160x90, 25 fps)
#   node_conf FILE NODE SPOOL TOKENS OUTPUT [EXTRA]
#                                a daemon config for node NODE, its own
#                                status, log and stats directories in
#                                $T/node-NODE; lease $TLEASE (6), poll
#                                $TPOLL (1), jobs $TJOBS (1)
#   node_status NODE             the node's distencd.json
#   count_files DIR SUFFIX       files in DIR ending in SUFFIX
#   encodes_of REL LOG...        how many times REL was started in the logs
#   outputs_verified DIR N FRAMES
#                                N .mkv files in DIR (any depth), each HEVC
#                                with FRAMES frames; nothing hidden left
#   job_id REL FILE              the job id distenc gives FILE at REL
#   av1_frames_ok FILE FRAMES    FILE is AV1 with FRAMES frames
#   chunks_encoded_by LOG...     the numbers of the chunks whose encoding
#                                finished in the logs, sorted, on a line
#   hold_until_helped TOKENS ID NODE:PID NODE:PID [SECONDS]
#                                two daemons share job ID's chunks for
#                                sure: its holder's chunk encoder is
#                                stopped once the plan is out, until the
#                                other has claimed a chunk
#   hold_until_shared TOKENS SECONDS NODE:PID...
#                                daemons share whole jobs for sure: the
#                                first to claim one has its worker stopped
#                                until another holds or has done one
#   published_start [EXTRA]      node alpha ($P-a.conf over $P, $P being
#                                $T/pub, EXTRA its more settings) started
#                                ($apid), a 2 s clip a.mkv dropped into
#                                its spool, and its worker ($held)
#                                stopped once it is there
#   published_killed [PID...]   alpha's daemon (and the PIDs) stopped, its
#                                worker let go to publish a.mkv, alpha
#                                killed: its job is never marked done
#   published_marker             wait for a.mkv's done or failed marker
#   published_done NODE LOG BY WHAT
#                                five checks that NODE (its log LOG) marked
#                                a.mkv done as "published by BY, which
#                                stopped ...", encoding nothing; WHAT
#                                begins each check's name

# tiny PATH [SECONDS [SIZE]]
tiny() {
	mkdir -p "$(dirname "$1")"
	ffmpeg -nostdin -v error -y \
	    -f lavfi -i "testsrc2=size=${3:-160x90}:rate=25:duration=${2:-0.6}" \
	    -f lavfi -i "sine=frequency=440:duration=${2:-0.6}" \
	    -c:v libx264 -preset ultrafast -c:a aac -shortest -f matroska \
	    "$1.part" &&
	    mv "$1.part" "$1"
}

# node_conf FILE NODE SPOOL TOKENS OUTPUT [EXTRA]
node_conf() {
	_nc_prof=$(sed -n 's/^profiles = { \(.*\) };$/\1/p' "$TESTCONF")
	_nc_d=$T/node-$2
	mkdir -p "$_nc_d/status" "$_nc_d/logs" "$_nc_d/stats" "$3" "$5"
	cat >"$1" <<EOF
spool_dir = "$3";
output_dir = "$5";
status_dir = "$_nc_d/status";
log_dir = "$_nc_d/logs";
stats_dir = "$_nc_d/stats";
token_dir = "$4";
node = "$2";
lease = ${TLEASE:-6};
settle_time = 1;
poll_interval = ${TPOLL:-1};
jobs = ${TJOBS:-1};
retry_delay = 1;
default_profile = "test";
profiles = { $_nc_prof };
${6:-}
EOF
}

node_status() {
	printf '%s\n' "$T/node-$1/status/distencd.json"
}

# count_files DIR SUFFIX
count_files() {
	find "$1" -maxdepth 1 -type f -name "*$2" 2>/dev/null | wc -l |
	    tr -d ' '
}

# encodes_of REL LOG...: lines "REL: started:" (daemon) or "REL: pass 1:"
# (batch) in the logs.
encodes_of() {
	_eo_rel=$1
	shift
	cat "$@" 2>/dev/null | grep -F -e "$_eo_rel: started:" \
	    -e "$_eo_rel: pass 1:" | wc -l | tr -d ' '
}

# outputs_verified DIR N FRAMES
outputs_verified() {
	find "$1" -type f -name '*.mkv' | sort >"$T/.ov.list"
	_ov_n=0
	while IFS= read -r _ov_f; do
		_ov_c=$(probe_stream "$_ov_f" v:0 codec_name)
		_ov_k=$(frame_count "$_ov_f")
		if [ "$_ov_c" != hevc ] || [ "$_ov_k" != "$3" ]; then
			diag "$_ov_f: codec $_ov_c, $_ov_k frames (want hevc, $3)"
			return 1
		fi
		_ov_n=$((_ov_n + 1))
	done <"$T/.ov.list"
	if [ "$_ov_n" != "$2" ]; then
		diag "$1: $_ov_n outputs, want $2"
		return 1
	fi
	if [ -n "$(find "$1" -name '.*' -type f)" ]; then
		diag "$1: hidden (partial) files: $(find "$1" -name '.*' -type f)"
		return 1
	fi
}

# job_id REL FILE: jobid.c's id, for tests that plant token files.
job_id() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import os, sys
rel, path = sys.argv[1], sys.argv[2]
st = os.stat(path)
h = 0xcbf29ce484222325
for b in rel.encode() + b'\0' + str(st.st_size).encode() + b'\0' + \
        str(int(st.st_mtime)).encode():
    h ^= b
    h = (h * 0x100000001b3) & 0xffffffffffffffff
safe = ''.join(c if c.isascii() and (c.isalnum() or c in '._-') else '_'
               for c in rel.encode()[:80].decode('latin-1'))
if safe.startswith('.'):
    safe = '_' + safe[1:]
print('%s-%016x' % (safe, h))
EOF
}

# av1_frames_ok FILE FRAMES
av1_frames_ok() {
	[ "$(probe_stream "$1" v:0 codec_name)" = av1 ] &&
	    [ "$(frame_count "$1")" = "$2" ]
}

# chunks_encoded_by LOG...
chunks_encoded_by() {
	sed -n 's/.* chunk \([0-9]*\) of [0-9]*: frames .*fps)$/\1/p' \
	    "$@" 2>/dev/null | sort -n | tr '\n' ' '
}

# _held_by NODE FILE...: the files (claims, done markers) NODE wrote.
_held_by() {
	_hb_n=$1
	shift
	grep -l "^node $_hb_n\$" "$@" 2>/dev/null
}

# _stop_tree PID: SIGSTOP every descendant of PID (its worker, their
# encoders), again until no new one appears; their PIDs in $_st_tree.
_stop_tree() {
	_st_tree=
	_st_more=1
	while [ -n "$_st_more" ]; do
		_st_more=
		for _st_p in $(proc_descendants "$1"); do
			case " $_st_tree " in *" $_st_p "*) continue ;; esac
			kill -STOP "$_st_p" 2>/dev/null
			_st_tree="$_st_tree $_st_p"
			_st_more=1
		done
	done
}

# _stop_encoders PID: SIGSTOP the grandchildren of daemon PID (its
# worker's chunk encoders); their PIDs in $_st_tree.
_stop_encoders() {
	_st_tree=
	for _se_w in $(pgrep -P "$1" 2>/dev/null); do
		for _se_e in $(pgrep -P "$_se_w" 2>/dev/null); do
			kill -STOP "$_se_e" 2>/dev/null &&
			    _st_tree="$_st_tree $_se_e"
		done
	done
}

# hold_until_helped TOKENS ID NODE:PID NODE:PID [SECONDS]: make sure the
# two daemons (node name and PID each) both encode chunks of job ID, whose
# profile encodes one chunk at a time (parallel_encodes = 1): once one of
# them holds the job and has published its plan in TOKENS, its chunk
# encoder is stopped (SIGSTOP) until the other node has claimed one of the
# chunks or marked one done, then it goes on (SIGCONT).  Its worker runs
# on, renewing its claims, and claims no other chunk while its one
# encoder has not ended; so no lease runs out however long the hold.  A
# check that both hosts encoded chunks then depends on no race of who
# looked first.  1 (with diagnostics) when the plan or the other node's
# claim did not come within SECONDS (default 120, scaled); the encoder
# goes on.
hold_until_helped() {
	_hh_tok=$1 _hh_id=$2 _hh_a=$3 _hh_b=$4 _hh_s=${5:-120}
	# Looked for often: the less the holder does before it is stopped,
	# the more is left to share.
	_hh_end=$(deadline "$_hh_s")
	while ! ls "$_hh_tok/$_hh_id.d"/*.plan >/dev/null 2>&1; do
		if past "$_hh_end"; then
			diag "hold_until_helped: no plan of $_hh_id after $(scaled "$_hh_s") s"
			return 1
		fi
		sleep 0.02
	done
	if _held_by "${_hh_a%%:*}" "$_hh_tok/$_hh_id.claim" >/dev/null; then
		_hh_hold=$_hh_a _hh_help=$_hh_b
	elif _held_by "${_hh_b%%:*}" "$_hh_tok/$_hh_id.claim" >/dev/null; then
		_hh_hold=$_hh_b _hh_help=$_hh_a
	else
		diag "hold_until_helped: $_hh_id.claim held by neither node:" \
		    "$(cat "$_hh_tok/$_hh_id.claim" 2>&1)"
		return 1
	fi
	# Its encoder may not be forked yet: stop it once it is.
	_stop_encoders "${_hh_hold#*:}"
	while [ -z "$_st_tree" ] && ! past "$_hh_end"; do
		sleep 0.01
		_stop_encoders "${_hh_hold#*:}"
	done
	diag "node ${_hh_hold%%:*} holds $_hh_id: its encoder ($_st_tree ) stopped until node ${_hh_help%%:*} has claimed a chunk" \
	    "chunk tasks done by then: $(find "$_hh_tok/$_hh_id.d" -name '*.done' | wc -l | tr -d ' ')"
	_hh_t0=$(now)
	wait_until "$_hh_s" sh -c 'grep -l "^node $1\$" "$2"/*.c*.claim \
	    "$2"/*.c*.done >/dev/null 2>&1' _ "${_hh_help%%:*}" \
	    "$_hh_tok/$_hh_id.d"
	_hh_rc=$?
	# shellcheck disable=SC2086
	kill -CONT $_st_tree 2>/dev/null
	diag "node ${_hh_help%%:*} claimed a chunk $(elapsed "$_hh_t0") s into the hold"
	[ $_hh_rc = 0 ] && return 0
	diag "hold_until_helped: node ${_hh_help%%:*} claimed no chunk of $_hh_id in $(scaled "$_hh_s") s"
	return 1
}

# hold_until_shared TOKENS SECONDS NODE:PID...: make sure that at least two
# of the daemons (node name and PID each) take jobs from TOKENS: once the
# first claim of a job appears, the worker of the daemon holding it is
# stopped (SIGSTOP; the daemon runs on and renews the claim, and with its
# slots busy takes no other job) until another of the nodes holds a job
# or has done one, then it goes on (SIGCONT).  1 (with diagnostics) when
# that did not happen within SECONDS (scaled); the worker goes on.
hold_until_shared() {
	_hs_tok=$1 _hs_s=$2
	shift 2
	_hs_end=$(deadline "$_hs_s")
	_hs_hold=
	while [ -z "$_hs_hold" ]; do
		for _hs_np; do
			if _held_by "${_hs_np%%:*}" "$_hs_tok"/*.claim >/dev/null; then
				_hs_hold=$_hs_np
				break
			fi
		done
		[ -n "$_hs_hold" ] && break
		if past "$_hs_end"; then
			diag "hold_until_shared: no claim in $_hs_tok after $(scaled "$_hs_s") s"
			return 1
		fi
		sleep 0.02
	done
	# Its worker may not be forked yet: stop it once it is.
	_stop_tree "${_hs_hold#*:}"
	while [ -z "$_st_tree" ] && ! past "$_hs_end"; do
		sleep 0.01
		_stop_tree "${_hs_hold#*:}"
	done
	diag "node ${_hs_hold%%:*} claimed first: its worker ($_st_tree ) stopped until another node has a job"
	_hs_others=
	for _hs_np; do
		[ "$_hs_np" = "$_hs_hold" ] || _hs_others="$_hs_others ${_hs_np%%:*}"
	done
	_hs_t0=$(now)
	# shellcheck disable=SC2086
	wait_until "$_hs_s" sh -c '
		d=$1
		shift
		for n; do
			grep -l "^node $n\$" "$d"/*.claim "$d"/*.done \
			    >/dev/null 2>&1 && exit 0
		done
		exit 1' _ "$_hs_tok" $_hs_others
	_hs_rc=$?
	# shellcheck disable=SC2086
	kill -CONT $_st_tree 2>/dev/null
	diag "another node had a job $(elapsed "$_hs_t0") s into the hold"
	[ $_hs_rc = 0 ] && return 0
	diag "hold_until_shared: no other node took a job in $(scaled "$_hs_s") s"
	return 1
}

# published_start [EXTRA]
published_start() {
	P=$T/pub
	tiny "$T/src/a.mkv" 2 320x180
	node_conf "$P-a.conf" alpha "$P/spool" "$P/tok" "$P/out" "${1:-}"
	start_daemon "$P-a.conf" "$P-alpha.log"
	apid=$DPID
	mkdir -p "$T/tmp"
	cp "$T/src/a.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$P/spool/a.mkv"
	wait_until 30 sh -c '[ -n "$(pgrep -P "$1")" ]' _ "$apid" ||
	    diag "no worker of alpha after $(scaled 30) s"
	held=$(proc_descendants "$apid")
	# shellcheck disable=SC2086
	kill -STOP $held
	diag "alpha's worker stopped:$held"
}

# published_killed [PID...]
published_killed() {
	kill -STOP "$apid" "$@"
	# shellcheck disable=SC2086
	kill -CONT $held
	wait_until 60 test -f "$P/out/a.mkv" ||
	    diag "no output from alpha's worker after $(scaled 60) s"
	kill -KILL "$apid"
	wait "$apid" 2>/dev/null
}

# published_marker
published_marker() {
	wait_until 60 sh -c 'ls "$1"/*.done >/dev/null 2>&1 ||
	    ls "$1"/*.failed >/dev/null 2>&1' _ "$P/tok" ||
	    diag "no marker after $(scaled 60) s"
}

# published_done NODE LOG BY WHAT
published_done() {
	published_marker
	is "$(count_files "$P/tok" .done)/$(count_files "$P/tok" .failed)" \
	    1/0 "$4: the job is marked done, not failed"
	ok "$4: the log says $3 published it" grep -q \
	    "a.mkv: done: .*published by $3, which stopped before marking it done" \
	    "$2"
	is "$(encodes_of a.mkv "$2")" 0 "$4: nothing encoded again"
	ok "$4: the output is whole and verified" \
	    outputs_verified "$P/out" 1 50
	wait_until 15 sh -c '[ "$(json_get "$1" counts.done)" = 1 ]' _ \
	    "$(node_status "$1")"
	is "$(json_get "$(node_status "$1")" counts.done)" 1 \
	    "$4: the status counts it done"
}
