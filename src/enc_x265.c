/*
 * The x265 encoder through its C API: preset, tune and params from the
 * profile, two-pass ABR with a stats file, colour description and HDR10
 * static metadata written to the bitstream.
 */
#include "config.h"

#include <string.h>

#include <x265.h>

#include "enc.h"
#include "errcap.h"
#include "log.h"
#include "xmalloc.h"

struct encoder {
	const x265_api	*api;
	x265_param	*param;
	x265_encoder	*enc;
	x265_picture	*pic;
	int		 depth;
	int		 flushing;
	int		 done;
	uint8_t		*buf;		/* one packet's NAL units */
	size_t		 bufsz;
	int		 pending;	/* a packet waits in buf */
	struct enc_packet pkt;
	uint8_t		*hdr;
	int		 hdrsz;
};

/* Set one x265 option, with an error that names it. */
static int
x265_set(struct encoder *e, const char *key, const char *value, char **cause)
{
	int	ret;

	ret = e->api->param_parse(e->param, key, value);
	if (ret == X265_PARAM_BAD_NAME) {
		xasprintf(cause, "x265: unknown option %s", key);
		return -1;
	}
	if (ret == X265_PARAM_BAD_VALUE) {
		xasprintf(cause, "x265: bad value for %s: %s", key, value);
		return -1;
	}
	return 0;
}

/* Apply the profile's "key=value:key=value" params string. */
static int
x265_set_params(struct encoder *e, const char *params, char **cause)
{
	return enc_set_params(e, params, x265_set, cause);
}

/* Colour description and HDR10 metadata from the source. */
static int
x265_set_colour(struct encoder *e, const struct media_info *mi, char **cause)
{
	const AVMasteringDisplayMetadata *m = &mi->mastering;
	x265_param	*p = e->param;
	char		 buf[256];

	if (mi->primaries != AVCOL_PRI_UNSPECIFIED ||
	    mi->trc != AVCOL_TRC_UNSPECIFIED ||
	    mi->space != AVCOL_SPC_UNSPECIFIED ||
	    mi->range != AVCOL_RANGE_UNSPECIFIED) {
		p->vui.bEnableVideoSignalTypePresentFlag = 1;
		p->vui.bEnableColorDescriptionPresentFlag = 1;
		p->vui.colorPrimaries = mi->primaries;
		p->vui.transferCharacteristics = mi->trc;
		p->vui.matrixCoeffs = mi->space;
		p->vui.bEnableVideoFullRangeFlag = mi->range == AVCOL_RANGE_JPEG;
	}
	if (mi->sar.num > 0 && mi->sar.num != mi->sar.den) {
		/* Anamorphic pictures keep their shape on any player. */
		p->vui.aspectRatioIdc = X265_EXTENDED_SAR;
		p->vui.sarWidth = mi->sar.num;
		p->vui.sarHeight = mi->sar.den;
	}
	if (mi->has_mastering && m->has_primaries && m->has_luminance) {
		snprintf(buf, sizeof(buf), "G(%d,%d)B(%d,%d)R(%d,%d)"
		    "WP(%d,%d)L(%lld,%lld)",
		    (int)lrint(av_q2d(m->display_primaries[1][0]) * 50000),
		    (int)lrint(av_q2d(m->display_primaries[1][1]) * 50000),
		    (int)lrint(av_q2d(m->display_primaries[2][0]) * 50000),
		    (int)lrint(av_q2d(m->display_primaries[2][1]) * 50000),
		    (int)lrint(av_q2d(m->display_primaries[0][0]) * 50000),
		    (int)lrint(av_q2d(m->display_primaries[0][1]) * 50000),
		    (int)lrint(av_q2d(m->white_point[0]) * 50000),
		    (int)lrint(av_q2d(m->white_point[1]) * 50000),
		    (long long)llrint(av_q2d(m->max_luminance) * 10000),
		    (long long)llrint(av_q2d(m->min_luminance) * 10000));
		if (x265_set(e, "master-display", buf, cause) != 0)
			return -1;
	}
	if (mi->has_cll) {
		snprintf(buf, sizeof(buf), "%u,%u", mi->cll.MaxCLL,
		    mi->cll.MaxFALL);
		if (x265_set(e, "max-cll", buf, cause) != 0)
			return -1;
	}
	if (mi->has_mastering || mi->has_cll)
		return x265_set(e, "hdr10", "1", cause);
	return 0;
}

