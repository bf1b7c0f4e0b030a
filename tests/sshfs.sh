# shellcheck shell=sh
#
# Two sshfs mounts of one directory over loopback, for tests of what the
# hosts sharing a token directory do on a real network filesystem client
# (POSIX sh, sourced after tests/lib.sh or on its own).
#
#   sshfs_setup DIR   DIR/shared is the backing directory, DIR/m1 and
#                     DIR/m2 two sshfs mounts of it, each with its own ssh
#                     connection and its own caches.  Exports SSHFS_SHARED,
#                     SSHFS_M1, SSHFS_M2, SSHFS_PORT and SSHFS_SSHD_PID;
#                     SSHFS_OPTS, when set, is added to both mounts' -o
#                     (e.g. dir_cache=no).  Returns non-zero with
#                     the reason on stderr when it cannot (no /dev/fuse,
#                     the packages cannot be installed, sshd does not
#                     start, a mount fails): the caller then skips.
#   sshfs_teardown    unmounts both, stops the private sshd, removes the
#                     keys; safe to call twice and from a trap.  When
#                     tests/lib.sh is loaded, sshfs_setup registers it
#                     with at_exit (after the daemons are stopped).
#
# openssh-server and sshfs are installed with apt-get when sshd or sshfs
# is missing (as root).  Debian's openssh-server package enables
# ssh.service and, where services may start (no policy-rc.d saying 101,
# as in containers), starts the machine's own sshd on port 22.  Nothing
# here uses that one: a private sshd runs with its own config file
# (127.0.0.1, a free high port, keys, pid file and authorized_keys in a
# temporary directory, internal-sftp), /root/.ssh and /etc/ssh untouched.
# sshd needs its privilege separation directory /run/sshd: made if
# missing (what ssh.service does too), and left.
#
# Each mount keeps sshfs's default caching, as a host's mount would.  The
# options that decide what one mount sees of another's changes, and when
# (sshfs 3.7.3, libfuse 3.14, OpenSSH 9.2 internal-sftp):
#   dcache_timeout=20 (dcache_stat_/_dir_/_link_timeout each)  sshfs's own
#       cache, by path, of attributes and directory listings; dir_cache=no
#       turns it off (then what m2 sees lags by about 1 s at most).
#   attr_timeout=1, entry_timeout=1, negative_timeout=0  the kernel's FUSE
#       caches; no negative entries, and sshfs caches no ENOENT either.
#   kernel_cache, auto_cache  off: each open() reads the data anew.
#   disable_hardlink  link() fails (EPERM, measured: the man page says
#       ENOSYS) instead of using hardlink@openssh.com.
#   workaround=rename  unlink-then-rename for servers without
#       posix-rename@openssh.com; not needed (OpenSSH has it), and racy.
#
# MEASURED on these mounts (m1 acts, m2 looks; 127.0.0.1, 2 cores):
# link()
#   Works (hardlink@openssh.com): one inode with 2 links behind the
#   mounts, but through sshfs the two names have different st_ino and
#   st_nlink 1 (SFTP v3 attributes carry neither; FUSE numbers the
#   paths), so "both names are one inode per lstat" never holds there.
#   link() to a name that exists when the kernel looks it up (or that
#   the mount still has cached): EEXIST, without asking the server.  To
#   a name made on the server after that lookup: EPERM (the server's
#   EEXIST comes back as SSH_FX_FAILURE, which sshfs maps to EPERM).  Two mounts
#   racing link() to one name, 200 rounds: exactly one wins each round;
#   the loser got EEXIST 53 times and EPERM 147 times.  disable_hardlink
#   (or a server without the extension) also gives EPERM.
#   After m1 unlinked a name that m2 had stat()ed, m2's link() to it
#   failed EEXIST for 20.3 s (stale positive entry); an open() of the
#   name on m2 (ENOENT) drops the entry, and link() then succeeds.
# rename()
#   Onto an existing name: replaces it atomically (posix-rename).  Of a
#   name the other mount renamed away: ENOENT, also when both rename it
#   at once (200 rounds: one ok, the other ENOENT, never EPERM).
# What m2 sees after m1 acts
#   A new name (create, link, rename to it): stat()/open() at once, even
#   right after m2 looked it up and got ENOENT.  readdir(): up to 20 s
#   late (20.8 s measured), unless m2 itself created, unlinked or renamed
#   something in that directory, which drops its cached listing.
#   An unlinked or renamed-away name: stat()/lstat() keep answering the
#   old attributes for up to 21 s (21.1 s measured); open() fails ENOENT
#   at once.
#   A rewritten file (in place or replaced by rename): stat() shows the
#   old size and mtime for up to 21 s; polling stat() alone, a file
#   rewritten every 2 s looked up to 23 s old.  open() reads the new
#   bytes but no more than the old cached size (a 4-byte content was
#   read as its first byte); open() refreshes sshfs's cache, so after
#   such a read fstat() gives the new size and a second read gets it
#   all.  With an open() before each stat() the mtime was at most 3 s
#   old (renewals every 2 s).  A reader that opens while the writer has
#   truncated (O_TRUNC then write) can read it empty, and m2 may then
#   keep that size 0 for 20 s: rewrite fixed-size records in place
#   (pwrite at 0, no O_TRUNC) or write-then-rename.
# Clocks
#   Data written through sshfs gets its mtime from the server's kernel
#   (a write through an sshfs running one hour slow under faketime had
#   the real time).  touch, utimensat(NULL) and futimens(NULL) set the
#   time of the sshfs client process (sshfs sends SETSTAT with its own
#   gettimeofday for UTIME_NOW): an hour slow in the same experiment.
#   Explicit times are kept.  Times through sshfs have whole seconds
#   (SFTP v3): a probe written through m2 showed mtime N.0 where the
#   server had N.977.  The mount's own writes drop its cache entry, so a
#   probe's stat() right after writing it is the server's.
# inotify
#   A watch on m2 sees nothing of what m1 does (0 events for create,
#   write, rename, unlink); m1 sees its own changes; a watch on the
#   backing directory sees everything.
# statfs
#   f_type 0x65735546 (FUSE_SUPER_MAGIC; coreutils names it "fuseblk"),
#   as any FUSE filesystem: only /proc/self/mountinfo says fuse.sshfs.

