#!/bin/sh
#
# A chunk's reason file (chunk-NNNN.failed, in the shared work directory)
# replaced by a link to another file while its encoder runs, then the
# encoder killed: the job's error says how the encoder ended and never
# shows the linked file's contents; the chunk is encoded again.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/chunked_lib.sh"

plan 4
need_tools
need_distenc

chunked_setup
echo "SECRET-7f3a9c" >"$T/secret.txt"
"$DISTENC" -c "$CONF" -o "$T/out" "$SRC" >"$T/run.out" 2>"$T/run.err" \
    </dev/null &
dpid=$!
# The first chunk encoder seen writing: its reason file made a link, then
# the encoder killed.
timeout 120 "$PYTHON" - "$WORK" "$T/secret.txt" >"$T/killed.txt" <<'PY'
import glob, os, re, signal, sys, time
work, secret = sys.argv[1], sys.argv[2]
while True:
    for tmp in glob.glob(os.path.join(work, '*', '.chunk-*.tmp.mkv')):
        for fd in glob.glob('/proc/[0-9]*/fd/*'):
            try:
                if os.readlink(fd) != tmp:
                    continue
            except OSError:
                continue
            pid = int(fd.split('/')[2])
            n = re.search(r'\.chunk-(\d{4})\.', tmp).group(1)
            os.symlink(secret, os.path.join(os.path.dirname(tmp),
                       'chunk-%s.failed' % n))
            os.kill(pid, signal.SIGKILL)
            print(n)
            sys.exit(0)
    time.sleep(0.02)
PY
wait "$dpid"
rc=$?
diag "killed the encoder of chunk $(cat "$T/killed.txt")"
diag_file "$T/run.err" stderr 12
ok "an encoder was killed with its reason file a link" test -s "$T/killed.txt"
ok "the job's error never shows the linked file" \
    sh -c '! grep -q SECRET "$1" "$2"' _ "$T/run.out" "$T/run.err"
grep_ok "$T/run.err" "chunk $(sed 's/^0*//;s/^$/0/' "$T/killed.txt") .*failed: encoder killed by signal 9" \
    "it says how the encoder ended"
is "$rc/$(frame_count "$T/out/scenes.mkv")" "0/$MKCLIP_SCENE_FRAMES" \
    "the chunk is encoded again and the job finishes"
