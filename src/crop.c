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
 * bar is not black.  A frame is CROP_SCAN_DARK when every row (or every
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
};

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

/* Whether the picture inside borders c has a mean <= the black limit. */
static int
inner_dark(const struct scan *sc, const struct crop *c)
{
	uint64_t	 sum = 0, n;
	const uint8_t	*row;
	int		 x, y, x1, y1;

	x1 = sc->p->width - c->right;
	y1 = sc->p->height - c->bottom;
	for (y = c->top; y < y1; y++) {
		row = at(sc, 0, y);
		for (x = c->left; x < x1; x++)
			sum += sample(row + (ptrdiff_t)x * sc->bps, sc->wide);
	}
	n = (uint64_t)(y1 - c->top) * (uint64_t)(x1 - c->left);
	return sum <= (uint64_t)sc->lim * n;
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
	return 0;
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
