#!/bin/sh
#
# A chunked job's units of work on their own, and a job that survives its
# host: chunks encoded one at a time (as other hosts would), a run killed
# (kill -9) while encoding, then the job finished by another run that
# reuses every verified chunk and encodes only the rest, once.  A damaged
# chunk is encoded again; changed settings make a new plan; a full work
# directory is reported.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/chunked_lib.sh"

plan 25
need_tools
need_distenc

chunked_setup

# log_has DESC TEXT: the last run's output has a line with TEXT.
log_has() {
	if de_all | grep -qF -- "$2"; then
		pass "$1"
	else
		fail "$1"
		diag "  no line with: $2"
	fi
}

# chunk_files: the finished chunk files, one a line.
chunk_files() {
	find "$WORK" -name 'chunk-*.mkv' 2>/dev/null | sort
}

# --- units of work ----------------------------------------------------------

run_distenc -c "$CONF" -o "$T/out" --chunk-step plan "$SRC"
is "$DE_RC" 0 "plan step: exits 0"
PLAN=$(find "$WORK" -name plan)
JOBDIR=$(dirname "${PLAN:-$WORK/none/plan}")
ok "plan step: a plan file in the job's work directory" test -f "$PLAN"
is "$(grep -c '^chunk ' "$PLAN" 2>/dev/null)" 4 "plan step: four chunks"
ok "plan step: no output yet" tree_is_empty "$T/out"

run_distenc -c "$CONF" -o "$T/out" --chunk-step chunk:1 "$SRC"
is "$DE_RC" 0 "chunk step: exits 0"
log_has "chunk step: the plan is reused" "plan: reusing"
run_distenc -c "$CONF" -o "$T/out" --chunk-step chunk:3 "$SRC"
is "$(chunk_files | wc -l)" 2 "chunk steps: two chunk files"
id1=$(file_mtime "$JOBDIR/chunk-0001.mkv")
id3=$(file_mtime "$JOBDIR/chunk-0003.mkv")

run_distenc -c "$CONF" -o "$T/out" --chunk-step join "$SRC"
is "$DE_RC" 1 "join step with chunks missing: exits 1"
log_has "join step with chunks missing: says which" \
    "chunk 0 of 4 is not there yet"

# --- a run killed while encoding, then finished by another ------------------

# has_tmp: an encoder is writing a chunk.
has_tmp() {
	ls -a "$JOBDIR" 2>/dev/null | grep -q '^\.chunk-.*\.tmp\.mkv$'
}
setsid "$DISTENC" -c "$CONF" -o "$T/out" "$SRC" >"$T/killed.out" \
    2>"$T/killed.err" </dev/null &
pid=$!
if wait_until 60 has_tmp; then
	kill -9 -"$pid" 2>/dev/null
	pass "killed run: killed while a chunk was being encoded"
else
	fail "killed run: killed while a chunk was being encoded"
fi
wait "$pid" 2>/dev/null
# group_gone: every process of the killed run has ended.
group_gone() {
	! ps -eo pgid= | grep -qw "$pid"
}
wait_until 20 group_gone
ok "killed run: no output published" test ! -e "$T/out/scenes.mkv"
ok "killed run: its encoder's temporary file is left" has_tmp

run_distenc -c "$CONF" -o "$T/out" "$SRC"
is "$DE_RC" 0 "second run: exits 0"
log_has "second run: the killed encoder's file is removed" \
    "left by an encoder that was stopped"
reused=$(de_all | sed -n 's/.*chunks: reusing \([0-9]*\) verified.*/\1/p')
encoded=$(de_all | grep -c 'chunk [0-9]* of 4: frames')
is "$((${reused:-0} + encoded))" 4 \
    "second run: each chunk reused or encoded, none twice (${reused:-0} + $encoded)"
ok "second run: chunks 1 and 3, encoded before, were reused" \
    test "${reused:-0}" -ge 2
if de_all | grep -q 'chunk [13] of 4: frames'; then
	fail "second run: chunks 1 and 3 not encoded again"
else
	pass "second run: chunks 1 and 3 not encoded again"
fi
is "$(frame_count "$T/out/scenes.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "second run: as many frames as the source"
ok "second run: the work directory is left empty" tree_is_empty "$WORK"
diag "chunk 1 was $id1, chunk 3 $id3 before the second run"

# --- a damaged chunk, changed settings --------------------------------------

run_distenc -c "$CONF" -o "$T/out2" --chunk-step chunk:2 "$SRC"
CH=$(chunk_files | head -1)
if [ -n "$CH" ]; then
	head -c 2000 "$CH" >"$T/cut" && mv "$T/cut" "$CH"
fi
run_distenc -c "$CONF" -o "$T/out2" "$SRC"
log_has "damaged chunk: found and encoded again" "encoding it again"
is "$(frame_count "$T/out2/scenes.mkv")" "$MKCLIP_SCENE_FRAMES" \
    "damaged chunk: as many frames as the source"

run_distenc -c "$CONF" -o "$T/out3" --chunk-step plan "$SRC"
run_distenc -c "$CONF" -o "$T/out3" --q 30 --chunk-step plan "$SRC"
log_has "changed settings: planned again" "planning again"

# --- a chunk whose frame count is wrong --------------------------------------

# A plan that promises 20 frames in the last chunk, which has 17 (and
# 103 in the film, so that the plan is whole and in range).
run_distenc -c "$CONF" -o "$T/out5" --chunk-step plan "$SRC"
PLAN=$(find "$WORK" -name plan | head -1)
if [ -n "$PLAN" ]; then
	sed -e 's/^chunk 3 83 17 /chunk 3 83 20 /' -e 's/^frames 100$/frames 103/' \
	    "$PLAN" >"$T/plan" && cat "$T/plan" >"$PLAN"
fi
run_distenc -c "$CONF" -o "$T/out5" "$SRC"
log_has "wrong frame count: tried again" "chunk 3 (frames 83-102) failed"
log_has "wrong frame count: then failed with the numbers" \
    "failed 2 times: the source ended after 17 of the chunk's 20 frames"
rm -rf "$WORK"

# --- a full work directory --------------------------------------------------

if try_mount_tmpfs "$T/small" size=8k; then
	sed "s|$WORK|$T/small|" "$CONF" >"$T/small.conf"
	run_distenc -c "$T/small.conf" -o "$T/out4" "$SRC"
	log_has "full work directory: no space, said so" \
	    "No space left on device"
else
	skip "full work directory: cannot mount a tmpfs"
fi
