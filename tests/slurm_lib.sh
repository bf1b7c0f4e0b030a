# shellcheck shell=sh
#
# A Slurm cluster of one node for the tests, sourced after tests/lib.sh:
# munged with its own key and socket, slurmctld and slurmd in the
# foreground on 127.0.0.1, their configuration, state and logs in
# $T/slurm.  Nothing is installed: the tests need slurm-wlm and munge
# (contrib/quickstart.sh installs them).
#
#   slurm_start     start the daemons and wait for the node to be idle:
#                   0, or 1 with the reason in $SLURM_WHY (the daemons
#                   are stopped on exit, whatever happens)
#   slurm_need      distenc by its absolute path and slurm_start; when
#                   the cluster does not start, every check left skipped
#   slurm_job_state ID  the state of a job (or a task, ID_K) in squeue
#   slurm_jobs_gone     no job is pending or running
#   slurm_dir SOURCE    the input's directory of Slurm files below $WORK
#   slurm_step_over STATE-FILE  the step recorded its outcome, or no job
#                       is left

SL=$T/slurm

# A TCP port from a range above the usual Slurm ones, by the process id.
_slurm_port() {
	echo $((20000 + ($$ * 2 + $1) % 20000))
}

# Write the cluster's configuration.
_slurm_conf() {
	mkdir -p "$SL/state" "$SL/spool" "$SL/munge"
	chmod 700 "$SL/munge"
	cat >"$SL/slurm.conf" <<EOC
ClusterName=distenctest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(_slurm_port 0)
SlurmdPort=$(_slurm_port 1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SL/munge/munge.socket
StateSaveLocation=$SL/state
SlurmdSpoolDir=$SL/spool
SlurmctldPidFile=$SL/slurmctld.pid
SlurmdPidFile=$SL/slurmd.pid
SlurmctldLogFile=$SL/slurmctld.log
SlurmdLogFile=$SL/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=5
SchedulerParameters=sched_interval=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOC
}

# Start munged with a key of its own.
_slurm_munge() {
	dd if=/dev/urandom of="$SL/munge/munge.key" bs=1024 count=1 \
	    2>/dev/null && chmod 400 "$SL/munge/munge.key" || return 1
	munged --force --socket="$SL/munge/munge.socket" \
	    --key-file="$SL/munge/munge.key" --log-file="$SL/munge/munged.log" \
	    --pid-file="$SL/munge/munged.pid" --seed-file="$SL/munge/seed" \
	    2>"$SL/munge/start.err" || return 1
	at_exit 'kill "$(cat "$SL/munge/munged.pid" 2>/dev/null)" 2>/dev/null'
	wait_until 10 test -S "$SL/munge/munge.socket"
}

# The node answers and is idle.
_slurm_idle() {
	sinfo -h -o %t 2>/dev/null | grep -qx idle
}

# Cancel every job of the test's cluster, then stop the daemons, slurmd
# first.
_slurm_stop() {
	squeue -h -o %i 2>/dev/null | xargs -r scancel 2>/dev/null
	wait_until 15 slurm_jobs_gone
	[ -n "${_slurm_dpid:-}" ] && kill "$_slurm_dpid" 2>/dev/null
	[ -n "${_slurm_cpid:-}" ] && kill "$_slurm_cpid" 2>/dev/null
	wait_until 10 sh -c "! kill -0 ${_slurm_dpid:-0} 2>/dev/null && \
	    ! kill -0 ${_slurm_cpid:-0} 2>/dev/null" 2>/dev/null
	return 0
}

slurm_start() {
	SLURM_WHY=
	for _p in munged slurmctld slurmd sbatch scontrol squeue sinfo; do
		if ! command -v "$_p" >/dev/null 2>&1 &&
		    ! [ -x "/usr/sbin/$_p" ]; then
			SLURM_WHY="$_p is not installed (slurm-wlm, munge)"
			return 1
		fi
	done
	PATH=$PATH:/usr/sbin
	_slurm_conf
	if ! _slurm_munge; then
		SLURM_WHY="munged does not start: $(cat "$SL/munge/start.err" 2>/dev/null)"
		return 1
	fi
	SLURM_CONF=$SL/slurm.conf
	export SLURM_CONF PATH
	at_exit _slurm_stop
	slurmctld -D -i -f "$SLURM_CONF" >"$SL/slurmctld.out" 2>&1 &
	_slurm_cpid=$!
	slurmd -D -f "$SLURM_CONF" -N localhost >"$SL/slurmd.out" 2>&1 &
	_slurm_dpid=$!
	if ! wait_until 60 _slurm_idle; then
		SLURM_WHY="the node does not become idle: $(tail -n 3 \
		    "$SL/slurmctld.log" "$SL/slurmd.log" "$SL/slurmd.out" \
		    2>/dev/null | tr '\n' ' ')"
		return 1
	fi
	return 0
}

# slurm_need: distenc by its absolute path (Slurm's jobs run it from
# elsewhere) and the cluster started; else every check left is skipped
# with why, and the test ends.
slurm_need() {
	case $DISTENC in
	/*) ;;
	*) DISTENC=$(pwd)/$DISTENC ;;
	esac
	if ! slurm_start; then
		diag "no Slurm cluster: $SLURM_WHY"
		while [ "$_tap_n" -lt "$_tap_planned" ]; do
			skip "Slurm" "the Slurm daemons cannot start here: $SLURM_WHY"
		done
		exit 0
	fi
}

# slurm_job_state ID: its state (PENDING, RUNNING, COMPLETED...), or "".
slurm_job_state() {
	squeue -h -r --states=all -j "$1" -o %T 2>/dev/null | head -n 1
}

# No job is pending, running or completing.
slurm_jobs_gone() {
	[ -z "$(squeue -h -o %i 2>/dev/null)" ]
}

# slurm_dir SOURCE: the input's directory of Slurm files below $WORK.
slurm_dir() {
	grep -lxF -- "$1" "$WORK"/.slurm/*/source 2>/dev/null | head -n 1 |
	    xargs -r dirname
}

# slurm_step_over STATE-FILE: the step recorded its outcome, or no job is
# left.
slurm_step_over() {
	test -s "$1" || slurm_jobs_gone
}
