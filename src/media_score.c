/*
 * The scene score of a frame against the one before it, as ffmpeg's
 * select filter's "scene" (the one the earlier tool's threshold of 0.3 is
 * for): mafd, the mean absolute difference to the previous frame on the
 * 8-bit scale, over the luma plane (every plane of RGB pictures), as
 * ffmpeg takes it; score = min(mafd, |mafd - previous mafd|) / 100,
 * clipped to 0..1.  (The scdet filter scales the same difference by
 * 100/256 instead: its 11.7 is this 0.3.)  A frame whose score reaches
 * the threshold starts a scene.  Halved, the difference is taken between
 * 2x2 block means, as on frames halved in both directions.
 *
 * The same read gives each frame an estimate of what it costs to encode
 * (score_cost): a base for every frame, plus the mean luma gradient (the
 * picture's detail, on every second row, or fourth when halved) and,
 * weighed most, what motion does not explain: the mean absolute
 * difference to the previous frame shifted by the best of -1..1 samples
 * each way (on every fourth row), both on the 8-bit scale.  A scrolling
 * pattern costs an encoder little, a picture that changes
 * unpredictably (grain, crowds, water) much.  Chunks are queued and
 * balanced by the sums (chunk.c).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/pixdesc.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

/*
 * The differences are most of the work after decoding: let GCC vectorise
 * these loops (psadbw and the like), which it does not at -O2.
 */
/* A frame's cost: the base, and the weights of detail and motion. */
#define SCORE_COST_BASE		32
#define SCORE_COST_GRAD		1.0
#define SCORE_COST_RESIDUAL	32.0
#define SCORE_RES_STEP		4	/* rows apart */
#define SCORE_RES_SHIFT		1	/* samples each way */

#if defined(__GNUC__) && !defined(__clang__)
#define SCORE_FAST	__attribute__((optimize("O3")))
#else
#define SCORE_FAST
#endif

