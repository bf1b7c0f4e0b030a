/*
 * Black-border (crop) detection.
 *
 * crop_scan() looks at one frame's luma plane.  From each edge inward it
 * counts the lines (rows at the top and bottom, then columns at the left
 * and right, the columns only within the rows that are not top or bottom
 * border) that are black, stopping at the first line that is not.  A line
 * is black when
 *
 *	- its mean is <= limit, and
 *	- at most 1/32 of its samples (CROP_BRIGHT_FRAC) are brighter than
 *	  limit + 16 (CROP_BRIGHT_MARGIN),
 *
 * limit being on the 8-bit scale and shifted left by depth - 8 for deeper
 * samples.  Grain and noise in a bar are tolerated; a subtitle line in a
 * bar is not black.
 *
 * Bars that are not black (analogue captures, DVD rips: grey at luma 16
 * to about 32, with noise, and often a bright line or two at the very
 * edge of the frame) are found by a second look at each edge, taken when
 * it finds more border than the first.  A grey bar is at least
 * CROP_MIN_BAR lines, after at most CROP_EDGE_LINES lines of anything at
 * the frame's edge, each of them flat (a mean absolute deviation from its
 * mean of at most CROP_GREY_FLAT) with a mean of at most limit +
 * CROP_GREY_MARGIN and within CROP_GREY_SPREAD of the bar's first line
 * (one level: a dark sky's gradient drifts away from it), and ends where
 * the picture starts with a step of at least CROP_GREY_STEP in the line
 * mean.  Grey bars come in pairs, as a letterbox's or a pillarbox's: a
 * bar (grey or black) on both sides of the axis, the smaller at least
 * half the larger.  Then the picture inside must be clearly brighter than
 * the bars (its mean at least CROP_GREY_STEP above their level);
 * otherwise the frame is judged on its black borders alone: a dark or
 * night scene (a dark sky over a lit street) is not taken for bars.
 *
 * A frame is CROP_SCAN_DARK when every row (or every
 * column within the picture rows) is black, or when the mean of what
 * remains inside the borders is <= limit: a dark scene says nothing
 * reliable about its borders.  It is CROP_SCAN_IMPLAUSIBLE when what
 * remains is less than 1/4 of the width or of the height.
 *
 * crop_combine() merges the borders found in many frames: per edge the
 * (lower) median, or the minimum when at least 1/4 of the frames
 * (CROP_MIXED_FRAC) show a border more than 4 px (CROP_MIXED_PX) smaller
 * than the median, as a film switching aspect ratio does.  Conservative
 * mode takes the minimum for every edge.  Borders are then rounded down to
 * even sizes, an odd width or height gets one more column at the right or
 * row at the bottom so that what remains is even, and an axis that would
 * keep less than 16 px (CROP_MIN_PICTURE) is not cropped.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crop.h"

#define CROP_BRIGHT_MARGIN	16	/* "bright": above limit + this */
#define CROP_BRIGHT_FRAC	32	/* a black line: <= 1/32 bright */
#define CROP_MIXED_PX		4	/* "clearly less border": > 4 px */
#define CROP_MIXED_FRAC		4	/* "many frames": >= 1/4 of them */
#define CROP_MIN_PICTURE	16	/* least picture kept per axis */
#define CROP_GREY_MARGIN	16	/* grey bar: mean <= limit + this */
#define CROP_GREY_FLAT		12	/* grey bar: mean abs deviation */
#define CROP_GREY_SPREAD	6	/* grey bar: lines this near its level */
#define CROP_GREY_STEP		16	/* the picture's step from the bar */
#define CROP_EDGE_LINES		2	/* anything at the frame's very edge */
#define CROP_MIN_BAR		4	/* lines of a grey bar, at least */

enum { EDGE_TOP, EDGE_BOTTOM, EDGE_LEFT, EDGE_RIGHT, EDGE_MAX };

static const char *edge_names[EDGE_MAX] = {
	"top", "bottom", "left", "right"
};

/* A plane being scanned, with the thresholds scaled to its depth. */
struct scan {
	const struct crop_plane	*p;
	int			 wide;		/* 16-bit samples */
	int			 bps;		/* bytes per sample */
	unsigned int		 lim;		/* black: mean <= lim */
	unsigned int		 bright;	/* bright: sample > bright */
	unsigned int		 grey;		/* grey bar: mean <= grey */
	unsigned int		 flat;		/* grey bar: deviation <= */
	unsigned int		 spread;	/* grey bar: |mean - level| <= */
	unsigned int		 step;		/* the picture's step */
};