/*
 * Constant quality in one pass: crf, and when the source caps the rate
 * (kbps not 0) a VBV maximum of that rate with a two-second buffer.
 */
static int
x265_set_crf(struct encoder *e, const struct enc_params *ep, char **cause)
{
	char	buf[32];

	snprintf(buf, sizeof(buf), "%g", ep->prof->crf);
	if (x265_set(e, "crf", buf, cause) != 0)
		return -1;
	if (ep->kbps <= 0)
		return 0;
	snprintf(buf, sizeof(buf), "%d", ep->kbps);
	if (x265_set(e, "vbv-maxrate", buf, cause) != 0)
		return -1;
	snprintf(buf, sizeof(buf), "%d", ep->kbps * 2);
	return x265_set(e, "vbv-bufsize", buf, cause);
}

/*
 * Pass 1's depth (x265's fast first pass or its slow one) and what pass 2
 * reuses of it through the analysis file beside the stats: both passes
 * must name the same file and the same reuse.
 */
static int
x265_set_passes(struct encoder *e, const struct enc_params *ep, char **cause)
{
	enum pass_reuse	r = ep->prof->pass_reuse;

	if (x265_set(e, "slow-firstpass", ep->prof->fast_firstpass ? "0" :
	    "1", cause) != 0)
		return -1;
	if (ep->analysis == NULL || r == PASS_REUSE_NONE)
		return 0;
	if (x265_set(e, "analysis-reuse-file", ep->analysis, cause) != 0)
		return -1;
	if ((r == PASS_REUSE_ANALYSIS || r == PASS_REUSE_BOTH) &&
	    x265_set(e, "multi-pass-opt-analysis", "1", cause) != 0)
		return -1;
	if ((r == PASS_REUSE_DISTORTION || r == PASS_REUSE_BOTH) &&
	    x265_set(e, "multi-pass-opt-distortion", "1", cause) != 0)
		return -1;
	return 0;
}

/* Rate control: two-pass ABR with the stats file, or constant quality. */
static int
x265_set_rate(struct encoder *e, const struct enc_params *ep, char **cause)
{
	char	buf[32];

	if (ep->prof->rate_control == RC_CRF)
		return x265_set_crf(e, ep, cause);
	snprintf(buf, sizeof(buf), "%d", ep->kbps);
	if (x265_set(e, "bitrate", buf, cause) != 0)
		return -1;
	if (ep->pass == 0)
		return 0;
	snprintf(buf, sizeof(buf), "%d", ep->pass);
	if (x265_set(e, "pass", buf, cause) != 0 ||
	    x265_set(e, "stats", ep->stats, cause) != 0)
		return -1;
	return x265_set_passes(e, ep, cause);
}

/* Build the parameter set from the profile and the source. */
static int
x265_setup(struct encoder *e, const struct enc_params *ep, char **cause)
{
	const struct profile	*prof = ep->prof;
	x265_param		*p = e->param;
	char			 buf[32];

	if (e->api->param_default_preset(p, prof->preset,
	    *prof->tune != '\0' ? prof->tune : NULL) < 0) {
		xasprintf(cause, "x265: bad preset %s or tune %s",
		    prof->preset, prof->tune);
		return -1;
	}
	p->logLevel = log_getverbose() > 1 ? X265_LOG_INFO : X265_LOG_ERROR;
	p->sourceWidth = ep->width;
	p->sourceHeight = ep->height;
	p->fpsNum = ep->fps.num;
	p->fpsDenom = ep->fps.den;
	p->internalCsp = X265_CSP_I420;
	p->internalBitDepth = ep->depth;
	p->totalFrames = ep->frames;
	p->bRepeatHeaders = 0;
	p->bAnnexB = 1;
	snprintf(buf, sizeof(buf), "%d", prof->threads);
	if (x265_set(e, "pools", buf, cause) != 0 ||
	    x265_set_colour(e, ep->mi, cause) != 0 ||
	    x265_set_rate(e, ep, cause) != 0 ||
	    x265_set_params(e, prof->x265_params, cause) != 0)
		return -1;
	if (e->api->param_apply_profile(p, ep->depth > 8 ? "main10" :
	    "main") < 0) {
		xasprintf(cause, "x265: cannot apply profile main%s",
		    ep->depth > 8 ? "10" : "");
		return -1;
	}
	return 0;
}

