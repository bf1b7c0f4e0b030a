/*
 * One read of a source for a chunked job: every video frame's timestamp
 * (the frame list chunks are cut from), the scene changes when they are
 * detected, and the audio loudness for normalisation.
 *
 * The scene score is ffmpeg's (the select filter's "scene", scdet's
 * score/100) on the luma plane alone: mafd, the mean absolute difference
 * to the previous frame; score = min(mafd, |mafd - previous mafd|) / 100,
 * clipped to 0..1.  A frame whose score reaches the threshold starts a
 * scene.  With downscaling, the difference is taken between 2x2 block
 * means, as on frames halved in both directions.  The decoder skips its
 * loop filter: the score hardly notices and decoding is much faster.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/pixdesc.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

struct scan_ctx {
	struct media_scan	*out;
	const struct profile	*prof;
	int			 detect;
	AVFrame			*prev;
	double			 prev_mafd;
	int			 shift;		/* to 8-bit sample scale */
	size_t			 alloc;
	struct audio_meter	*meter[MEDIA_MAX_AUDIO];
	char			*err;
};

/* Sum of absolute differences of an 8-bit plane. */
static uint64_t
scan_sad8(const uint8_t *a, int as, const uint8_t *b, int bs, int w, int h)
{
	uint64_t	sum = 0;
	uint32_t	row;
	int		x, y;

	for (y = 0; y < h; y++, a += as, b += bs) {
		for (row = 0, x = 0; x < w; x++)
			row += abs(a[x] - b[x]);
		sum += row;
	}
	return sum;
}

/* The same between 2x2 block means (sums / 4), w and h even. */
static uint64_t
scan_sad8_half(const uint8_t *a, int as, const uint8_t *b, int bs, int w,
    int h)
{
	uint64_t	sum = 0;
	uint32_t	row;
	int		x, y, sa, sb;

	for (y = 0; y + 1 < h; y += 2, a += 2 * as, b += 2 * bs) {
		for (row = 0, x = 0; x + 1 < w; x += 2) {
			sa = a[x] + a[x + 1] + a[x + as] + a[x + as + 1];
			sb = b[x] + b[x + 1] + b[x + bs] + b[x + bs + 1];
			row += abs(sa - sb);
		}
		sum += row;
	}
	return sum / 4;
}

/* Samples of more than 8 bits, per sample or per 2x2 block. */
static uint64_t
scan_sad16(const AVFrame *fa, const AVFrame *fb, int half)
{
	const uint16_t	*a, *b;
	uint64_t	 sum = 0;
	int		 x, y, step = half ? 2 : 1, as, bs, sa, sb;

	as = fa->linesize[0] / 2;
	bs = fb->linesize[0] / 2;
	for (y = 0; y + step - 1 < fa->height; y += step) {
		a = (const uint16_t *)fa->data[0] + (size_t)y * as;
		b = (const uint16_t *)fb->data[0] + (size_t)y * bs;
		for (x = 0; x + step - 1 < fa->width; x += step) {
			sa = a[x];
			sb = b[x];
			if (half) {
				sa += a[x + 1] + a[x + as] + a[x + as + 1];
				sb += b[x + 1] + b[x + bs] + b[x + bs + 1];
			}
			sum += abs(sa - sb);
		}
	}
	return half ? sum / 4 : sum;
}

/* The scene score of f against the previous frame. */
static double
scan_score(struct scan_ctx *s, const AVFrame *f)
{
	int		half = s->prof->scd_downscale;
	uint64_t	sad, count;
	double		mafd, diff;

	if (s->shift == 0)
		sad = (half ? scan_sad8_half : scan_sad8)(f->data[0],
		    f->linesize[0], s->prev->data[0], s->prev->linesize[0],
		    f->width, f->height);
	else
		sad = scan_sad16(f, s->prev, half);
	count = half ? (uint64_t)(f->width / 2) * (f->height / 2) :
	    (uint64_t)f->width * f->height;
	mafd = count > 0 ? (double)sad / count / (1 << s->shift) : 0;
	diff = fabs(mafd - s->prev_mafd);
	s->prev_mafd = mafd;
	mafd = (mafd < diff ? mafd : diff) / 100.0;
	return mafd > 1.0 ? 1.0 : mafd;
}

