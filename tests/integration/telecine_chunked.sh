#!/bin/sh
#
# Telecined film (3:2 pulldown to 29.97 fps, 90 frames) through a chunked
# profile: inverse telecine in chunks.  The chunks start on decimate's
# cycles of 5 frames and each but the first is read from the last cycle
# of the one before, so the output has the film's 72 frames at 24000/1001,
# each the frame FFmpeg's fieldmatch and decimate give for the whole file
# (its lowest PSNR against that, frame by frame, is far above its PSNR
# against the same frames one off).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 7
need_tools
need_distenc

src=$T/in/telecined.mkv
dst=$T/out/telecined.mkv
mkdir -p "$T/in"
corpus_telecined "$T/in" 2>"$T/ffmpeg.err"
write_conf "$T/chunked.conf" ultrafast 3000 'inherit = "hevc-chunked";
    min_chunk_length = 8; max_chunk_length = 12;'
echo "work_dir = \"$T/work\";" >>"$T/chunked.conf"
run_distenc -c "$T/chunked.conf" -i "$src" -o "$T/out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0 (each chunk and the whole verified)"
is "$(probe_stream "$dst" v:0 r_frame_rate)/$(frame_count "$dst")" \
    24000/1001/72 "72 frames at 23.976 fps: the film's own"
de_all >"$T/all.txt"
grep_ok "$T/all.txt" 'inverse telecine \(fieldmatch, decimate\) to 23\.976 fps' \
    "the log says the pulldown is undone"
starts=$(sed -n 's/.*chunk [0-9]* of [0-9]*: encoding frames \([0-9]*\)-.*/\1/p' \
    "$T/all.txt" | sort -n | tr '\n' ' ')
diag "chunks start at frames: $starts"
ok "several chunks, each starting on a cycle of 5 frames" awk -v s="$starts" \
    'BEGIN { n = split(s, a, " "); for (i = 1; i <= n; i++) if (a[i] % 5) exit 1; exit !(n >= 4) }'
grep_ok "$T/all.txt" 'plan: chunks start on cycles of 5 frames' \
    "the plan says why"

# The whole file's inverse telecine, as FFmpeg does it in one go.
ffmpeg -nostdin -v error -y -i "$src" -vf \
    "fieldmatch=order=auto:combmatch=full,bwdif=mode=send_frame:deint=interlaced,decimate" \
    -c:v ffv1 "$T/ref.mkv" 2>>"$T/ffmpeg.err"
ffmpeg -nostdin -v error -y -i "$T/ref.mkv" -vf "trim=start_frame=1" \
    -c:v ffv1 "$T/ref1.mkv" 2>>"$T/ffmpeg.err"
lo=$(min_psnr "$dst" "$T/ref.mkv")
off=$(ffmpeg -nostdin -i "$dst" -i "$T/ref1.mkv" -lavfi psnr -f null - 2>&1 |
    sed -n 's/.*PSNR.*average:\([0-9.inf]*\).*/\1/p')
diag "lowest PSNR of a frame against FFmpeg's: $lo dB; against it one frame off: $off dB"
ok "every frame is the whole film's (lowest PSNR $lo dB, one off $off dB)" \
    awk -v l="$lo" -v o="$off" 'BEGIN { exit !(l != "" && o != "" && l > o + 6) }'
is "$(find "$T/work" -type f 2>/dev/null | wc -l | tr -d ' ')" 0 \
    "the work directory is emptied"