SSHFS_SHARED=
SSHFS_M1=
SSHFS_M2=
SSHFS_PORT=
_sshfs_tmp=
SSHFS_SSHD_PID=
_sshfs_pids=
_sshfs_registered=

# _sshfs_steps N: N polling steps, times DISTENC_TEST_TIMEOUT_SCALE (the
# one time factor of the tests, tests/lib.sh; 1 when unset).
_sshfs_steps() {
	awk -v n="$1" -v s="${DISTENC_TEST_TIMEOUT_SCALE:-1}" \
	    'BEGIN { v = n * (s > 0 ? s : 1); printf "%d\n", (v == int(v)) ? v : int(v) + 1 }'
}

_sshfs_say() {
	printf 'sshfs_setup: %s\n' "$*" >&2
}

# _sshfs_install: sshd and sshfs, from Debian's packages when missing.
_sshfs_install() {
	_sshfs_have && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		_sshfs_say "sshd or sshfs missing, and cannot install them (not root or no apt-get)"
		return 1
	fi
	_si_log=${TMPDIR:-/tmp}/distenc-sshfs-apt.$$.log
	_sshfs_say "installing openssh-server sshfs with apt-get (log $_si_log)"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    openssh-server sshfs >"$_si_log" 2>&1; then
		# Only when the package lists are missing or out of date.
		apt-get update >>"$_si_log" 2>&1 &&
		    DEBIAN_FRONTEND=noninteractive apt-get install -y \
		    openssh-server sshfs >>"$_si_log" 2>&1
	fi
	if ! _sshfs_have; then
		_sshfs_say "apt-get install openssh-server sshfs failed: $(tail -n 1 "$_si_log")"
		return 1
	fi
	rm -f "$_si_log"
}