/* Sum of absolute differences of an 8-bit plane. */
static uint64_t SCORE_FAST
score_sad8(const uint8_t *a, int as, const uint8_t *b, int bs, int w, int h)
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
static uint64_t SCORE_FAST
score_sad8_half(const uint8_t *a, int as, const uint8_t *b, int bs, int w,
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
static uint64_t SCORE_FAST
score_sad16(const AVFrame *fa, const AVFrame *fb, int p, int w, int h,
    int half)
{
	const uint16_t	*a, *b;
	uint64_t	 sum = 0;
	int		 x, y, step = half ? 2 : 1, as, bs, sa, sb;

	as = fa->linesize[p] / 2;
	bs = fb->linesize[p] / 2;
	for (y = 0; y + step - 1 < h; y += step) {
		a = (const uint16_t *)fa->data[p] + (size_t)y * as;
		b = (const uint16_t *)fb->data[p] + (size_t)y * bs;
		for (x = 0; x + step - 1 < w; x += step) {
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

/* Sum of the absolute horizontal and vertical luma gradients of an 8-bit
 * plane, on every step-th row. */
static uint64_t SCORE_FAST
score_grad8(const uint8_t *a, int as, int w, int h, int step)
{
	uint64_t	sum = 0;
	uint32_t	row;
	int		x, y;

	for (y = 0; y + 1 < h; y += step, a += (size_t)step * as) {
		for (row = 0, x = 0; x + 1 < w; x++)
			row += abs(a[x] - a[x + 1]) + abs(a[x] - a[x + as]);
		sum += row;
	}
	return sum;
}

/* The same for samples of more than 8 bits. */
static uint64_t SCORE_FAST
score_grad16(const AVFrame *f, int w, int h, int step)
{
	const uint16_t	*a;
	uint64_t	 sum = 0;
	int		 x, y, as = f->linesize[0] / 2;

	for (y = 0; y + 1 < h; y += step) {
		a = (const uint16_t *)f->data[0] + (size_t)y * as;
		for (x = 0; x + 1 < w; x++)
			sum += abs(a[x] - a[x + 1]) + abs(a[x] - a[x + as]);
	}
	return sum;
}

/* Sum of absolute differences of 16-bit samples, rows given by strides. */
static uint64_t SCORE_FAST
score_sad16_rows(const uint16_t *a, ptrdiff_t as, const uint16_t *b,
    ptrdiff_t bs, int w, int h)
{
	uint64_t	sum = 0;
	int		x, y;

	for (y = 0; y < h; y++, a += as, b += bs)
		for (x = 0; x < w; x++)
			sum += abs(a[x] - b[x]);
	return sum;
}

/*
 * The mean absolute difference of f's luma to the previous frame's,
 * shifted by the best of -SCORE_RES_SHIFT..SCORE_RES_SHIFT samples each
 * way, on every SCORE_RES_STEP-th row (8-bit scale).
 */
static double
score_residual(const struct scene_score *sc, const AVFrame *f)
{
	const AVFrame	*p = sc->prev;
	const int	 m = SCORE_RES_SHIFT;
	uint64_t	 sad, best = UINT64_MAX;
	ptrdiff_t	 as = f->linesize[0], bs = p->linesize[0];
	int		 dx, dy, w = f->width - 2 * m, h;

	h = (f->height - 2 * m) / SCORE_RES_STEP;
	if (w <= 0 || h <= 0)
		return 0;
	for (dy = -m; dy <= m; dy++)
		for (dx = -m; dx <= m; dx++) {
			if (sc->shift == 0)
				sad = score_sad8(f->data[0] + m * as + m,
				    (int)(SCORE_RES_STEP * as), p->data[0] +
				    (m + dy) * bs + m + dx,
				    (int)(SCORE_RES_STEP * bs), w, h);
			else
				sad = score_sad16_rows((const uint16_t *)
				    f->data[0] + m * (as / 2) + m,
				    SCORE_RES_STEP * (as / 2),
				    (const uint16_t *)p->data[0] +
				    (m + dy) * (bs / 2) + m + dx,
				    SCORE_RES_STEP * (bs / 2), w, h);
			if (sad < best)
				best = sad;
		}
	return (double)best / ((double)w * h) / (1 << sc->shift);
}

/*
 * The estimated cost of encoding f (res: what motion does not explain of
 * its difference to the previous frame, 8-bit scale): in units where a
 * flat, still frame costs SCORE_COST_BASE.
 */
static uint32_t
score_cost(const struct scene_score *sc, const AVFrame *f, double res)
{
	uint64_t	sum;
	double		grad, rows;
	int		step = sc->half ? 4 : 2;

	if (f->width < 2 || f->height < 2)
		return SCORE_COST_BASE;
	sum = sc->shift == 0 ? score_grad8(f->data[0], f->linesize[0],
	    f->width, f->height, step) : score_grad16(f, f->width, f->height,
	    step);
	rows = (f->height - 1 + step - 1) / step;
	grad = (double)sum / (rows * (f->width - 1)) / (1 << sc->shift);
	return SCORE_COST_BASE + (uint32_t)(SCORE_COST_GRAD * grad +
	    SCORE_COST_RESIDUAL * res);
}

/* Get ready to score pictures of a format; half: on 2x2 block means. */
int
score_init(struct scene_score *sc, enum AVPixelFormat fmt, int half,
    char **cause)
{
	const AVPixFmtDescriptor	*d;

	memset(sc, 0, sizeof(*sc));
	if ((d = av_pix_fmt_desc_get(fmt)) == NULL ||
	    (d->flags & (AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM |
	    AV_PIX_FMT_FLAG_HWACCEL)) || (d->nb_components > 1 &&
	    !(d->flags & AV_PIX_FMT_FLAG_PLANAR))) {
		xasprintf(cause, "scene detection: cannot read %s pictures",
		    d != NULL ? d->name : "these");
		return -1;
	}
	sc->half = half;
	sc->shift = d->comp[0].depth > 8 ? d->comp[0].depth - 8 : 0;
	sc->planes = !(d->flags & AV_PIX_FMT_FLAG_RGB) ? 1 :
	    d->nb_components > 3 ? 3 : d->nb_components;
	sc->hsub = d->log2_chroma_w;
	sc->vsub = d->log2_chroma_h;
	return 0;
}

/* The scene score of f against the previous frame. */
static double
score_of(struct scene_score *sc, const AVFrame *f)
{
	uint64_t	sad = 0, count = 0;
	double		mafd, diff;
	int		p, w, h;

	for (p = 0; p < sc->planes; p++) {
		w = p == 0 ? f->width : AV_CEIL_RSHIFT(f->width, sc->hsub);
		h = p == 0 ? f->height : AV_CEIL_RSHIFT(f->height, sc->vsub);
		if (sc->shift == 0)
			sad += (sc->half ? score_sad8_half : score_sad8)(
			    f->data[p], f->linesize[p], sc->prev->data[p],
			    sc->prev->linesize[p], w, h);
		else
			sad += score_sad16(f, sc->prev, p, w, h, sc->half);
		count += sc->half ? (uint64_t)(w / 2) * (h / 2) :
		    (uint64_t)w * h;
	}
	mafd = count > 0 ? (double)sad / count / (1 << sc->shift) : 0;
	diff = fabs(mafd - sc->prev_mafd);
	sc->prev_mafd = mafd;
	mafd = (mafd < diff ? mafd : diff) / 100.0;
	return mafd > 1.0 ? 1.0 : mafd;
}

/*
 * Whether f starts a scene (its score reaches threshold); f is kept, by
 * reference, as the frame the next is scored against, and its cost is in
 * sc->cost.  The first frame, and one of another size than the last,
 * start none.
 */
int
score_cut(struct scene_score *sc, const AVFrame *f, double threshold)
{
	double	res = 0;
	int	cut = 0;

	if (sc->prev != NULL && f->width == sc->prev->width &&
	    f->height == sc->prev->height) {
		cut = score_of(sc, f) >= threshold;
		res = score_residual(sc, f);
	}
	sc->cost = score_cost(sc, f, res);
	av_frame_free(&sc->prev);
	if ((sc->prev = av_frame_clone(f)) == NULL)
		fatalx("av_frame_clone");
	return cut;
}

void
score_clear(struct scene_score *sc)
{
	av_frame_free(&sc->prev);
}
