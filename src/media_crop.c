/*
 * Crop detection by sampling: seek to times spread over the film (the
 * first and last few percent skipped), take the keyframe each seek lands
 * on (or, when that keyframe was the last sample too, decode on to the
 * time itself), scan its luma for black borders and combine the edges.
 * In a film, samples are minutes apart and keyframes seconds: the cost is
 * one seek and one keyframe decode a sample, growing with the number of
 * samples, never with the film's length.
 */
#include "config.h"

#include <string.h>

#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

/* Whether the frame's first plane is directly a luma plane. */
static int
crop_direct(const AVFrame *f)
{
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);

	if (d == NULL || (d->flags & (AV_PIX_FMT_FLAG_RGB |
	    AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_PAL)))
		return 0;
	if (!(d->flags & AV_PIX_FMT_FLAG_PLANAR) && d->nb_components > 1)
		return 0;
	return d->comp[0].plane == 0 && d->comp[0].offset == 0 &&
	    d->comp[0].step == (d->comp[0].depth > 8 ? 2 : 1);
}

/* Scan one decoded frame, converting to 8-bit grey when needed. */
static enum crop_scan_result
crop_frame(const AVFrame *f, int limit, struct crop *c)
{
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
	struct SwsContext	*sws;
	struct crop_plane	 p;
	enum crop_scan_result	 r;
	uint8_t			*grey;

	p.width = f->width;
	p.height = f->height;
	if (crop_direct(f)) {
		p.data = f->data[0];
		p.linesize = f->linesize[0];
		p.depth = d->comp[0].depth;
		return crop_scan(&p, limit, c);
	}
	sws = sws_getContext(f->width, f->height, f->format, f->width,
	    f->height, AV_PIX_FMT_GRAY8, SWS_POINT, NULL, NULL, NULL);
	if (sws == NULL)
		return CROP_SCAN_IMPLAUSIBLE;
	grey = xmalloc((size_t)f->width * f->height);
	p.data = grey;
	p.linesize = f->width;
	p.depth = 8;
	sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0,
	    f->height, &grey, &p.linesize);
	r = crop_scan(&p, limit, c);
	free(grey);
	sws_freeContext(sws);
	return r;
}

/* Keep the picture left after cropping even in both dimensions (4:2:0). */
static void
crop_even(const struct media_info *mi, struct crop *c)
{
	if ((mi->height - c->top - c->bottom) & 1)
		c->bottom++;
	if ((mi->width - c->left - c->right) & 1)
		c->right++;
}

/* Manual crop from the profile, checked against the picture size. */
static int
crop_manual(const struct media_info *mi, const struct profile *prof,
    struct crop *out, char *why, size_t whylen, char **cause)
{
	out->top = prof->crop_manual[0];
	out->bottom = prof->crop_manual[1];
	out->left = prof->crop_manual[2];
	out->right = prof->crop_manual[3];
	if (out->top + out->bottom > mi->height - 16 ||
	    out->left + out->right > mi->width - 16) {
		xasprintf(cause, "manual crop %d:%d:%d:%d leaves less than "
		    "16 pixels of a %dx%d picture", out->top, out->bottom,
		    out->left, out->right, mi->width, mi->height);
		return -1;
	}
	crop_even(mi, out);
	snprintf(why, whylen, "manual crop from the profile");
	return 0;
}

/*
 * The frame to sample at ts, in f: decoded on from the last sample when
 * the keyframe before ts is behind it (*on set then), else after a seek;
 * -1 when it cannot be had.
 */
static int
crop_sample(struct media_source *src, int64_t ts, int64_t last, AVFrame *f,
    int *on)
{
	char	*err = NULL;
	int	 mode;

	mode = media_file_key_before(src, ts, last) ? SAMPLE_ON : SAMPLE_KEY;
	if (media_file_sample(src, ts, mode, f, &err) == 0 &&
	    mode == SAMPLE_KEY && f->pts != AV_NOPTS_VALUE && f->pts == last) {
		/* The same keyframe again: decode on to the time. */
		av_frame_unref(f);
		mode = SAMPLE_ON;
		media_file_sample(src, ts, mode, f, &err);
	}
	if (err != NULL) {
		log_debug("crop sample at %.2fs: %s", ts / 1e6, err);
		free(err);
		return -1;
	}
	*on = mode == SAMPLE_ON;
	return 0;
}

/* The crop for a source under a profile's crop mode; why says how. */
int
media_crop(const char *path, const struct media_info *mi,
    const struct profile *prof, struct crop *out, char *why, size_t whylen,
    char **cause)
{
	struct media_source	 src;
	struct crop		 s[CROP_MAX_SAMPLES], c;
	AVFrame			*f;
	int64_t			 ts, span, last = AV_NOPTS_VALUE;
	int			 i, n, used = 0, dark = 0, odd = 0;
	int			 repeats = 0, on;
	char			 how[256];

	memset(out, 0, sizeof(*out));
	if (prof->crop == CROP_MANUAL)
		return crop_manual(mi, prof, out, why, whylen, cause);
	if (prof->crop == CROP_OFF || mi->duration <= 0 || mi->script) {
		crop_even(mi, out);
		snprintf(why, whylen, "%s", prof->crop == CROP_OFF ?
		    "cropping off" : mi->script ? "a script crops itself, "
		    "not cropping" : "duration unknown, not cropping");
		return 0;
	}
	if (media_file_open(&src, path, prof->threads,
	    SOURCE_COPY_AUDIO, cause) != 0)
		return -1;
	if ((f = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	n = prof->crop_samples < CROP_MAX_SAMPLES ? prof->crop_samples :
	    CROP_MAX_SAMPLES;
	span = mi->duration * 90 / 100;
	for (i = 0; i < n; i++) {
		ts = mi->duration * 5 / 100 + (n > 1 ? span * i / (n - 1) : 0);
		if (crop_sample(&src, ts, last, f, &on) != 0)
			continue;
		repeats += on;
		last = f->pts;
		switch (crop_frame(f, prof->crop_limit, &c)) {
		case CROP_SCAN_OK:
			s[used++] = c;
			break;
		case CROP_SCAN_DARK:
			dark++;
			break;
		default:
			odd++;
			break;
		}
		av_frame_unref(f);
	}
	av_frame_free(&f);
	media_file_close(&src);
	crop_combine(s, used, mi->width, mi->height, prof->crop, out, how,
	    sizeof(how));
	crop_even(mi, out);
	snprintf(why, whylen, "%s; %d of %d samples used, %d dark, %d "
	    "implausible, %d decoded on from the one before", how, used, n, dark,
	    odd, repeats);
	return 0;
}
