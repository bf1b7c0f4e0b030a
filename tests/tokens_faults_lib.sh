# shellcheck shell=sh
#
# Shared setup of the tests of faults in work shared through a token
# directory (tests/integration/tokens_faults_*.sh, one scenario each),
# sourced after tests/lib.sh and tests/tokens_lib.sh: a lease of 4 s, a
# poll interval of 1 s, the "medium" profile, clips $T/src/sK.mkv of 2 s.
#
#   faults_clips K...        make the clips sK.mkv
#   drop_clip K DIR          sK.mkv into a spool, renamed into place
#   drop_all DIR             s1.mkv .. s$N.mkv the same way
#   staged_job K DIR NODE    sK.mkv waiting in DIR/in, two minutes old
#                            (settled the moment it is moved into the
#                            spool DIR/spool), its job id in $JOB_ID; a
#                            daemon of NODE started on DIR (log DIR.log)
#                            and its token directory DIR/tok ready
#   claims_of NODE DIR       how many claims in DIR NODE holds
#   queued_and_looked NODE   wait until NODE's daemon has a job queued
#                            and has gone round its loop once more since
#                            (so a check that it then started nothing
#                            means it looked and decided not to)

TLEASE=4
TPOLL=1
N=4
export TLEASE TPOLL
write_conf "$T/medium.conf" medium 300
# shellcheck disable=SC2034 # for node_conf
TESTCONF=$T/medium.conf

# faults_clips K...
faults_clips() {
	for _fc_k; do
		tiny "$T/src/s$_fc_k.mkv" 2
	done
}

# drop_clip K DIR
drop_clip() {
	mkdir -p "$2" "$T/tmp"
	cp "$T/src/s$1.mkv" "$T/tmp/x" && mv "$T/tmp/x" "$2/s$1.mkv"
}

# drop_all DIR
drop_all() {
	for _da_k in $(seq 1 $N); do
		drop_clip "$_da_k" "$1"
	done
}

# staged_job K DIR NODE
staged_job() {
	mkdir -p "$2/spool" "$2/tok" "$2/in"
	cp "$T/src/s$1.mkv" "$2/in/s$1.mkv"
	touch -d '2 minutes ago' "$2/in/s$1.mkv"
	# shellcheck disable=SC2034 # for the caller
	JOB_ID=$(job_id "s$1.mkv" "$2/in/s$1.mkv")
	node_conf "$2.conf" "$3" "$2/spool" "$2/tok" "$2/out"
	start_daemon "$2.conf" "$2.log"
	wait_until 10 test -f "$2/tok/.distenc-tokens"
}

# claims_of NODE DIR
claims_of() {
	grep -l "^node $1\$" "$2"/*.claim 2>/dev/null | wc -l | tr -d ' '
}

# queued_and_looked NODE
queued_and_looked() {
	_ql_s=$(node_status "$1")
	if ! wait_until 30 sh -c '[ "$("$1" -c "import json,sys; print(json.load(open(sys.argv[1]))[\"counts\"][\"queued\"])" "$2" 2>/dev/null)" -ge 1 ]' \
	    _ "$PYTHON" "$_ql_s"; then
		diag "  node $1: no job queued after $(scaled 30) s" \
		    "$(cat "$_ql_s" 2>&1)"
		return 1
	fi
	status_rewritten 2 "$_ql_s" 30 ||
	    { diag "  node $1: $_ql_s not rewritten twice in $(scaled 30) s"; return 1; }
	diag "  node $1 looked and waits: $(json_get "$_ql_s" counts)," \
	    "  tokens: $(json_get "$_ql_s" tokens)"
}
