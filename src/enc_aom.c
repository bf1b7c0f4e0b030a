/*
 * The libaom AV1 encoder through its C API: good-quality mode, constant
 * quality (end-usage=q, cq-level), cpu-used, lag-in-frames, tiles, row-mt,
 * threads, film grain by denoising noise level or from a grain table, the
 * profile's named preset and its own aomenc-style options; 8 and 10 bit.
 * HDR10 static metadata goes into the bitstream too, as metadata OBUs on
 * every key frame, so that each chunk carries it.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <aom/aom_encoder.h>
#include <aom/aomcx.h>

#include "enc.h"
#include "log.h"
#include "xmalloc.h"

struct encoder {
	aom_codec_ctx_t		 ctx;
	int			 inited;
	aom_image_t		 img;
	int			 depth;
	int64_t			 duration;	/* of a frame, in tb */
	int			 flushing;
	int			 done;
	aom_codec_iter_t	 iter;
	uint8_t			*buf;
	size_t			 bufsz;
	uint8_t			*hdr;
	int			 hdrsz;
};

/* A libaom failure as a cause, with its detail. */
static int
aom_fail(struct encoder *e, const char *what, char **cause)
{
	const char	*detail = aom_codec_error_detail(&e->ctx);

	xasprintf(cause, "aom: %s: %s%s%s", what, aom_codec_error(&e->ctx),
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	return -1;
}

/* One aomenc-style option, "name" and "value". */
static int
aom_option(struct encoder *e, const char *name, const char *value,
    char **cause)
{
	if (aom_codec_set_option(&e->ctx, name, value) == AOM_CODEC_OK)
		return 0;
	xasprintf(cause, "aom: bad option %s=%s: %s", name, value,
	    aom_codec_error_detail(&e->ctx) != NULL ?
	    aom_codec_error_detail(&e->ctx) : aom_codec_error(&e->ctx));
	return -1;
}

/* Apply a "key=value:key=value" string of aomenc options. */
static int
aom_options(struct encoder *e, const char *params, char **cause)
{
	return enc_set_params(e, params, aom_option, cause);
}

/* The encoder's configuration before it is opened. */
static int
aom_config(aom_codec_enc_cfg_t *cfg, const struct enc_params *ep,
    char **cause)
{
	const struct profile	*prof = ep->prof;
	aom_codec_err_t		 err;

	err = aom_codec_enc_config_default(aom_codec_av1_cx(), cfg,
	    AOM_USAGE_GOOD_QUALITY);
	if (err != AOM_CODEC_OK) {
		xasprintf(cause, "aom: no default configuration: %s",
		    aom_codec_err_to_string(err));
		return -1;
	}
	cfg->g_w = ep->width;
	cfg->g_h = ep->height;
	cfg->g_timebase.num = ep->tb.num;
	cfg->g_timebase.den = ep->tb.den;
	cfg->g_threads = prof->threads;
	cfg->g_lag_in_frames = prof->lag_in_frames;
	cfg->g_pass = AOM_RC_ONE_PASS;
	cfg->rc_end_usage = AOM_Q;
	cfg->g_bit_depth = ep->depth > 8 ? AOM_BITS_10 : AOM_BITS_8;
	cfg->g_input_bit_depth = ep->depth;
	cfg->g_profile = 0;		/* main: 4:2:0, 8 or 10 bit */
	cfg->kf_mode = AOM_KF_AUTO;
	cfg->kf_min_dist = 0;
	cfg->kf_max_dist = ep->fps.den > 0 ? 10 * ep->fps.num / ep->fps.den :
	    240;
	if (ep->frames > 0)
		cfg->g_limit = ep->frames;
	return 0;
}

/* Colour description, when the source has one. */
static int
aom_colour(struct encoder *e, const struct media_info *mi, char **cause)
{
	if (mi == NULL)
		return 0;
	if ((mi->primaries != AVCOL_PRI_UNSPECIFIED &&
	    aom_codec_control(&e->ctx, AV1E_SET_COLOR_PRIMARIES,
	    (int)mi->primaries) != AOM_CODEC_OK) ||
	    (mi->trc != AVCOL_TRC_UNSPECIFIED &&
	    aom_codec_control(&e->ctx, AV1E_SET_TRANSFER_CHARACTERISTICS,
	    (int)mi->trc) != AOM_CODEC_OK) ||
	    (mi->space != AVCOL_SPC_UNSPECIFIED &&
	    aom_codec_control(&e->ctx, AV1E_SET_MATRIX_COEFFICIENTS,
	    (int)mi->space) != AOM_CODEC_OK) ||
	    (mi->range != AVCOL_RANGE_UNSPECIFIED &&
	    aom_codec_control(&e->ctx, AV1E_SET_COLOR_RANGE,
	    mi->range == AVCOL_RANGE_JPEG) != AOM_CODEC_OK))
		return aom_fail(e, "colour description", cause);
	return 0;
}

/* Put a big-endian value of n bytes at p. */
static uint8_t *
aom_put(uint8_t *p, uint32_t v, int n)
{
	while (n-- > 0)
		*p++ = (uint8_t)(v >> (8 * n));
	return p;
}

/* A rational as an unsigned fixed-point number with frac bits. */
static uint32_t
aom_fixed(AVRational q, int frac, uint32_t max)
{
	double	v = q.den != 0 ? av_q2d(q) * (1 << frac) : 0;

	return v <= 0 ? 0 : v >= max ? max : (uint32_t)lrint(v);
}

/*
 * The source's HDR10 static metadata as AV1 metadata OBUs (mastering
 * display colour volume, content light level), on every key frame.
 */
static int
aom_hdr(struct encoder *e, const struct media_info *mi, char **cause)
{
	const AVMasteringDisplayMetadata	*m;
	uint8_t					 buf[24], *p;
	int					 i;

	if (mi != NULL && mi->has_mastering && mi->mastering.has_primaries &&
	    mi->mastering.has_luminance) {
		m = &mi->mastering;
		p = buf;
		for (i = 0; i < 3; i++) {	/* red, green, blue */
			p = aom_put(p, aom_fixed(m->display_primaries[i][0],
			    16, 0xffff), 2);
			p = aom_put(p, aom_fixed(m->display_primaries[i][1],
			    16, 0xffff), 2);
		}
		p = aom_put(p, aom_fixed(m->white_point[0], 16, 0xffff), 2);
		p = aom_put(p, aom_fixed(m->white_point[1], 16, 0xffff), 2);
		p = aom_put(p, aom_fixed(m->max_luminance, 8, 0xffffffff), 4);
		aom_put(p, aom_fixed(m->min_luminance, 14, 0xffffffff), 4);
		if (aom_img_add_metadata(&e->img, OBU_METADATA_TYPE_HDR_MDCV,
		    buf, 24, AOM_MIF_KEY_FRAME) != 0)
			goto fail;
	}
	if (mi != NULL && mi->has_cll) {
		p = aom_put(buf, mi->cll.MaxCLL, 2);
		aom_put(p, mi->cll.MaxFALL, 2);
		if (aom_img_add_metadata(&e->img, OBU_METADATA_TYPE_HDR_CLL,
		    buf, 4, AOM_MIF_KEY_FRAME) != 0)
			goto fail;
	}
	return 0;
fail:
	xasprintf(cause, "aom: cannot add HDR10 metadata");
	return -1;
}

/* Quality, speed, tiles, film grain; then the preset and own options. */
static int
aom_controls(struct encoder *e, const struct enc_params *ep, char **cause)
{
	const struct profile	*prof = ep->prof;
	const char		*preset;

	if (aom_codec_control(&e->ctx, AOME_SET_CPUUSED, prof->cpu_used) ||
	    aom_codec_control(&e->ctx, AOME_SET_CQ_LEVEL,
	    (unsigned int)prof->q) ||
	    aom_codec_control(&e->ctx, AV1E_SET_ROW_MT,
	    (unsigned int)prof->row_mt) ||
	    aom_codec_control(&e->ctx, AV1E_SET_TILE_COLUMNS,
	    (unsigned int)prof->tile_columns) ||
	    aom_codec_control(&e->ctx, AV1E_SET_TILE_ROWS,
	    (unsigned int)prof->tile_rows))
		return aom_fail(e, "cannot set quality and speed", cause);
	if (*prof->grain_table != '\0') {
		if (aom_codec_control(&e->ctx, AV1E_SET_FILM_GRAIN_TABLE,
		    prof->grain_table) != AOM_CODEC_OK)
			return aom_fail(e, "film grain table", cause);
	} else if (prof->noise_level > 0 &&
	    aom_codec_control(&e->ctx, AV1E_SET_DENOISE_NOISE_LEVEL,
	    prof->noise_level) != AOM_CODEC_OK)
		return aom_fail(e, "noise level", cause);
	if (aom_colour(e, ep->mi, cause) != 0)
		return -1;
	if ((preset = conf_aom_preset(prof->aom_preset)) == NULL) {
		xasprintf(cause, "aom: no preset %s", prof->aom_preset);
		return -1;
	}
	if (aom_options(e, preset, cause) != 0 ||
	    aom_options(e, prof->aom_params, cause) != 0)
		return -1;
	return 0;
}

/* Keep the sequence header for the container (av1C). */
static int
aom_keep_headers(struct encoder *e, char **cause)
{
	aom_fixed_buf_t	*seq;

	if ((seq = aom_codec_get_global_headers(&e->ctx)) == NULL)
		return aom_fail(e, "no sequence header", cause);
	e->hdr = xcalloc(1, seq->sz + AV_INPUT_BUFFER_PADDING_SIZE);
	memcpy(e->hdr, seq->buf, seq->sz);
	e->hdrsz = seq->sz;
	free(seq->buf);
	free(seq);
	return 0;
}

static void
aom_close(struct encoder *e)
{
	if (e == NULL)
		return;
	if (e->inited)
		aom_codec_destroy(&e->ctx);
	aom_img_remove_metadata(&e->img);
	free(e->buf);
	free(e->hdr);
	free(e);
}

static struct encoder *
aom_open(const struct enc_params *ep, char **cause)
{
	struct encoder		*e;
	aom_codec_enc_cfg_t	 cfg;
	aom_img_fmt_t		 fmt;

	e = xcalloc(1, sizeof(*e));
	e->depth = ep->depth;
	e->duration = av_rescale_q(1, av_inv_q(ep->fps), ep->tb);
	if (e->duration < 1)
		e->duration = 1;
	if (aom_config(&cfg, ep, cause) != 0)
		goto fail;
	if (aom_codec_enc_init(&e->ctx, aom_codec_av1_cx(), &cfg,
	    ep->depth > 8 ? AOM_CODEC_USE_HIGHBITDEPTH : 0) != AOM_CODEC_OK) {
		aom_fail(e, "cannot open the encoder", cause);
		goto fail;
	}
	e->inited = 1;
	if (aom_controls(e, ep, cause) != 0 || aom_keep_headers(e, cause) != 0)
		goto fail;
	fmt = ep->depth > 8 ? AOM_IMG_FMT_I42016 : AOM_IMG_FMT_I420;
	if (aom_img_wrap(&e->img, fmt, ep->width, ep->height, 1,
	    (unsigned char *)1) == NULL) {
		xasprintf(cause, "aom: cannot describe %dx%d pictures",
		    ep->width, ep->height);
		goto fail;
	}
	e->img.bit_depth = ep->depth;
	if (aom_hdr(e, ep->mi, cause) != 0)
		goto fail;
	return e;
fail:
	aom_close(e);
	return NULL;
}

static int
aom_headers(struct encoder *e, const uint8_t **data, int *size)
{
	*data = e->hdr;
	*size = e->hdrsz;
	return 0;
}

static int
aom_send(struct encoder *e, const AVFrame *f, char **cause)
{
	int	i;

	if (f == NULL) {
		e->flushing = 1;	/* the last frame's packets stay */
		return 0;
	}
	e->iter = NULL;
	for (i = 0; i < 3; i++) {
		e->img.planes[i] = f->data[i];
		e->img.stride[i] = f->linesize[i];
	}
	if (aom_codec_encode(&e->ctx, &e->img, f->pts, e->duration, 0) !=
	    AOM_CODEC_OK)
		return aom_fail(e, "encoding failed", cause);
	return 0;
}

/* Copy a compressed temporal unit out of libaom's buffer. */
static void
aom_take(struct encoder *e, const aom_codec_cx_pkt_t *p,
    struct enc_packet *pkt)
{
	size_t	size = p->data.frame.sz;

	if (size + AV_INPUT_BUFFER_PADDING_SIZE > e->bufsz) {
		e->bufsz = size + AV_INPUT_BUFFER_PADDING_SIZE;
		e->buf = xreallocarray(e->buf, 1, e->bufsz);
	}
	memcpy(e->buf, p->data.frame.buf, size);
	memset(e->buf + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
	pkt->data = e->buf;
	pkt->size = size;
	pkt->pts = p->data.frame.pts;
	pkt->dts = p->data.frame.pts;
	pkt->key = (p->data.frame.flags & AOM_FRAME_IS_KEY) != 0;
}

/* 1 with a packet, 0 when more input is needed or all is drained. */
static int
aom_receive(struct encoder *e, struct enc_packet *pkt, char **cause)
{
	const aom_codec_cx_pkt_t	*p;

	for (;;) {
		while ((p = aom_codec_get_cx_data(&e->ctx, &e->iter)) != NULL)
			if (p->kind == AOM_CODEC_CX_FRAME_PKT) {
				aom_take(e, p, pkt);
				return 1;
			}
		if (!e->flushing || e->done)
			return 0;
		/* Draining: ask for more until a call gives nothing. */
		e->iter = NULL;
		if (aom_codec_encode(&e->ctx, NULL, 0, 0, 0) != AOM_CODEC_OK)
			return aom_fail(e, "flushing failed", cause);
		if ((p = aom_codec_get_cx_data(&e->ctx, &e->iter)) == NULL) {
			e->done = 1;
			return 0;
		}
		if (p->kind == AOM_CODEC_CX_FRAME_PKT) {
			aom_take(e, p, pkt);
			return 1;
		}
	}
}

/* libaom encodes at a constant quality: no bitrate to aim at. */
static int
aom_settings(const struct profile *prof, int depth, int kbps)
{
	(void)kbps;
	log_info("video: aom cq-level %d, cpu-used %d, preset %s, %d-bit",
	    prof->q, prof->cpu_used, prof->aom_preset, depth);
	return 0;
}

const struct enc_ops enc_aom_ops = {
	"aom",
	AV_CODEC_ID_AV1,
	aom_settings,
	aom_open,
	aom_headers,
	aom_send,
	aom_receive,
	aom_close
};

