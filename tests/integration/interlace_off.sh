#!/bin/sh
#
# deinterlace = "off": an interlaced source is encoded as it is, not
# deinterlaced (its output is closer to the source than to FFmpeg's bwdif
# of it), and is not even sampled for interlacing.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/interlace_lib.sh"
. "$top_srcdir/tests/corpus.sh"

plan 3
need_tools
need_distenc

src=$T/in/interlaced.mkv
dst=$T/out/interlaced.mkv
mkdir -p "$T/in"
corpus_interlaced "$T/in" 2>"$T/ffmpeg.err"

write_conf "$T/off.conf" ultrafast 1000 'deinterlace = "off";'
run_distenc -c "$T/off.conf" -i "$src" -o "$T/out" -s "$T/stats"
is "$DE_RC" 0 "distenc exits 0"
bwdif_psnr "$src" "$dst"
ok "not deinterlaced (PSNR $SRC_DB dB against the source, $BWDIF_DB dB against bwdif)" \
    awk -v d="$BWDIF_DB" -v o="$SRC_DB" 'BEGIN { exit !(o > d + 5) }'
de_all >"$T/all.txt"
ok "no interlacing decision in the log" \
    sh -c "! grep -q 'interlace: ' '$T/all.txt'"