/* Keep the stream headers (VPS, SPS, PPS) for the container. */
static int
x265_keep_headers(struct encoder *e, char **cause)
{
	x265_nal	*nal;
	uint32_t	 n, i;
	int		 size = 0;

	if (e->api->encoder_headers(e->enc, &nal, &n) < 0) {
		xasprintf(cause, "x265: cannot make stream headers");
		return -1;
	}
	for (i = 0; i < n; i++)
		size += nal[i].sizeBytes;
	e->hdr = xcalloc(1, size + AV_INPUT_BUFFER_PADDING_SIZE);
	for (i = 0, e->hdrsz = 0; i < n; i++) {
		memcpy(e->hdr + e->hdrsz, nal[i].payload, nal[i].sizeBytes);
		e->hdrsz += nal[i].sizeBytes;
	}
	return 0;
}

static void
x265_close(struct encoder *e)
{
	if (e == NULL)
		return;
	if (e->enc != NULL)
		e->api->encoder_close(e->enc);
	if (e->pic != NULL)
		e->api->picture_free(e->pic);
	if (e->param != NULL)
		e->api->param_free(e->param);
	free(e->buf);
	free(e->hdr);
	free(e);
}

/* x265 takes no picture smaller than one coding tree unit (CTU). */
static int
x265_size_check(const struct encoder *e, char **cause)
{
	const x265_param	*p = e->param;

	if (p->sourceWidth >= (int)p->maxCUSize &&
	    p->sourceHeight >= (int)p->maxCUSize)
		return 0;
	xasprintf(cause, "the picture (%dx%d) is too small for x265: it "
	    "must be at least one coding tree unit, %ux%u (x265: \"Picture "
	    "size must be at least one CTU\")", p->sourceWidth,
	    p->sourceHeight, p->maxCUSize, p->maxCUSize);
	return -1;
}

/*
 * Open the encoder.  x265 says why it cannot only on stderr: that line is
 * caught for the reason (and still reaches stderr).
 */
static int
x265_encoder_start(struct encoder *e, const struct enc_params *ep,
    char **cause)
{
	struct errcap	 ec;
	const char	*why;
	char		*said;

	errcap_begin(&ec);
	e->enc = e->api->encoder_open(e->param);
	said = errcap_end(&ec, "[error]");
	if (e->enc != NULL) {
		free(said);
		return 0;
	}
	why = said != NULL ? said : "no reason given";
	if (strncmp(why, "x265 [error]: ", 14) == 0)
		why += 14;
	if (ep->pass != 0)
		xasprintf(cause, "x265: cannot open the encoder for pass %d: "
		    "%s (stats file %s)", ep->pass, why, ep->stats);
	else
		xasprintf(cause, "x265: cannot open the encoder: %s", why);
	free(said);
	return -1;
}

static struct encoder *
x265_open(const struct enc_params *ep, char **cause)
{
	struct encoder	*e;

	e = xcalloc(1, sizeof(*e));
	e->depth = ep->depth;
	if ((e->api = x265_api_get(ep->depth)) == NULL) {
		xasprintf(cause, "x265: this libx265 has no %d-bit encoder",
		    ep->depth);
		goto fail;
	}
	if ((e->param = e->api->param_alloc()) == NULL)
		fatalx("x265 param_alloc");
	if (x265_setup(e, ep, cause) != 0 || x265_size_check(e, cause) != 0)
		goto fail;
	if (x265_encoder_start(e, ep, cause) != 0)
		goto fail;
	if ((e->pic = e->api->picture_alloc()) == NULL)
		fatalx("x265 picture_alloc");
	e->api->picture_init(e->param, e->pic);
	if (x265_keep_headers(e, cause) != 0)
		goto fail;
	return e;
fail:
	x265_close(e);
	return NULL;
}

