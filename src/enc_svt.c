/*
 * The SVT-AV1 encoder through its C API: a preset (enc_mode), constant
 * rate factor, film grain synthesis by its denoising strength, threads as
 * its logical processors, closed GOPs with a key frame at most every ten
 * seconds (and one at the start of every chunk, as each chunk is an
 * encoder of its own), the profile's own SvtAv1EncApp-style options; 8 and
 * 10 bit.  The colour description and HDR10 static metadata (mastering
 * display, content light level) go into the sequence header and the
 * metadata OBUs the library writes on key frames.
 */
#include "config.h"

#include <arpa/inet.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <EbSvtAv1Enc.h>

#include "enc.h"
#include "log.h"
#include "xmalloc.h"

struct encoder {
	EbComponentType			*h;
	int				 inited;	/* svt_av1_enc_init done */
	EbSvtAv1EncConfiguration	 cfg;
	EbSvtIOFormat			 io;
	EbBufferHeaderType		 in;
	int				 depth;
	int				 flushing;
	int				 done;
	uint8_t				*buf;
	size_t				 bufsz;
	uint8_t				*hdr;
	int				 hdrsz;
};

/* An SVT-AV1 failure as a cause. */
static int
svt_fail(const char *what, EbErrorType err, char **cause)
{
	xasprintf(cause, "svt: %s (error 0x%x)", what, (unsigned int)err);
	return -1;
}

/* One SvtAv1EncApp-style option, "name" and "value". */
static int
svt_option(struct encoder *e, const char *name, const char *value,
    char **cause)
{
	if (svt_av1_enc_parse_parameter(&e->cfg, name, value) == EB_ErrorNone)
		return 0;
	xasprintf(cause, "svt: bad option %s=%s", name, value);
	return -1;
}

/* A rational as an unsigned fixed-point number with frac bits. */
static uint32_t
svt_fixed(AVRational q, int frac, uint32_t max)
{
	double	v = q.den != 0 ? av_q2d(q) * (1 << frac) : 0;

	return v <= 0 ? 0 : v >= max ? max : (uint32_t)lrint(v);
}

/* A chromaticity as the library keeps it: 0.16 fixed point, big-endian. */
static void
svt_point(struct EbSvtAv1ChromaPoints *pt, const AVRational xy[2])
{
	pt->x = htons((uint16_t)svt_fixed(xy[0], 16, 0xffff));
	pt->y = htons((uint16_t)svt_fixed(xy[1], 16, 0xffff));
}

/* Colour description and HDR10 static metadata, when the source has them. */
static void
svt_colour(EbSvtAv1EncConfiguration *cfg, const struct media_info *mi)
{
	const AVMasteringDisplayMetadata	*m;
	struct EbSvtAv1MasteringDisplayInfo	*md = &cfg->mastering_display;

	if (mi == NULL)
		return;
	if (mi->primaries != AVCOL_PRI_UNSPECIFIED)
		cfg->color_primaries = (EbColorPrimaries)mi->primaries;
	if (mi->trc != AVCOL_TRC_UNSPECIFIED)
		cfg->transfer_characteristics =
		    (EbTransferCharacteristics)mi->trc;
	if (mi->space != AVCOL_SPC_UNSPECIFIED)
		cfg->matrix_coefficients = (EbMatrixCoefficients)mi->space;
	if (mi->range != AVCOL_RANGE_UNSPECIFIED)
		cfg->color_range = mi->range == AVCOL_RANGE_JPEG ?
		    EB_CR_FULL_RANGE : EB_CR_STUDIO_RANGE;
	/* The metadata OBUs' values, kept big-endian as written. */
	if (mi->has_mastering && mi->mastering.has_primaries &&
	    mi->mastering.has_luminance) {
		m = &mi->mastering;
		svt_point(&md->r, m->display_primaries[0]);
		svt_point(&md->g, m->display_primaries[1]);
		svt_point(&md->b, m->display_primaries[2]);
		svt_point(&md->white_point, m->white_point);
		md->max_luma = htonl(svt_fixed(m->max_luminance, 8,
		    0xffffffff));
		md->min_luma = htonl(svt_fixed(m->min_luminance, 14,
		    0xffffffff));
		cfg->high_dynamic_range_input = 1;
	}
	if (mi->has_cll) {
		cfg->content_light_level.max_cll = htons(mi->cll.MaxCLL);
		cfg->content_light_level.max_fall = htons(mi->cll.MaxFALL);
		cfg->high_dynamic_range_input = 1;
	}
}

