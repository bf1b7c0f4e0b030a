#!/bin/sh
#
# AviSynth+ loads any plugin a script names (LoadPlugin, or a folder for
# its autoloading), so distencd lets it run spool scripts only when the
# spool and script_paths are mounted noexec, where the kernel maps no file
# as code (distencd.service's NoExecPaths= does it): a plugin dropped into
# the spool then fails to load.  Against the stand-in AviSynth+, whose
# LoadPlugin calls dlopen(3) as AviSynth+ does on Linux, and a plugin that
# makes a file when it is loaded:
#   - the script reader, with no limit (distenc runs its user's own
#     scripts), loads the plugin: the test can see a load;
#   - distencd with avisynth_plus on and a spool that is not noexec says so,
#     runs scripts in the built-in interpreter, and a script that needs
#     AviSynth+ fails saying why; the plugin is not loaded;
#   - with the spool mounted noexec (in a mount namespace), AviSynth+ runs
#     a script, and one that loads the plugin from the spool fails with
#     the loader's error; the plugin is not loaded.
# Needs unshare(1) and the right to make a mount namespace (root); without
# them the whole file is skipped.

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}
if [ -z "${DISTENC_TEST_MOUNT_NS:-}" ]; then
	command -v unshare >/dev/null 2>&1 || skip_all "unshare is not installed"
	unshare --mount --fork sh -c 'd=$(mktemp -d) || exit 1
		mount --bind "$d" "$d" && mount -o remount,bind,noexec "$d"
		rc=$?; umount "$d"; rmdir "$d"; exit $rc' >/dev/null 2>&1 ||
	    skip_all "cannot mount a directory noexec in a mount namespace here"
	# The whole test in a mount namespace of its own: its mounts go
	# with it.
	DISTENC_TEST_MOUNT_NS=1 exec unshare --mount --fork sh "$0" "$@"
fi

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

plan 11
need_tools
need_distencd
need_avsplus

PLUGIN=$top_builddir/tests/avsplus/plugin.so
[ -f "$PLUGIN" ] || { bail_rest "no $PLUGIN"; exit 0; }
DISTENC_TEST_PLUGIN_MARK=$T/loaded
export DISTENC_TEST_PLUGIN_MARK

CLIP='FakeClip(128, 96, 10, 25, 1, 0, 0, 8)'

# The script reader (no limit) loads a plugin a script names.
cp "$PLUGIN" "$S/plugin.so"
printf 'LoadPlugin("plugin.so")\n%s\n' "$CLIP" >"$S/p.avs"
"$AVSREAD" "$S/p.avs" >"$T/p.frames" 2>"$T/p.err"
diag_file "$T/p.err" stderr 10
ok "without a limit, the stand-in AviSynth+ loads the plugin a script names" \
    test -f "$T/loaded"
rm -f "$T/loaded"

# drop NAME TEXT: a script moved into the spool at once.
drop() {
	mkdir -p "$T/tmp"
	printf '%s\n' "$2" >"$T/tmp/x" && mv "$T/tmp/x" "$DSPOOL/$1"
}

# 1. The spool is not noexec: AviSynth+ runs no spool script.
CONF=$T/d.conf
write_dconf "$CONF" "avisynth_plus = true;"
cp "$PLUGIN" "$DSPOOL/plugin.so"
start_daemon_ready "$CONF"
grep_ok "$DLOG" "avisynth_plus: $DSPOOL is not mounted noexec, so a script could make AviSynth\\+ load a plugin from it: scripts run in the built-in interpreter" \
    "distencd says AviSynth+ will not run scripts from a spool that is not noexec"
drop a.avs "LoadPlugin(\"plugin.so\")
$CLIP"
job_wait_state 60 a.avs failed done
is "$(job_get a.avs state)" failed "a script that needs AviSynth+ fails"
ok "its error says why AviSynth+ did not run it" \
    sh -c 'printf "%s\n" "$1" | grep -q "a.avs:2:1: FakeClip: not a function the built-in interpreter knows; AviSynth+ would run it, but $2 is not mounted noexec (avisynth_plus)"' \
    _ "$(job_get a.avs error)" "$DSPOOL"
ok "the plugin in the spool was not loaded" test ! -e "$T/loaded"
stop_daemon

# 2. The spool mounted noexec, as NoExecPaths= does.
mount --bind "$DSPOOL" "$DSPOOL" &&
    mount -o remount,bind,noexec "$DSPOOL" &&
    echo "$DSPOOL" >>"$T/.mounts" || diag "cannot mount $DSPOOL noexec"
start_daemon "$CONF" "$T/daemon2.log"
drop b.avs "$CLIP"
job_wait_state 120 b.avs done failed
is "$(job_get b.avs state)" done "with the spool noexec, AviSynth+ runs a spool script"
is "$(frame_count "$DOUT/b.mkv")" 10 "its output has the script's 10 frames"
drop c.avs "LoadPlugin(\"plugin.so\")
$CLIP"
job_wait_state 60 c.avs failed done
is "$(job_get c.avs state)" failed "a script that loads a plugin from the spool fails"
ok "its error is AviSynth+'s: the loader refused the plugin" \
    sh -c 'printf "%s\n" "$1" | grep -q "LoadPlugin: unable to load .*plugin.so.*failed to map segment"' \
    _ "$(job_get c.avs error)"
ok "the plugin was not loaded" test ! -e "$T/loaded"
ok "distencd did not warn of the spool this time" \
    sh -c 'grep -q "distencd .* starting" "$1" && ! grep -q "not mounted noexec" "$1"' \
    _ "$T/daemon2.log"
stop_daemon