/* A decoded frame: record its timestamp, score it. */
static int
scan_video(void *arg, AVFrame *f)
{
	struct scan_ctx		*s = arg;
	struct media_scan	*o = s->out;

	if (f == NULL)
		return 0;
	if ((size_t)o->frames == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 4096;
		o->pts = xreallocarray(o->pts, s->alloc, sizeof(*o->pts));
	}
	o->pts[o->frames] = f->pts;
	if (s->detect && s->prev != NULL && f->width == s->prev->width &&
	    f->height == s->prev->height &&
	    scan_score(s, f) >= s->prof->scd_threshold) {
		o->cuts = xreallocarray(o->cuts, o->ncuts + 1,
		    sizeof(*o->cuts));
		o->cuts[o->ncuts++] = o->frames;
	}
	o->frames++;
	if (s->detect) {
		av_frame_free(&s->prev);
		if ((s->prev = av_frame_clone(f)) == NULL)
			fatalx("av_frame_clone");
	}
	return 0;
}

static int
scan_audio(void *arg, int slot, AVFrame *f)
{
	struct scan_ctx	*s = arg;

	if (s->meter[slot] == NULL)
		return 0;
	return meter_feed(s->meter[slot], f, &s->err);
}

/* Decoder settings for speed: the loop filter is not needed here. */
static void
scan_fast(struct media_source *src)
{
	src->vdec->skip_loop_filter = AVDISCARD_ALL;
	src->vdec->flags2 |= AV_CODEC_FLAG2_FAST;
}

/* Open the audio meters; 0 or -1. */
static int
scan_meters(struct scan_ctx *s, struct media_source *src, char **cause)
{
	int	i;

	for (i = 0; i < src->naudio; i++)
		if ((s->meter[i] = meter_new(src->adec[i], s->prof,
		    cause)) == NULL)
			return -1;
	return 0;
}

/* Close the meters, keeping what they measured. */
static void
scan_meters_close(struct scan_ctx *s, int naudio)
{
	int	i;

	for (i = 0; i < MEDIA_MAX_AUDIO; i++) {
		meter_free(s->meter[i], i < naudio ? &s->out->loud[i] : NULL);
		s->meter[i] = NULL;
	}
}

/*
 * Read path once: frame timestamps, scene changes (detect), loudness.
 * out is cleared first; free its arrays with media_scan_free.
 */
int
media_scan(const char *path, const struct profile *prof, int detect,
    struct media_scan *out, volatile int *stop, char **cause)
{
	struct media_source	 src;
	struct scan_ctx		 s;
	struct media_sink	 sink = { &s, scan_video, scan_audio, NULL };
	const AVPixFmtDescriptor *d;
	int			 rv = -1, audio;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.out = out;
	s.prof = prof;
	s.detect = detect;
	audio = strcmp(prof->audio_codec, "copy") != 0;
	if (source_open(&src, path, 0, audio, cause) != 0)
		return -1;
	scan_fast(&src);
	if ((d = av_pix_fmt_desc_get(src.vdec->pix_fmt)) != NULL &&
	    d->comp[0].depth > 8)
		s.shift = d->comp[0].depth - 8;
	out->naudio = src.naudio;
	out->tb = src.fmt->streams[src.vindex]->time_base;
	if (scan_meters(&s, &src, cause) != 0)
		goto out;
	if (source_run(&src, &sink, stop, cause) != 0)
		goto out;
	rv = 0;
out:
	if (rv != 0 && s.err != NULL && *cause == NULL) {
		*cause = s.err;
		s.err = NULL;
	}
	free(s.err);
	scan_meters_close(&s, rv == 0 ? src.naudio : 0);
	av_frame_free(&s.prev);
	source_close(&src);
	return rv;
}

void
media_scan_free(struct media_scan *out)
{
	free(out->pts);
	free(out->cuts);
	out->pts = NULL;
	out->cuts = NULL;
}
