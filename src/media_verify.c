/*
 * Verification of a finished file before it is published: it opens, its
 * video decodes from the first frame to the last without error, and its
 * frame count, duration, picture size and streams are the expected ones.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

struct verify_state {
	int64_t		frames;
	int64_t		first;
	int64_t		last;
	int		width;
	int		height;
	int		badsize;
	const struct verify_expect *ex;
};

static int
verify_video(void *arg, AVFrame *f)
{
	struct verify_state	*vs = arg;

	if (f == NULL)
		return 0;
	if (f->width != vs->width || f->height != vs->height)
		vs->badsize = 1;
	if (vs->frames++ == 0)
		vs->first = f->pts;
	vs->last = f->pts;
	if (vs->ex->progress != NULL)
		vs->ex->progress(vs->ex->arg, vs->frames);
	return 0;
}

static int
verify_audio(void *arg, int slot, AVFrame *f)
{
	(void)arg;
	(void)slot;
	(void)f;
	return 0;
}

/* Count the streams of a type in an open file. */
static int
verify_count(const AVFormatContext *fmt, enum AVMediaType type)
{
	unsigned int	i;
	int		n = 0;

	for (i = 0; i < fmt->nb_streams; i++)
		if (fmt->streams[i]->codecpar->codec_type == type)
			n++;
	return n;
}

/* Compare what was decoded with what was expected. */
static int
verify_compare(const struct media_source *src, const struct verify_state *vs,
    const struct verify_expect *ex, char **cause)
{
	AVStream	*st = src->fmt->streams[src->vindex];
	int64_t		 dur, tol;

	if (vs->badsize) {
		xasprintf(cause, "decoded frames are not %dx%d", ex->width,
		    ex->height);
		return -1;
	}
	if (vs->frames != ex->frames) {
		xasprintf(cause, "%lld frames, the source has %lld",
		    (long long)vs->frames, (long long)ex->frames);
		return -1;
	}
	if (ex->duration > 0 && vs->frames > 0) {
		dur = av_rescale_q(vs->last - vs->first, st->time_base,
		    AV_TIME_BASE_Q) + av_rescale_q(1, av_inv_q(ex->fps),
		    AV_TIME_BASE_Q);
		tol = av_rescale_q(2, av_inv_q(ex->fps), AV_TIME_BASE_Q);
		if (llabs(dur - ex->duration) > tol) {
			xasprintf(cause, "duration %.3fs, the source's %.3fs",
			    dur / 1e6, ex->duration / 1e6);
			return -1;
		}
	}
	if (verify_count(src->fmt, AVMEDIA_TYPE_AUDIO) != ex->naudio ||
	    verify_count(src->fmt, AVMEDIA_TYPE_SUBTITLE) != ex->nsubtitle) {
		xasprintf(cause, "streams missing: %d audio and %d subtitle, "
		    "expected %d and %d",
		    verify_count(src->fmt, AVMEDIA_TYPE_AUDIO),
		    verify_count(src->fmt, AVMEDIA_TYPE_SUBTITLE), ex->naudio,
		    ex->nsubtitle);
		return -1;
	}
	return 0;
}

/* Verify a written file against what the source and the crop promise. */
int
media_verify(const char *path, const struct verify_expect *ex,
    volatile int *stop, char **cause)
{
	struct media_source	 src;
	struct verify_state	 vs;
	struct media_sink	 sink = { &vs, verify_video, verify_audio, NULL };
	AVCodecParameters	*par;
	char			*err = NULL;
	int			 rv = -1;

	memset(&vs, 0, sizeof(vs));
	vs.width = ex->width;
	vs.height = ex->height;
	vs.ex = ex;
	if (source_open(&src, path, 2, 0, &err) != 0)
		goto out;
	par = src.fmt->streams[src.vindex]->codecpar;
	if (par->width != ex->width || par->height != ex->height) {
		xasprintf(&err, "picture is %dx%d, expected %dx%d",
		    par->width, par->height, ex->width, ex->height);
		goto out;
	}
	if (source_run(&src, &sink, stop, &err) != 0)
		goto out;
	rv = verify_compare(&src, &vs, ex, &err);
out:
	if (rv != 0)
		xasprintf(cause, "verification failed: %s", err);
	free(err);
	if (src.fmt != NULL)
		source_close(&src);
	return rv;
}
