/*
 * Text subtitles that Matroska cannot hold (MP4's mov_text, tx3g), made
 * SRT: each packet decoded by libavcodec and encoded again as subrip,
 * with its timestamps and duration as they were.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

#define SUBCONV_BUF	(256 * 1024)

struct subconv {
	AVCodecContext	*dec;
	AVCodecContext	*enc;
	uint8_t		*buf;
};

/* The subrip encoder, with the decoder's header (its styles). */
static AVCodecContext *
subconv_encoder_open(const AVStream *st, const AVCodecContext *dec,
    char **cause)
{
	const AVCodec	*codec;
	AVCodecContext	*enc;
	int		 ret;

	if ((codec = avcodec_find_encoder(AV_CODEC_ID_SUBRIP)) == NULL) {
		xasprintf(cause, "no SRT (subrip) encoder in libavcodec");
		return NULL;
	}
	if ((enc = avcodec_alloc_context3(codec)) == NULL)
		fatalx("avcodec_alloc_context3");
	enc->time_base = st->time_base;
	if (dec->subtitle_header_size > 0) {
		enc->subtitle_header = av_mallocz(dec->subtitle_header_size +
		    1);
		if (enc->subtitle_header == NULL)
			fatalx("av_mallocz");
		memcpy(enc->subtitle_header, dec->subtitle_header,
		    dec->subtitle_header_size);
		enc->subtitle_header_size = dec->subtitle_header_size;
	}
	if ((ret = avcodec_open2(enc, codec, NULL)) < 0) {
		xasprintf(cause, "cannot open the SRT encoder: %s",
		    media_error(ret));
		avcodec_free_context(&enc);
	}
	return enc;
}

/* A converter for subtitle stream st; NULL with a cause. */
struct subconv *
subconv_new(const AVStream *st, char **cause)
{
	struct subconv	*sc;
	char		*err = NULL;

	sc = xcalloc(1, sizeof(*sc));
	if ((sc->dec = media_decoder((AVStream *)st, 1, &err)) == NULL ||
	    (sc->enc = subconv_encoder_open(st, sc->dec, &err)) == NULL) {
		xasprintf(cause, "subtitle stream %d (%s) to SRT: %s",
		    st->index, avcodec_get_name(st->codecpar->codec_id), err);
		free(err);
		subconv_free(sc);
		return NULL;
	}
	sc->buf = xmalloc(SUBCONV_BUF);
	return sc;
}

const AVCodecContext *
subconv_encoder(const struct subconv *sc)
{
	return sc->enc;
}

/*
 * Convert one packet; each SRT packet made goes to out(arg, packet), its
 * timestamps in the source stream's time base.  A packet with no text (a
 * gap between two subtitles) makes none.
 */
int
subconv_packet(struct subconv *sc, AVPacket *pkt,
    int (*out)(void *, AVPacket *), void *arg, char **cause)
{
	AVSubtitle	 sub;
	AVPacket	*srt;
	int		 got = 0, n, rv;

	if ((n = avcodec_decode_subtitle2(sc->dec, &sub, &got, pkt)) < 0) {
		xasprintf(cause, "decoding subtitles: %s", media_error(n));
		return -1;
	}
	if (!got)
		return 0;
	if (sub.num_rects == 0) {
		avsubtitle_free(&sub);
		return 0;
	}
	n = avcodec_encode_subtitle(sc->enc, sc->buf, SUBCONV_BUF, &sub);
	avsubtitle_free(&sub);
	if (n < 0) {
		xasprintf(cause, "encoding SRT subtitles: %s", media_error(n));
		return -1;
	}
	if ((srt = av_packet_alloc()) == NULL || av_new_packet(srt, n) < 0)
		fatalx("av_new_packet");
	memcpy(srt->data, sc->buf, n);
	srt->pts = pkt->pts;
	srt->dts = pkt->pts;
	srt->duration = pkt->duration;
	srt->flags |= AV_PKT_FLAG_KEY;
	rv = out(arg, srt);
	av_packet_free(&srt);
	return rv;
}

void
subconv_free(struct subconv *sc)
{
	if (sc == NULL)
		return;
	avcodec_free_context(&sc->dec);
	avcodec_free_context(&sc->enc);
	free(sc->buf);
	free(sc);
}