_sshfs_sshd_bin() {
	for _sb in /usr/sbin/sshd "$(command -v sshd 2>/dev/null)"; do
		case $_sb in
		/*) [ -x "$_sb" ] && { echo "$_sb"; return 0; } ;;
		esac
	done
	return 1
}

_sshfs_have() {
	_sshfs_sshd_bin >/dev/null && command -v sshfs >/dev/null 2>&1 &&
	    command -v ssh >/dev/null 2>&1 &&
	    command -v ssh-keygen >/dev/null 2>&1
}

# _sshfs_alive PID: the process exists and is no zombie.
_sshfs_alive() {
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	_sa_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$_sa_st" ] && [ "$_sa_st" != Z ] && [ "$_sa_st" != X ]
}

# _sshfs_mounted DIR: DIR is an sshfs mount point.
_sshfs_mounted() {
	awk -v d="$1" '$5 == d && $0 ~ / - fuse\.sshfs / { f = 1 } END { exit !f }' \
	    /proc/self/mountinfo 2>/dev/null
}

# _sshfs_port: a TCP port in 20000..59999 that nothing listens on.
_sshfs_port() {
	_sp_i=0
	while [ $_sp_i -lt 50 ]; do
		_sp_i=$((_sp_i + 1))
		_sp_p=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		_sp_p=$((20000 + _sp_p % 40000))
		_sp_hex=$(printf '%04X' "$_sp_p")
		# Listening sockets (state 0A) on that port, IPv4 or IPv6.
		if ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		    awk -v h=":$_sp_hex" '$4 == "0A" && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }'
		then
			echo "$_sp_p"
			return 0
		fi
	done
	return 1
}

_sshfs_ssh_opts() {
	echo "-F /dev/null -i $_sshfs_tmp/client_key -p $SSHFS_PORT" \
	    "-o IdentitiesOnly=yes -o BatchMode=yes" \
	    "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null" \
	    "-o LogLevel=ERROR -o ConnectTimeout=5"
}

# _sshfs_start_sshd: the private sshd, on a free port (a few tries, in
# case another process takes the port first); waits until a login with
# the client key works.
_sshfs_start_sshd() {
	_ss_bin=$(_sshfs_sshd_bin) || return 1
	if [ ! -d /run/sshd ]; then
		if ! { mkdir -p /run/sshd && chmod 755 /run/sshd; }; then
			_sshfs_say "cannot make /run/sshd (sshd's privilege separation directory)"
			return 1
		fi
	fi
	_ss_try=0
	while [ $_ss_try -lt 5 ]; do
		_ss_try=$((_ss_try + 1))
		SSHFS_PORT=$(_sshfs_port) || {
			_sshfs_say "no free TCP port found"
			return 1
		}
		cat >"$_sshfs_tmp/sshd_config" <<SSHD
Port $SSHFS_PORT
ListenAddress 127.0.0.1
HostKey $_sshfs_tmp/host_key
PidFile $_sshfs_tmp/sshd.pid
AuthorizedKeysFile $_sshfs_tmp/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
X11Forwarding no
AllowTcpForwarding no
PermitTunnel no
Subsystem sftp internal-sftp
LogLevel ERROR
SSHD
		"$_ss_bin" -t -f "$_sshfs_tmp/sshd_config" \
		    >"$_sshfs_tmp/sshd.log" 2>&1 || {
			_sshfs_say "sshd rejects its config: $(head -n 3 "$_sshfs_tmp/sshd.log")"
			return 1
		}
		# -D: no daemon, so $! is sshd; -e: log to stderr.
		"$_ss_bin" -D -e -f "$_sshfs_tmp/sshd_config" \
		    </dev/null >>"$_sshfs_tmp/sshd.log" 2>&1 &
		SSHFS_SSHD_PID=$!
		_ss_n=0
		_ss_max=$(_sshfs_steps 50)
		while [ $_ss_n -lt "$_ss_max" ]; do
			_ss_n=$((_ss_n + 1))
			_sshfs_alive "$SSHFS_SSHD_PID" || break
			# shellcheck disable=SC2046
			if ssh $(_sshfs_ssh_opts) "$(id -un)@127.0.0.1" true \
			    </dev/null >>"$_sshfs_tmp/ssh.log" 2>&1; then
				return 0
			fi
			sleep 0.2
		done
		if _sshfs_alive "$SSHFS_SSHD_PID"; then
			_sshfs_say "sshd runs on 127.0.0.1:$SSHFS_PORT but a login does not work: $(tail -n 2 "$_sshfs_tmp/ssh.log")"
			return 1
		fi
		wait "$SSHFS_SSHD_PID" 2>/dev/null
		SSHFS_SSHD_PID=
		# Another port when this one was taken; else give up.
		grep -q 'Address already in use' "$_sshfs_tmp/sshd.log" || break
	done
	_sshfs_say "sshd does not start: $(tail -n 3 "$_sshfs_tmp/sshd.log")"
	return 1
}

# _sshfs_mount MOUNTPOINT: sshfs of $SSHFS_SHARED, in the foreground (so
# its PID is known) in the background; waits until it is mounted.
_sshfs_mount() {
	_sm_log=$_sshfs_tmp/sshfs-$(basename "$1").log
	mkdir -p "$1" || return 1
	# -F /dev/null: neither ~/.ssh/config nor /etc/ssh/ssh_config.
	sshfs "$(id -un)@127.0.0.1:$SSHFS_SHARED" "$1" -f -F /dev/null \
	    -o "IdentityFile=$_sshfs_tmp/client_key,IdentitiesOnly=yes" \
	    -o "StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null" \
	    -o "port=$SSHFS_PORT,BatchMode=yes,LogLevel=ERROR" \
	    ${SSHFS_OPTS:+-o "$SSHFS_OPTS"} \
	    </dev/null >"$_sm_log" 2>&1 &
	_sm_pid=$!
	_sshfs_pids="$_sshfs_pids $_sm_pid"
	_sm_n=0
	_sm_max=$(_sshfs_steps 75)
	while [ $_sm_n -lt "$_sm_max" ]; do
		_sm_n=$((_sm_n + 1))
		_sshfs_mounted "$1" && return 0
		_sshfs_alive "$_sm_pid" || break
		sleep 0.2
	done
	_sshfs_say "sshfs on $1 failed: $(tail -n 2 "$_sm_log")"
	return 1
}

# sshfs_setup DIR: see the top of this file.
sshfs_setup() {
	if [ $# -ne 1 ] || [ -z "$1" ]; then
		_sshfs_say "usage: sshfs_setup DIR"
		return 2
	fi
	[ -n "$_sshfs_tmp" ] && sshfs_teardown
	if [ ! -c /dev/fuse ]; then
		_sshfs_say "no /dev/fuse"
		return 1
	fi
	_sshfs_install || return 1
	command -v fusermount3 >/dev/null 2>&1 ||
	    command -v fusermount >/dev/null 2>&1 || {
		_sshfs_say "no fusermount3 (package fuse3)"
		return 1
	}
	mkdir -p "$1/shared" || return 1
	_su_dir=$(cd "$1" && pwd -P) || return 1
	SSHFS_SHARED=$_su_dir/shared
	SSHFS_M1=$_su_dir/m1
	SSHFS_M2=$_su_dir/m2
	export SSHFS_SHARED SSHFS_M1 SSHFS_M2
	_sshfs_tmp=$(mktemp -d "${TMPDIR:-/tmp}/distenc-sshfs.XXXXXX") || {
		_sshfs_say "cannot make a temporary directory"
		return 1
	}
	if [ -z "$_sshfs_registered" ] && command -v at_exit >/dev/null 2>&1; then
		at_exit sshfs_teardown
		_sshfs_registered=1
	fi
	if ! ssh-keygen -q -t ed25519 -N '' -C distenc-test-host \
	    -f "$_sshfs_tmp/host_key" >"$_sshfs_tmp/keygen.log" 2>&1 ||
	    ! ssh-keygen -q -t ed25519 -N '' -C distenc-test-client \
	    -f "$_sshfs_tmp/client_key" >>"$_sshfs_tmp/keygen.log" 2>&1; then
		_sshfs_say "ssh-keygen failed: $(tail -n 1 "$_sshfs_tmp/keygen.log")"
		sshfs_teardown
		return 1
	fi
	cp "$_sshfs_tmp/client_key.pub" "$_sshfs_tmp/authorized_keys"
	if ! _sshfs_start_sshd || ! _sshfs_mount "$SSHFS_M1" ||
	    ! _sshfs_mount "$SSHFS_M2"; then
		sshfs_teardown
		return 1
	fi
	export SSHFS_PORT SSHFS_SSHD_PID
	return 0
}

# sshfs_daemons_or_skip DIR N: for a test of two daemons over sshfs:
# set the mounts up below DIR or end the script with a TAP skip saying
# why; then plan N checks, check the programs and say where the mounts are.
sshfs_daemons_or_skip() {
	if ! sshfs_setup "$1" 2>"$1.err"; then
		sed 's/^/# /' "$1.err"
		echo "1..0 # SKIP no sshfs mounts: $(grep -v '^#' "$1.err" | tail -n 1)"
		exit 0
	fi
	plan "$2"
	need_tools
	need_distencd
	diag "sshd on 127.0.0.1:$SSHFS_PORT; $SSHFS_M1 and $SSHFS_M2 mount $SSHFS_SHARED"
}

# _sshfs_unmount DIR
_sshfs_unmount() {
	_sshfs_mounted "$1" || return 0
	fusermount3 -u "$1" 2>/dev/null || fusermount -u "$1" 2>/dev/null ||
	    umount "$1" 2>/dev/null || fusermount3 -uz "$1" 2>/dev/null ||
	    umount -l "$1" 2>/dev/null || {
		echo "sshfs_teardown: cannot unmount $1" >&2
		return 1
	}
}

# _sshfs_stop PID...: SIGTERM, then SIGKILL after 3 s (scaled).
_sshfs_stop() {
	for _st_p; do
		_sshfs_alive "$_st_p" && kill -TERM "$_st_p" 2>/dev/null
	done
	_st_n=0
	_st_max=$(_sshfs_steps 30)
	for _st_p; do
		while _sshfs_alive "$_st_p" && [ $_st_n -lt "$_st_max" ]; do
			_st_n=$((_st_n + 1))
			sleep 0.1
		done
		_sshfs_alive "$_st_p" && kill -KILL "$_st_p" 2>/dev/null
		wait "$_st_p" 2>/dev/null
	done
	return 0
}

# sshfs_teardown: see the top of this file.
sshfs_teardown() {
	for _td_m in "$SSHFS_M1" "$SSHFS_M2"; do
		[ -n "$_td_m" ] && _sshfs_unmount "$_td_m"
	done
	# sshfs ends when unmounted; its ssh child then too.
	# shellcheck disable=SC2086
	[ -n "$_sshfs_pids" ] && _sshfs_stop $_sshfs_pids
	_sshfs_pids=
	if [ -n "$SSHFS_SSHD_PID" ]; then
		# The listener and its session processes, by PID.
		_td_kids=$(pgrep -P "$SSHFS_SSHD_PID" 2>/dev/null)
		# shellcheck disable=SC2086
		_sshfs_stop "$SSHFS_SSHD_PID" $_td_kids
		SSHFS_SSHD_PID=
	fi
	if [ -n "$_sshfs_tmp" ]; then
		rm -rf "$_sshfs_tmp"
		_sshfs_tmp=
	fi
	return 0
}