/* One line of an edge: where its samples are and how many. */
struct line {
	const uint8_t	*q;
	ptrdiff_t	 step;
	int		 n;
};

static int	edge_get(const struct crop *, int);
static void	edge_set(struct crop *, int, int);
static void	append(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Read one sample. */
static inline unsigned int
sample(const uint8_t *q, int wide)
{
	uint16_t	v;

	if (!wide)
		return *q;
	memcpy(&v, q, sizeof(v));
	return v;
}

/* Address of sample (x, y). */
static inline const uint8_t *
at(const struct scan *sc, int x, int y)
{
	return sc->p->data + (ptrdiff_t)y * sc->p->linesize +
	    (ptrdiff_t)x * sc->bps;
}

/* Whether n samples starting at q, step bytes apart, form a black line. */
static int
line_black(const struct scan *sc, const uint8_t *q, ptrdiff_t step, int n)
{
	uint64_t	sum = 0;
	unsigned int	v;
	int		i, nbright = 0, maxbright = n / CROP_BRIGHT_FRAC;

	for (i = 0; i < n; i++) {
		v = sample(q + i * step, sc->wide);
		sum += v;
		if (v > sc->bright && ++nbright > maxbright)
			return 0;
	}
	return sum <= (uint64_t)sc->lim * (uint64_t)n;
}

static int
row_black(const struct scan *sc, int y)
{
	return line_black(sc, at(sc, 0, y), sc->bps, sc->p->width);
}

/* Whether column x is black within rows y0 to y1 - 1. */
static int
col_black(const struct scan *sc, int x, int y0, int y1)
{
	return line_black(sc, at(sc, x, y0), sc->p->linesize, y1 - y0);
}

/* The sum of the picture's samples inside borders c, their number in *n. */
static uint64_t
inner_sum(const struct scan *sc, const struct crop *c, uint64_t *n)
{
	uint64_t	 sum = 0;
	const uint8_t	*row;
	int		 x, y, x1, y1;

	x1 = sc->p->width - c->right;
	y1 = sc->p->height - c->bottom;
	for (y = c->top; y < y1; y++) {
		row = at(sc, 0, y);
		for (x = c->left; x < x1; x++)
			sum += sample(row + (ptrdiff_t)x * sc->bps, sc->wide);
	}
	*n = (uint64_t)(y1 - c->top) * (uint64_t)(x1 - c->left);
	return sum;
}

/* Whether the picture inside borders c has a mean <= the black limit. */
static int
inner_dark(const struct scan *sc, const struct crop *c)
{
	uint64_t	n, sum = inner_sum(sc, c, &n);

	return sum <= (uint64_t)sc->lim * n;
}

/* The mean of the picture inside borders c. */
static unsigned int
inner_mean(const struct scan *sc, const struct crop *c)
{
	uint64_t	n, sum = inner_sum(sc, c, &n);

	return n > 0 ? (unsigned int)(sum / n) : 0;
}

/* Check a plane's geometry and set up the scan state; -1 if invalid. */
static int
scan_init(struct scan *sc, const struct crop_plane *p, int limit)
{
	long long	rowbytes;
	int		shift;

	if (p == NULL || p->data == NULL || p->width <= 0 ||
	    p->height <= 0 || p->depth < 8 || p->depth > 16)
		return -1;
	sc->p = p;
	sc->wide = p->depth > 8;
	sc->bps = sc->wide ? 2 : 1;
	rowbytes = (long long)p->width * sc->bps;
	if (p->linesize < rowbytes && -(long long)p->linesize < rowbytes)
		return -1;
	if (limit < 0)
		limit = 0;
	if (limit > 255)
		limit = 255;
	shift = p->depth - 8;
	sc->lim = (unsigned int)limit << shift;
	sc->bright = (unsigned int)(limit + CROP_BRIGHT_MARGIN) << shift;
	sc->grey = (unsigned int)(limit + CROP_GREY_MARGIN) << shift;
	sc->flat = CROP_GREY_FLAT << shift;
	sc->spread = CROP_GREY_SPREAD << shift;
	sc->step = CROP_GREY_STEP << shift;
	return 0;
}

/* Line k (0 at the frame's edge) of edge e; columns within rows y0..y1-1. */
static struct line
edge_line(const struct scan *sc, int e, int k, int y0, int y1)
{
	struct line	l;

	switch (e) {
	case EDGE_TOP:
	case EDGE_BOTTOM:
		l.q = at(sc, 0, e == EDGE_TOP ? k : sc->p->height - 1 - k);
		l.step = sc->bps;
		l.n = sc->p->width;
		break;
	default:
		l.q = at(sc, e == EDGE_LEFT ? k : sc->p->width - 1 - k, y0);
		l.step = sc->p->linesize;
		l.n = y1 - y0;
		break;
	}
	return l;
}

/* A line's mean; with flat, whether it is flat enough for a grey bar. */
static unsigned int
line_mean(const struct scan *sc, const struct line *l, int *flat)
{
	uint64_t	sum = 0, dev = 0;
	unsigned int	mean, v;
	int		i;

	for (i = 0; i < l->n; i++)
		sum += sample(l->q + i * l->step, sc->wide);
	mean = (unsigned int)(sum / (uint64_t)l->n);
	if (flat == NULL)
		return mean;
	for (i = 0; i < l->n; i++) {
		v = sample(l->q + i * l->step, sc->wide);
		dev += v > mean ? v - mean : mean - v;
	}
	*flat = dev <= (uint64_t)sc->flat * (uint64_t)l->n;
	return mean;
}

/* The distance between two levels. */
static unsigned int
level_diff(unsigned int a, unsigned int b)
{
	return a > b ? a - b : b - a;
}

/*
 * The grey bar at edge e, of at most max lines (columns within rows y0 to
 * y1 - 1): its size with the lines skipped at the edge, 0 when there is
 * none or when it cannot be wider than the black border of have lines;
 * its level in *level.
 */
static int
grey_edge(const struct scan *sc, int e, int y0, int y1, int max, int have,
    unsigned int *level)
{
	struct line	l;
	unsigned int	m;
	int		skip, k, flat;

	if (max <= 0 || (e >= EDGE_LEFT && y1 <= y0))
		return 0;
	/*
	 * A bar starts within the first CROP_EDGE_LINES lines and ends at
	 * the first line brighter than a grey bar: when the line after the
	 * black border is one, no bar is wider than the border (the common
	 * black letterbox costs one line here).
	 */
	if (have >= CROP_EDGE_LINES && have < max) {
		l = edge_line(sc, e, have, y0, y1);
		if (line_mean(sc, &l, NULL) > sc->grey)
			return 0;
	}
	for (skip = 0; skip <= CROP_EDGE_LINES && skip < max; skip++) {
		l = edge_line(sc, e, skip, y0, y1);
		*level = line_mean(sc, &l, &flat);
		if (!flat || *level > sc->grey)
			continue;
		for (k = skip + 1; k < max; k++) {
			l = edge_line(sc, e, k, y0, y1);
			m = line_mean(sc, &l, &flat);
			if (!flat || m > sc->grey ||
			    level_diff(m, *level) > sc->spread)
				break;
		}
		if (k - skip >= CROP_MIN_BAR && k < max &&
		    level_diff(line_mean(sc, &l, NULL), *level) >= sc->step)
			return k;
	}
	return 0;
}

/*
 * Whether borders a and b of an axis, one or both of them grey bars, look
 * like a letterbox's or pillarbox's: a bar on both sides, the smaller at
 * least half the larger (a dark sky above a lit street is one-sided).
 */
static int
grey_pair(int a, int b)
{
	int	lo = a < b ? a : b, hi = a < b ? b : a;

	return lo >= CROP_MIN_BAR && lo * 2 >= hi;
}

/*
 * Grey bars at edges e and e + 1 (top and bottom, or left and right;
 * columns within rows y0..y1-1) where they are larger than the borders
 * in c: into c when they pair, their level in *level and the edges
 * widened returned as bits.
 */
static int
grey_axis(const struct scan *sc, int e, int y0, int y1, struct crop *c,
    unsigned int *level)
{
	unsigned int	lv[2], top = 0;
	int		dim, n[2], v[2], i, wider = 0;

	dim = e == EDGE_TOP ? sc->p->height : sc->p->width;
	v[0] = edge_get(c, e);
	v[1] = edge_get(c, e + 1);
	n[0] = grey_edge(sc, e, y0, y1, dim - 1 - v[1], v[0], &lv[0]);
	n[1] = grey_edge(sc, e + 1, y0, y1, dim - 1 - (n[0] > v[0] ? n[0] :
	    v[0]), v[1], &lv[1]);
	for (i = 0; i < 2; i++)
		if (n[i] > v[i]) {
			v[i] = n[i];
			wider |= 1 << (e + i);
			if (lv[i] > top)
				top = lv[i];
		}
	if (wider == 0 || !grey_pair(v[0], v[1]) || v[0] + v[1] >= dim)
		return 0;
	if (top > *level)
		*level = top;
	edge_set(c, e, v[0]);
	edge_set(c, e + 1, v[1]);
	return wider;
}

/*
 * Widen the black borders c with grey bars where they are larger: top and
 * bottom, then the columns within the rows left (black ones found again
 * there).  Unchanged when the picture inside is not clearly brighter than
 * the bars.
 */
static void
grey_widen(const struct scan *sc, struct crop *c)
{
	struct crop	g = *c;
	unsigned int	level = 0;
	int		w = sc->p->width, y1, wider;

	wider = grey_axis(sc, EDGE_TOP, 0, 0, &g, &level);
	y1 = sc->p->height - g.bottom;
	if (wider != 0) {
		for (g.left = 0; g.left < w && col_black(sc, g.left, g.top,
		    y1); g.left++)
			;
		for (g.right = 0; w - 1 - g.right > g.left &&
		    col_black(sc, w - 1 - g.right, g.top, y1); g.right++)
			;
	}
	wider |= grey_axis(sc, EDGE_LEFT, g.top, y1, &g, &level);
	if (wider != 0 && inner_mean(sc, &g) >= level + sc->step)
		*c = g;
}

/*
 * Find the black borders of one frame.  On CROP_SCAN_OK, and also on
 * CROP_SCAN_IMPLAUSIBLE (for logging), *out holds the raw border sizes;
 * otherwise it is zeroed.  An invalid plane is CROP_SCAN_IMPLAUSIBLE.
 */
enum crop_scan_result
crop_scan(const struct crop_plane *p, int limit, struct crop *out)
{
	struct scan	sc;
	struct crop	c;
	int		w, h, y1;

	if (out == NULL)
		return CROP_SCAN_IMPLAUSIBLE;
	memset(out, 0, sizeof(*out));
	if (scan_init(&sc, p, limit) == -1)
		return CROP_SCAN_IMPLAUSIBLE;
	w = p->width;
	h = p->height;

	for (c.top = 0; c.top < h && row_black(&sc, c.top); c.top++)
		;
	if (c.top == h)
		return CROP_SCAN_DARK;
	for (c.bottom = 0; h - 1 - c.bottom > c.top &&
	    row_black(&sc, h - 1 - c.bottom); c.bottom++)
		;
	y1 = h - c.bottom;
	for (c.left = 0; c.left < w && col_black(&sc, c.left, c.top, y1);
	    c.left++)
		;
	if (c.left == w)
		return CROP_SCAN_DARK;
	for (c.right = 0; w - 1 - c.right > c.left &&
	    col_black(&sc, w - 1 - c.right, c.top, y1); c.right++)
		;
	grey_widen(&sc, &c);

	if ((w - c.left - c.right) * 4 < w || (h - c.top - c.bottom) * 4 < h) {
		*out = c;
		return CROP_SCAN_IMPLAUSIBLE;
	}
	if (inner_dark(&sc, &c))
		return CROP_SCAN_DARK;
	*out = c;
	return CROP_SCAN_OK;
}

static int
edge_get(const struct crop *c, int e)
{
	switch (e) {
	case EDGE_TOP:
		return c->top;
	case EDGE_BOTTOM:
		return c->bottom;
	case EDGE_LEFT:
		return c->left;
	default:
		return c->right;
	}
}

static void
edge_set(struct crop *c, int e, int v)
{
	switch (e) {
	case EDGE_TOP:
		c->top = v;
		break;
	case EDGE_BOTTOM:
		c->bottom = v;
		break;
	case EDGE_LEFT:
		c->left = v;
		break;
	default:
		c->right = v;
		break;
	}
}

static int
cmp_int(const void *a, const void *b)
{
	int	x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Append formatted text to a string buffer, truncating. */
static void
append(char *buf, size_t len, const char *fmt, ...)
{
	va_list	ap;
	size_t	used;

	if (buf == NULL || len == 0)
		return;
	used = strlen(buf);
	if (used >= len - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * Combine edge e over n samples (clamped to 0..dim).  Returns the border;
 * *nless is set to the number of frames with clearly less border than the
 * median when that made it use the minimum, else 0.
 */
static int
combine_edge(const struct crop *s, size_t n, int e, int dim,
    enum crop_mode mode, size_t *nless)
{
	int	v[CROP_MAX_SAMPLES], med;
	size_t	i, less = 0;

	for (i = 0; i < n; i++) {
		v[i] = edge_get(&s[i], e);
		if (v[i] < 0)
			v[i] = 0;
		if (v[i] > dim)
			v[i] = dim;
	}
	qsort(v, n, sizeof(v[0]), cmp_int);
	*nless = 0;
	if (mode == CROP_CONSERVATIVE)
		return v[0];
	med = v[(n - 1) / 2];
	for (i = 0; i < n; i++) {
		if (v[i] < med - CROP_MIXED_PX)
			less++;
	}
	if (less * CROP_MIXED_FRAC >= n) {
		*nless = less;
		return v[0];
	}
	return med;
}

/* Explain how the borders were chosen. */
static void
explain(char *why, size_t whylen, enum crop_mode mode, size_t n,
    size_t total, const size_t *nless)
{
	int	e, k = 0, nmixed = 0;

	for (e = 0; e < EDGE_MAX; e++)
		nmixed += nless[e] != 0;
	if (mode == CROP_CONSERVATIVE)
		append(why, whylen, "smallest border over %zu frames", n);
	else if (nmixed == 0)
		append(why, whylen, "median of %zu frames", n);
	else {
		append(why, whylen, "mixed aspect ratio: ");
		for (e = 0; e < EDGE_MAX; e++) {
			if (nless[e] == 0)
				continue;
			if (k++ == 0)
				append(why, whylen, "%zu of %zu frames show less"
				    " border at the %s", nless[e], n,
				    edge_names[e]);
			else
				append(why, whylen, "%s%zu at the %s",
				    k == nmixed ? " and " : ", ", nless[e],
				    edge_names[e]);
		}
		append(why, whylen, ", using the smallest border");
		if (nmixed < EDGE_MAX)
			append(why, whylen, " there, median of %zu frames"
			    " elsewhere", n);
	}
	if (total > n)
		append(why, whylen, " (first %zu of %zu)", n, total);
}

/*
 * Make borders a and b of an axis of size dim even (rounding down) and add
 * one to b if dim is odd, so that what remains is even.  If that would
 * leave less than CROP_MIN_PICTURE, crop nothing on this axis and return
 * -1; else return 0.
 */
static int
fit_axis(int *a, int *b, int dim)
{
	*a &= ~1;
	*b &= ~1;
	if (dim % 2 != 0)
		(*b)++;
	if (*a == 0 && *b == 0)
		return 0;
	if ((long long)dim - *a - *b >= CROP_MIN_PICTURE)
		return 0;
	*a = *b = 0;
	return -1;
}

/*
 * Combine the borders of n usable frames of width x height into *out,
 * with an explanation for the log in why.  CROP_OFF and n == 0 give a
 * zero crop (with no odd-size adjustment: nothing is cropped at all).
 * CROP_MANUAL is not handled here, the caller applies the configured
 * values: it is rejected like an invalid argument.  Only the first
 * CROP_MAX_SAMPLES samples are used.  Returns 0, or -1 on invalid
 * arguments.
 */
int
crop_combine(const struct crop *s, size_t n, int width, int height,
    enum crop_mode mode, struct crop *out, char *why, size_t whylen)
{
	struct crop	c;
	size_t		nless[EDGE_MAX], total = n;
	int		e;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (out == NULL || (s == NULL && n > 0) || width <= 0 ||
	    height <= 0 || (why == NULL && whylen > 0))
		return -1;
	if (mode == CROP_OFF) {
		append(why, whylen, "cropping off");
		return 0;
	}
	if (mode != CROP_AUTO && mode != CROP_CONSERVATIVE)
		return -1;
	if (n == 0) {
		append(why, whylen, "no usable frames, not cropping");
		return 0;
	}
	if (n > CROP_MAX_SAMPLES)
		n = CROP_MAX_SAMPLES;

	for (e = 0; e < EDGE_MAX; e++)
		edge_set(&c, e, combine_edge(s, n, e,
		    e < EDGE_LEFT ? height : width, mode, &nless[e]));
	explain(why, whylen, mode, n, total, nless);

	if (fit_axis(&c.top, &c.bottom, height) == -1)
		append(why, whylen, "; would leave less than %d rows,"
		    " not cropping top and bottom", CROP_MIN_PICTURE);
	else if (height % 2 != 0)
		append(why, whylen, "; odd height, 1 more row at the bottom");
	if (fit_axis(&c.left, &c.right, width) == -1)
		append(why, whylen, "; would leave less than %d columns,"
		    " not cropping left and right", CROP_MIN_PICTURE);
	else if (width % 2 != 0)
		append(why, whylen, "; odd width, 1 more column at the right");
	*out = c;
	return 0;
}