/* The encoder's configuration over the library's defaults. */
static int
svt_config(struct encoder *e, const struct enc_params *ep, char **cause)
{
	const struct profile		*prof = ep->prof;
	EbSvtAv1EncConfiguration	*cfg = &e->cfg;
	int				 keyint;

	cfg->enc_mode = (int8_t)prof->svt_preset;
	cfg->source_width = ep->width;
	cfg->source_height = ep->height;
	cfg->frame_rate_numerator = ep->fps.num;
	cfg->frame_rate_denominator = ep->fps.den;
	cfg->encoder_bit_depth = ep->depth > 8 ? 10 : 8;
	cfg->encoder_color_format = EB_YUV420;
	cfg->profile = MAIN_PROFILE;
	cfg->rate_control_mode = SVT_AV1_RC_MODE_CQP_OR_CRF;
	cfg->qp = prof->svt_crf;
	cfg->film_grain_denoise_strength = prof->svt_film_grain;
	cfg->logical_processors = prof->threads;
	/* closed GOPs: every key frame a point to start decoding at */
	cfg->intra_refresh_type = SVT_AV1_KF_REFRESH;
	keyint = ep->fps.den > 0 ? 10 * ep->fps.num / ep->fps.den : 240;
	cfg->intra_period_length = keyint > 1 ? keyint - 1 : 1;
	svt_colour(cfg, ep->mi);
	return enc_set_params(e, prof->svt_params, svt_option, cause);
}

/* Keep the sequence header for the container (av1C). */
static int
svt_keep_headers(struct encoder *e, char **cause)
{
	EbBufferHeaderType	*seq = NULL;
	EbErrorType		 err;

	if ((err = svt_av1_enc_stream_header(e->h, &seq)) != EB_ErrorNone ||
	    seq == NULL)
		return svt_fail("no sequence header", err, cause);
	e->hdr = xcalloc(1, seq->n_filled_len + AV_INPUT_BUFFER_PADDING_SIZE);
	memcpy(e->hdr, seq->p_buffer, seq->n_filled_len);
	e->hdrsz = seq->n_filled_len;
	svt_av1_enc_stream_header_release(seq);
	return 0;
}

static void
svt_close(struct encoder *e)
{
	if (e == NULL)
		return;
	if (e->inited)
		svt_av1_enc_deinit(e->h);
	if (e->h != NULL)
		svt_av1_enc_deinit_handle(e->h);
	free(e->buf);
	free(e->hdr);
	free(e);
}

static struct encoder *
svt_open(const struct enc_params *ep, char **cause)
{
	struct encoder	*e;
	EbErrorType	 err;

	/* the library's own log: its warnings and errors, unless told */
	setenv("SVT_LOG", "2", 0);
	e = xcalloc(1, sizeof(*e));
	e->depth = ep->depth;
	if ((err = svt_av1_enc_init_handle(&e->h, e, &e->cfg)) !=
	    EB_ErrorNone) {
		e->h = NULL;
		svt_fail("cannot make an encoder", err, cause);
		goto fail;
	}
	if (svt_config(e, ep, cause) != 0)
		goto fail;
	if ((err = svt_av1_enc_set_parameter(e->h, &e->cfg)) !=
	    EB_ErrorNone) {
		xasprintf(cause, "svt: settings refused (preset %d, crf %d, "
		    "film grain %d, %dx%d, %d-bit; options \"%s\")",
		    ep->prof->svt_preset, ep->prof->svt_crf,
		    ep->prof->svt_film_grain, ep->width, ep->height,
		    ep->depth, ep->prof->svt_params);
		goto fail;
	}
	if ((err = svt_av1_enc_init(e->h)) != EB_ErrorNone) {
		svt_fail("cannot open the encoder", err, cause);
		goto fail;
	}
	e->inited = 1;
	if (svt_keep_headers(e, cause) != 0)
		goto fail;
	e->io.width = ep->width;
	e->io.height = ep->height;
	e->io.color_fmt = EB_YUV420;
	e->io.bit_depth = ep->depth > 8 ? EB_TEN_BIT : EB_EIGHT_BIT;
	e->in.size = sizeof(e->in);
	e->in.p_buffer = (uint8_t *)&e->io;
	e->in.n_alloc_len = sizeof(e->io);
	return e;
fail:
	svt_close(e);
	return NULL;
}

