#!/bin/sh
#
# The control socket: made with mode 0660; distencctl --help and
# --version; pause and resume answered and seen in "distencctl status";
# every request logged with its uid; while a client holds a connection
# open without a word, other requests are answered at once, and the silent
# one is closed after its timeout; a line too long, control characters,
# an empty line, an unknown command and missing arguments each get an
# error line, and the daemon carries on; a peer not allowed by its
# credentials is refused (as root: a uid of nobody); with no daemon,
# distencctl says so and exits 2.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 20
need_distencd
CTL=${top_builddir}/distencctl
SOCK=$T/control

# raw BYTES...: send the bytes (printf's escapes) to the socket, print the
# answer line.
raw() {
	"$PYTHON" - "$SOCK" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode('latin-1').decode('unicode_escape').encode('latin-1'))
data = b''
while not data.endswith(b'\n'):
    c = s.recv(4096)
    if not c:
        break
    data += c
print(data.decode('utf-8', 'replace').rstrip('\n'))
PY
}

CONF=$T/d.conf
write_dconf "$CONF" "control_socket = \"$SOCK\";"
start_daemon "$CONF"
wait_until 15 test -S "$SOCK"
ok "the control socket is made" test -S "$SOCK"
is "$(stat -c %a "$SOCK")" 660 "its mode is 0660"

"$CTL" --help >"$T/help.out" 2>&1
ok "distencctl --help exits 0 and lists the commands" \
    sh -c '[ "$1" = 0 ] && grep -q "priority ID|PATH N" "$2"' _ "$?" "$T/help.out"
is "$("$CTL" --version)" "distencctl $(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$top_builddir/config.h")" \
    "distencctl --version says the version"

# A client that connects and says nothing, held open in the background.
"$PYTHON" - "$SOCK" "$T/silent.ready" >"$T/silent.out" 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
open(sys.argv[2], 'w').close()
s.settimeout(60)
data = b''
while True:
    c = s.recv(4096)
    if not c:
        break
    data += c
print(data.decode().rstrip('\n'))
PY
SILENT=$!
wait_until 10 test -e "$T/silent.ready"

"$CTL" -c "$CONF" pause >"$T/pause.out" 2>&1
ok "pause is answered while a silent client is connected" \
    sh -c '[ "$1" = 0 ] && grep -q "^paused" "$2"' _ "$?" "$T/pause.out"
wait_until 10 grep -q '"state": *"paused"' "$DSTATUS/distencd.json"
"$CTL" -c "$CONF" status >"$T/status.out" 2>&1
grep_ok "$T/status.out" "^state paused, control socket $SOCK\$" "status says paused"
grep_ok "$DLOG" "control: uid $(id -u) \\(pid [0-9]+\\): pause: ok paused" \
    "the request is logged with the uid"

wait "$SILENT"
grep_ok "$T/silent.out" "^error timeout" "the silent client gets a timeout error"
grep_ok "$DLOG" "no request within 5 s: closed" "and the daemon says it closed it"

long=$(head -c 2000 /dev/zero | tr '\0' x)
is "$(raw "$long")" "error malformed request: too long" "a line too long is refused"
is "$(raw 'pa\001use\n')" "error malformed request: control characters" \
    "control characters are refused"
is "$(raw '\n')" "error empty request" "an empty line is an error"
case $(raw 'frobnicate\n') in
"error unknown command"*) pass "an unknown command is an error" ;;
*) fail "an unknown command is an error" ;;
esac
is "$(raw 'cancel\n')" "error usage: cancel ID" "a missing argument is an error"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 0666 "$SOCK"
	chmod o+x "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$CTL" -S "$SOCK" resume >"$T/nobody.out" 2>&1
	ok "a peer of another uid and group is refused" \
	    sh -c '[ "$1" = 1 ] && grep -q "permission denied" "$2"' _ "$?" "$T/nobody.out" ||
	    diag_file "$T/nobody.out" nobody
	chmod 0660 "$SOCK"
else
	skip "a peer of another uid and group is refused" "needs root and setpriv"
fi

"$CTL" -S "$SOCK" resume >"$T/resume.out" 2>&1
ok "resume is answered" sh -c '[ "$1" = 0 ] && grep -q "^resumed" "$2"' _ "$?" "$T/resume.out"
wait_until 10 grep -q '"state": *"running"' "$DSTATUS/distencd.json"
grep_ok "$DSTATUS/distencd.json" '"state": *"running"' "the daemon runs again"
ok "the daemon is still alive" daemon_alive

stop_daemon
ok "the socket is removed at exit" test ! -e "$SOCK"
"$CTL" -S "$SOCK" pause >"$T/none.out" 2>&1
ok "with no daemon, distencctl says so and exits 2" \
    sh -c '[ "$1" = 2 ] && grep -q "is distencd running" "$2"' _ "$?" "$T/none.out"
