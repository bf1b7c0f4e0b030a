/*
 * Decoded pictures made ready for an encoder: the crop applied, then a
 * scale and a pixel format conversion only where they are needed.
 */
#include "config.h"

#include <string.h>

#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

struct media_picture {
	struct crop		 crop;
	int			 width;		/* wanted size, before */
	int			 height;	/* the rotation */
	enum AVPixelFormat	 format;	/* wanted format */
	int			 rotation;	/* clockwise: 0, 90, 180, 270 */
	struct SwsContext	*sws;
	AVFrame			*out;
	AVFrame			*rot;		/* turned upright */
};

/*
 * A converter to an upright picture of width x height in format, after
 * the crop (of the picture as stored) and a clockwise rotation.
 */
struct media_picture *
picture_new(const struct crop *crop, int width, int height,
    enum AVPixelFormat format, int rotation)
{
	struct media_picture	*pc;

	pc = xcalloc(1, sizeof(*pc));
	pc->crop = *crop;
	pc->rotation = rotation;
	pc->width = rotation % 180 == 90 ? height : width;
	pc->height = rotation % 180 == 90 ? width : height;
	pc->format = format;
	if ((pc->out = av_frame_alloc()) == NULL ||
	    (pc->rot = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	if (rotation != 0) {
		pc->rot->format = format;
		pc->rot->width = width;
		pc->rot->height = height;
		if (av_frame_get_buffer(pc->rot, 0) < 0)
			fatalx("av_frame_get_buffer");
	}
	return pc;
}

/* Turn one plane of w x h samples of size bytes clockwise by rotation. */
static void
picture_rotate_plane(const uint8_t *src, int sls, uint8_t *dst, int dls,
    int w, int h, int size, int rotation)
{
	int	x, y, dx, dy;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			if (rotation == 90)
				dx = h - 1 - y, dy = x;
			else if (rotation == 180)
				dx = w - 1 - x, dy = h - 1 - y;
			else
				dx = y, dy = w - 1 - x;
			memcpy(dst + (size_t)dy * dls + (size_t)dx * size,
			    src + (size_t)y * sls + (size_t)x * size, size);
		}
}

/* The picture f (of the wanted format) turned upright into pc->rot. */
static AVFrame *
picture_rotate(struct media_picture *pc, const AVFrame *f)
{
	const AVPixFmtDescriptor	*d = av_pix_fmt_desc_get(pc->format);
	int				 p, w, h, size;

	if (av_frame_make_writable(pc->rot) < 0)
		fatalx("av_frame_make_writable");
	for (p = 0; p < 4 && f->data[p] != NULL; p++) {
		w = f->width, h = f->height;
		if (p == 1 || p == 2) {
			w = AV_CEIL_RSHIFT(w, d->log2_chroma_w);
			h = AV_CEIL_RSHIFT(h, d->log2_chroma_h);
		}
		size = d->comp[0].depth > 8 ? 2 : 1;
		picture_rotate_plane(f->data[p], f->linesize[p],
		    pc->rot->data[p], pc->rot->linesize[p], w, h, size,
		    pc->rotation);
	}
	pc->rot->pts = f->pts;
	return pc->rot;
}

void
picture_free(struct media_picture *pc)
{
	if (pc == NULL)
		return;
	sws_freeContext(pc->sws);
	av_frame_free(&pc->out);
	av_frame_free(&pc->rot);
	free(pc);
}

/* Whether a decoded format can go to the encoder as it is. */
static int
picture_same(enum AVPixelFormat have, enum AVPixelFormat want)
{
	if (have == AV_PIX_FMT_YUVJ420P)
		have = AV_PIX_FMT_YUV420P;
	return have == want;
}

/* A scaler for frames like f, keeping their colour range. */
static int
picture_scaler(struct media_picture *pc, const AVFrame *f, char **cause)
{
	int		*inv, *tab, srange, drange, bri, con, sat;

	pc->sws = sws_getCachedContext(pc->sws, f->width, f->height,
	    f->format, pc->width, pc->height, pc->format,
	    SWS_LANCZOS | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL, NULL,
	    NULL);
	if (pc->sws == NULL) {
		xasprintf(cause, "cannot convert %s %dx%d to %s %dx%d",
		    av_get_pix_fmt_name(f->format), f->width, f->height,
		    av_get_pix_fmt_name(pc->format), pc->width, pc->height);
		return -1;
	}
	if (sws_getColorspaceDetails(pc->sws, &inv, &srange, &tab, &drange,
	    &bri, &con, &sat) >= 0)
		sws_setColorspaceDetails(pc->sws, inv, srange, tab, srange,
		    bri, con, sat);
	if (pc->out->width != pc->width || pc->out->height != pc->height) {
		av_frame_unref(pc->out);
		pc->out->format = pc->format;
		pc->out->width = pc->width;
		pc->out->height = pc->height;
		if (av_frame_get_buffer(pc->out, 0) < 0)
			fatalx("av_frame_get_buffer");
	}
	return 0;
}

/*
 * Crop f in place and give the picture to encode in *out: f itself when
 * nothing else is needed, else the converter's own frame.
 */
int
picture_convert(struct media_picture *pc, AVFrame *f, AVFrame **out,
    char **cause)
{
	const struct crop	*c = &pc->crop;

	if (c->top + c->bottom >= f->height || c->left + c->right >= f->width) {
		xasprintf(cause, "picture %dx%d is smaller than the crop",
		    f->width, f->height);
		return -1;
	}
	f->crop_top = c->top;
	f->crop_bottom = c->bottom;
	f->crop_left = c->left;
	f->crop_right = c->right;
	if (av_frame_apply_cropping(f, AV_FRAME_CROP_UNALIGNED) < 0) {
		xasprintf(cause, "cannot crop the picture");
		return -1;
	}
	if (picture_same(f->format, pc->format) && f->width == pc->width &&
	    f->height == pc->height) {
		*out = pc->rotation != 0 ? picture_rotate(pc, f) : f;
		return 0;
	}
	if (picture_scaler(pc, f, cause) != 0)
		return -1;
	if (av_frame_make_writable(pc->out) < 0)
		fatalx("av_frame_make_writable");
	sws_scale(pc->sws, (const uint8_t *const *)f->data, f->linesize, 0,
	    f->height, pc->out->data, pc->out->linesize);
	pc->out->pts = f->pts;
	*out = pc->rotation != 0 ? picture_rotate(pc, pc->out) : pc->out;
	return 0;
}