static int
x265_headers(struct encoder *e, const uint8_t **data, int *size)
{
	*data = e->hdr;
	*size = e->hdrsz;
	return 0;
}

/* Gather the NAL units of one encoded picture into the packet buffer. */
static void
x265_take(struct encoder *e, x265_nal *nal, uint32_t n, x265_picture *out)
{
	size_t		size = 0, off = 0;
	uint32_t	i;

	for (i = 0; i < n; i++)
		size += nal[i].sizeBytes;
	if (size + AV_INPUT_BUFFER_PADDING_SIZE > e->bufsz) {
		e->bufsz = size + AV_INPUT_BUFFER_PADDING_SIZE;
		e->buf = xreallocarray(e->buf, 1, e->bufsz);
	}
	for (i = 0; i < n; i++) {
		memcpy(e->buf + off, nal[i].payload, nal[i].sizeBytes);
		off += nal[i].sizeBytes;
	}
	memset(e->buf + off, 0, AV_INPUT_BUFFER_PADDING_SIZE);
	e->pkt.data = e->buf;
	e->pkt.size = size;
	e->pkt.pts = out->pts;
	e->pkt.dts = out->dts;
	e->pkt.key = IS_X265_TYPE_I(out->sliceType);
	e->pending = 1;
}

/* Run the encoder on one picture (NULL to drain). */
static int
x265_step(struct encoder *e, x265_picture *in, char **cause)
{
	x265_picture	 out;
	x265_nal	*nal;
	uint32_t	 n;
	int		 ret;

	e->api->picture_init(e->param, &out);
	ret = e->api->encoder_encode(e->enc, &nal, &n, in, &out);
	if (ret < 0) {
		xasprintf(cause, "x265: encoding failed");
		return -1;
	}
	if (ret == 0 && in == NULL)
		e->done = 1;
	if (ret > 0 && n > 0)
		x265_take(e, nal, n, &out);
	return 0;
}

static int
x265_send(struct encoder *e, const AVFrame *f, char **cause)
{
	int	i;

	if (f == NULL) {
		e->flushing = 1;
		return 0;
	}
	for (i = 0; i < 3; i++) {
		e->pic->planes[i] = f->data[i];
		e->pic->stride[i] = f->linesize[i];
	}
	e->pic->bitDepth = e->depth;
	e->pic->pts = f->pts;
	e->pic->sliceType = X265_TYPE_AUTO;
	return x265_step(e, e->pic, cause);
}

/* 1 with a packet, 0 when more input is needed or all is drained. */
static int
x265_receive(struct encoder *e, struct enc_packet *pkt, char **cause)
{
	if (!e->pending && e->flushing && !e->done)
		if (x265_step(e, NULL, cause) != 0)
			return -1;
	if (!e->pending)
		return 0;
	*pkt = e->pkt;
	e->pending = 0;
	return 1;
}

/* x265 aims at the profile's bitrate, or the one from bits per pixel. */
static int
x265_settings(const struct profile *prof, int depth, int kbps)
{
	if (prof->rate_control == RC_CRF) {
		log_info("video: x265 preset %s%s%s, %d-bit, crf %g, one pass",
		    prof->preset, *prof->tune ? " tune " : "", prof->tune,
		    depth, prof->crf);
		return 0;
	}
	log_info("video: x265 preset %s%s%s, %d-bit, %d kbps%s",
	    prof->preset, *prof->tune ? " tune " : "", prof->tune, depth,
	    kbps, prof->bitrate != 0 ? "" : " (from bits per pixel)");
	return kbps;
}

const struct enc_ops enc_x265_ops = {
	"x265",
	AV_CODEC_ID_HEVC,
	x265_settings,
	x265_open,
	x265_headers,
	x265_send,
	x265_receive,
	x265_close
};