static int
svt_headers(struct encoder *e, const uint8_t **data, int *size)
{
	*data = e->hdr;
	*size = e->hdrsz;
	return 0;
}

/* A picture to the encoder; NULL: the end of the stream. */
static int
svt_send(struct encoder *e, const AVFrame *f, char **cause)
{
	EbBufferHeaderType	 eos;
	EbErrorType		 err;
	int			 bps = e->depth > 8 ? 2 : 1;

	if (f == NULL) {
		if (e->flushing)
			return 0;
		e->flushing = 1;
		memset(&eos, 0, sizeof(eos));
		eos.size = sizeof(eos);
		eos.flags = EB_BUFFERFLAG_EOS;
		eos.pic_type = EB_AV1_INVALID_PICTURE;
		if ((err = svt_av1_enc_send_picture(e->h, &eos)) !=
		    EB_ErrorNone)
			return svt_fail("cannot end the stream", err, cause);
		return 0;
	}
	e->io.luma = f->data[0];
	e->io.cb = f->data[1];
	e->io.cr = f->data[2];
	e->io.y_stride = f->linesize[0] / bps;
	e->io.cb_stride = f->linesize[1] / bps;
	e->io.cr_stride = f->linesize[2] / bps;
	e->in.n_filled_len = (uint32_t)(e->io.width * e->io.height * bps *
	    3 / 2);
	e->in.pts = f->pts;
	e->in.flags = 0;
	e->in.pic_type = EB_AV1_INVALID_PICTURE;	/* the encoder's choice */
	e->in.metadata = NULL;
	if ((err = svt_av1_enc_send_picture(e->h, &e->in)) != EB_ErrorNone)
		return svt_fail("encoding failed", err, cause);
	return 0;
}

/* Copy a compressed temporal unit out of the library's buffer. */
static void
svt_take(struct encoder *e, const EbBufferHeaderType *b,
    struct enc_packet *pkt)
{
	size_t	size = b->n_filled_len;

	if (size + AV_INPUT_BUFFER_PADDING_SIZE > e->bufsz) {
		e->bufsz = size + AV_INPUT_BUFFER_PADDING_SIZE;
		e->buf = xreallocarray(e->buf, 1, e->bufsz);
	}
	memcpy(e->buf, b->p_buffer, size);
	memset(e->buf + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
	pkt->data = e->buf;
	pkt->size = (int)size;
	pkt->pts = b->pts;
	pkt->dts = b->pts;
	pkt->key = b->pic_type == EB_AV1_KEY_PICTURE;
}

/*
 * 1 with a packet, 0 when more input is needed or all is drained.  Once
 * the end is sent, the library is waited for until its last packet.
 */
static int
svt_receive(struct encoder *e, struct enc_packet *pkt, char **cause)
{
	EbBufferHeaderType	*b = NULL;
	EbErrorType		 err;
	int			 got;

	for (;;) {
		if (e->done)
			return 0;
		err = svt_av1_enc_get_packet(e->h, &b, (uint8_t)e->flushing);
		if (err == EB_NoErrorEmptyQueue)
			return 0;
		if (err != EB_ErrorNone || b == NULL)
			return svt_fail("no packet", err, cause);
		if ((b->flags & EB_BUFFERFLAG_ERROR_MASK) != 0) {
			svt_av1_enc_release_out_buffer(&b);
			xasprintf(cause, "svt: encoding failed");
			return -1;
		}
		if ((b->flags & EB_BUFFERFLAG_EOS) != 0)
			e->done = 1;
		got = b->n_filled_len > 0;
		if (got)
			svt_take(e, b, pkt);
		svt_av1_enc_release_out_buffer(&b);
		if (got)
			return 1;
	}
}

/* SVT-AV1 encodes at a constant rate factor: no bitrate to aim at. */
static int
svt_settings(const struct profile *prof, int depth, int kbps)
{
	(void)kbps;
	log_info("video: svt preset %d, crf %d, film grain %d, %d-bit%s%s",
	    prof->svt_preset, prof->svt_crf, prof->svt_film_grain, depth,
	    *prof->svt_params != '\0' ? ", " : "", prof->svt_params);
	return 0;
}

const struct enc_ops enc_svt_ops = {
	"svt",
	AV_CODEC_ID_AV1,
	svt_settings,
	svt_open,
	svt_headers,
	svt_send,
	svt_receive,
	svt_close
};
