/*
 * AviSynth+'s frames as this program takes them: planar YUV copied plane
 * by plane (an alpha plane left out), luma alone as grey, and the packed
 * layouts (YUY2; BGR of 24 or 32 bits, its rows bottom up, as
 * ColorBars() gives by default) converted with libswscale to planar YUV
 * of the same chroma resolution.
 */
#include "config.h"

#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "avs.h"
#include "log.h"
#include "media.h"
#include "media_script_local.h"
#include "xmalloc.h"

/* The grey format of a depth. */
static enum AVPixelFormat
splus_grey(int depth)
{
	switch (depth) {
	case 8:
		return AV_PIX_FMT_GRAY8;
	case 10:
		return AV_PIX_FMT_GRAY10LE;
	case 12:
		return AV_PIX_FMT_GRAY12LE;
	case 14:
		return AV_PIX_FMT_GRAY14LE;
	default:
		return AV_PIX_FMT_GRAY16LE;
	}
}

/* The packed format AviSynth+ gives, or AV_PIX_FMT_NONE: planar. */
static enum AVPixelFormat
splus_packed(const struct avsplus_info *pi)
{
	switch (pi->layout) {
	case AVSPLUS_YUY2:
		return AV_PIX_FMT_YUYV422;
	case AVSPLUS_BGR24:
		return AV_PIX_FMT_BGR24;
	case AVSPLUS_BGR32:
		return AV_PIX_FMT_BGRA;
	default:
		return AV_PIX_FMT_NONE;
	}
}

/* The format of the frames made of a clip's, AV_PIX_FMT_NONE if none. */
enum AVPixelFormat
splus_pix_fmt(const struct avsplus_info *pi)
{
	char	name[32];

	switch (pi->layout) {
	case AVSPLUS_YUV:
		if (avs_fmt_name(pi->log2_chroma_w, pi->log2_chroma_h,
		    pi->depth, name, sizeof(name)) == NULL)
			return AV_PIX_FMT_NONE;
		return av_get_pix_fmt(name);
	case AVSPLUS_Y:
		return splus_grey(pi->depth);
	case AVSPLUS_YUY2:
		return AV_PIX_FMT_YUV422P;
	default:
		return AV_PIX_FMT_YUV444P;
	}
}

/* Say what the conversion of a clip's frames does, at its open (the
 * log's prefix names the script). */
void
splus_describe(const struct avsplus_info *pi)
{
	enum AVPixelFormat	from = splus_packed(pi);

	if (pi->alpha)
		log_info("AviSynth+'s alpha plane is left out: the picture "
		    "is encoded without transparency");
	if (from != AV_PIX_FMT_NONE)
		log_info("AviSynth+ gives %s: converted to %s",
		    av_get_pix_fmt_name(from),
		    av_get_pix_fmt_name(splus_pix_fmt(pi)));
}

/* The colour description of frames converted from RGB: libswscale's
 * BT.601 coefficients, limited range; others' stay unknown. */
void
splus_colour(const struct avsplus_info *pi, struct media_info *mi)
{
	if (pi->layout != AVSPLUS_BGR24 && pi->layout != AVSPLUS_BGR32)
		return;
	mi->space = AVCOL_SPC_SMPTE170M;
	mi->range = AVCOL_RANGE_MPEG;
}

/* Copy the planes of a planar frame. */
static void
splus_copy(const struct media_script *s, AVFrame *f, uint8_t *src[3],
    const int pitch[3])
{
	const struct avsplus_info	*pi = &s->pi;
	int				 p, h, w, bps;

	bps = pi->depth > 8 ? 2 : 1;
	for (p = 0; p < (pi->layout == AVSPLUS_Y ? 1 : 3); p++) {
		w = p == 0 ? f->width : AV_CEIL_RSHIFT(f->width,
		    pi->log2_chroma_w);
		h = p == 0 ? f->height : AV_CEIL_RSHIFT(f->height,
		    pi->log2_chroma_h);
		av_image_copy_plane(f->data[p], f->linesize[p], src[p],
		    pitch[p], bps * w, h);
	}
}

/* Convert a packed frame (BGR's rows bottom up) with libswscale. */
static int
splus_convert(struct media_script *s, AVFrame *f, uint8_t *src,
    int pitch, char **cause)
{
	enum AVPixelFormat	 from = splus_packed(&s->pi);
	const uint8_t		*in[4] = { src, NULL, NULL, NULL };
	int			 stride[4] = { pitch, 0, 0, 0 };

	s->sws = sws_getCachedContext(s->sws, f->width, f->height, from,
	    f->width, f->height, f->format, SWS_BICUBIC | SWS_ACCURATE_RND |
	    SWS_FULL_CHR_H_INT, NULL, NULL, NULL);
	if (s->sws == NULL) {
		xasprintf(cause, "%s: cannot convert AviSynth+'s %s to %s",
		    s->path, av_get_pix_fmt_name(from),
		    av_get_pix_fmt_name(f->format));
		return -1;
	}
	if (s->pi.layout != AVSPLUS_YUY2) {
		in[0] = src + (ptrdiff_t)(f->height - 1) * pitch;
		stride[0] = -pitch;
	}
	sws_scale(s->sws, in, stride, 0, f->height, f->data, f->linesize);
	return 0;
}

/* The next frame from AviSynth+ into f: 1, 0 at the end, -1. */
int
splus_frame(struct media_script *s, AVFrame *f, char **cause)
{
	uint8_t	*src[3];
	int	 pitch[3], rv = 0;

	if (s->next >= s->info.frames)
		return 0;
	if (avsplus_frame(s->plus, s->next, src, pitch, cause) != 0)
		return -1;
	f->format = s->info.pix_fmt;
	f->width = s->info.width;
	f->height = s->info.height;
	if (av_frame_get_buffer(f, 0) < 0)
		fatalx("av_frame_get_buffer");
	if (splus_packed(&s->pi) == AV_PIX_FMT_NONE)
		splus_copy(s, f, src, pitch);
	else
		rv = splus_convert(s, f, src[0], pitch[0], cause);
	avsplus_frame_done(s->plus);
	return rv == 0 ? 1 : -1;
}

/* Free what the conversion keeps. */
void
splus_free(struct media_script *s)
{
	sws_freeContext(s->sws);
	s->sws = NULL;
}
