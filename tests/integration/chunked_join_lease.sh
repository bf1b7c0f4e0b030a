#!/bin/sh
#
# A join longer than the lease keeps its claim: the joined file is written
# to an output directory on a FUSE mount (sshfs over a pipe to
# sftp-server) whose writes are slowed to SLOW_BPS bytes a second, so
# that joining, verifying and publishing take longer than the 4 s lease;
# the joining's claim in the token directory is renewed all along (never
# older than the lease by the file system's clock), so no other host
# could take it over.
#
# Needs sshfs and /dev/fuse; without them the whole file is skipped.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/chunked_lib.sh"

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

SFTP=/usr/lib/openssh/sftp-server
command -v sshfs >/dev/null 2>&1 || skip_all "sshfs is not installed"
[ -x "$SFTP" ] || skip_all "no $SFTP"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"

# The slow "ssh": sftp-server, with what is written to it throttled.
cat >"$T/slow-sftp" <<EOF2
#!$PYTHON
import os, subprocess, sys, time
rate = int(os.environ.get('SLOW_BPS', '20000'))
p = subprocess.Popen(['$SFTP'], stdin=subprocess.PIPE, stdout=sys.stdout.fileno())
while True:
    b = os.read(0, 4096)
    if not b:
        break
    p.stdin.write(b)
    p.stdin.flush()
    if len(b) > 1024:
        time.sleep(len(b) / rate)
p.stdin.close()
p.wait()
EOF2
chmod +x "$T/slow-sftp"
mkdir -p "$T/real" "$T/slow"
SLOW_BPS=${SLOW_BPS:-20000} sshfs -o ssh_command="$T/slow-sftp" \
    "localhost:$T/real" "$T/slow" 2>"$T/sshfs.err" ||
    skip_all "sshfs mount failed: $(head -n 1 "$T/sshfs.err")"
at_exit "fusermount -u '$T/slow' 2>/dev/null || fusermount3 -u '$T/slow' 2>/dev/null"

plan 4
need_tools
need_distenc

LEASE=4
chunked_setup
echo "lease = $LEASE;" >>"$CONF"
TOK=$T/tok
mkdir -p "$TOK"
"$DISTENC" -c "$CONF" -t "$TOK" --node solo -o "$T/slow/out" "$SRC" \
    >"$T/run.out" 2>"$T/run.err" </dev/null &
bpid=$!
# Every 0.1 s while the joining's claim is there: its age by the file
# system's clock (a probe file written in the token directory).
timeout 300 "$PYTHON" - "$TOK" "$bpid" >"$T/ages.txt" <<'PY'
import glob, os, sys, time
tok, pid = sys.argv[1], int(sys.argv[2])
probe = os.path.join(tok, 'zz-test-probe')
first = last = None
oldest = 0
def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
while alive():
    claims = glob.glob(os.path.join(tok, '*.d', 'join.claim'))
    if claims:
        try:
            m = os.stat(claims[0]).st_mtime_ns
        except OSError:
            m = None
        with open(probe, 'w') as f:
            f.write('x')
        now = os.stat(probe).st_mtime_ns
        if m is not None:
            first = first or now
            last = now
            oldest = max(oldest, now - m)
    time.sleep(0.1)
os.unlink(probe) if os.path.exists(probe) else None
print('held %.3f oldest %.3f' % (((last or 0) - (first or 0)) / 1e9, oldest / 1e9))
PY
wait "$bpid"
rc=$?
diag "$(cat "$T/ages.txt")"
diag_file "$T/run.err" stderr 8
held=$(awk '{ print $2 }' "$T/ages.txt")
oldest=$(awk '{ print $4 }' "$T/ages.txt")
is "$rc" 0 "the job ends, published (exit 0)"
ok "the joining took longer than the lease ($held s, lease $LEASE s)" \
    awk -v h="$held" -v l="$LEASE" 'BEGIN { exit !(h > l) }'
ok "its claim was renewed all along: never older than the lease (oldest $oldest s)" \
    awk -v o="$oldest" -v l="$LEASE" 'BEGIN { exit !(o > 0 && o < l) }'
is "$(frame_count "$T/slow/out/scenes.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "the output has every frame"
