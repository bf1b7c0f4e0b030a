/*
 * Chunk planning, pure: scene changes (the frame numbers where a scene
 * starts) become chunks.  A scene shorter than the minimum is merged with
 * the ones after it until the chunk is long enough; the last chunk may be
 * shorter.  With a maximum, a longer chunk is split into equal parts.  The
 * queue runs the costliest first (the sum of its frames' estimated costs,
 * or its length when they are not known), with the last chunk at its
 * head; a chunk that would still run when the others are done is split
 * (chunk_balance).
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "xmalloc.h"

#define CHUNK_SLACK	20	/* a chunk may end 1/20 of a share late */
#define CHUNK_MAX_SPLITS 64

/* Append a chunk of frames starting at first. */
static void
chunk_add(struct chunk **c, size_t *n, int64_t first, int64_t frames)
{
	*c = xreallocarray(*c, *n + 1, sizeof(**c));
	(*c)[*n].first = first;
	(*c)[*n].frames = frames;
	(*c)[*n].pts = 0;
	(*c)[*n].cost = 0;
	(*c)[*n].split = 0;
	(*n)++;
}

/* Append a chunk, split into equal parts of at most max frames. */
static void
chunk_add_split(struct chunk **c, size_t *n, int64_t first, int64_t frames,
    int max)
{
	int64_t	parts, i, at, next;

	parts = max > 0 ? (frames + max - 1) / max : 1;
	for (i = 0, at = first; i < parts; i++, at = next) {
		next = first + frames * (i + 1) / parts;
		chunk_add(c, n, at, next - at);
	}
}

/*
 * Chunks for a film of frames frames with scene changes at cuts (sorted,
 * each in 1..frames-1; others are an error).  min >= 1; max 0 for none.
 */
int
chunk_plan(const int64_t *cuts, size_t ncuts, int64_t frames, int min,
    int max, struct chunk **out, size_t *nout, char **cause)
{
	struct chunk	*c = NULL;
	size_t		 n = 0, i;
	int64_t		 start = 0, end;

	if (frames <= 0) {
		xasprintf(cause, "no frames to encode");
		return -1;
	}
	for (i = 0; i < ncuts; i++) {
		if (cuts[i] < 0 || cuts[i] >= frames) {
			xasprintf(cause, "scene change at frame %" PRId64
			    " is beyond the end (%" PRId64 " frames)", cuts[i],
			    frames);
			return -1;
		}
		if (i > 0 && cuts[i] <= cuts[i - 1]) {
			xasprintf(cause, "scene changes out of order at "
			    "frame %" PRId64, cuts[i]);
			return -1;
		}
	}
	for (i = 0; i <= ncuts; i++) {
		end = i < ncuts ? cuts[i] : frames;
		if (end == 0 || (end - start < min && i < ncuts))
			continue;	/* merged with what follows */
		chunk_add_split(&c, &n, start, end - start, max);
		start = end;
	}
	*out = c;
	*nout = n;
	return 0;
}

/*
 * Each chunk's cost: the sum of its frames' in cost (one a frame), or 0
 * (unknown) for all when cost is NULL.
 */
void
chunk_weigh(struct chunk *c, size_t n, const uint32_t *cost)
{
	size_t	i;
	int64_t	f;

	for (i = 0; i < n; i++) {
		c[i].cost = 0;
		for (f = 0; cost != NULL && f < c[i].frames; f++)
			c[i].cost += cost[c[i].first + f];
	}
}

/* What the queue orders by: the cost when every chunk has one, else the
 * length. */
static int
chunk_by_cost(const struct chunk *c, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (c[i].cost <= 0)
			return 0;
	return 1;
}

/* Costliest (or longest) first; equals in film order. */
static const struct chunk *chunk_sort_base;
static int chunk_sort_cost;

static int
chunk_cmp(const void *a, const void *b)
{
	const struct chunk	*ca = &chunk_sort_base[*(const size_t *)a];
	const struct chunk	*cb = &chunk_sort_base[*(const size_t *)b];
	int64_t			 wa, wb;

	wa = chunk_sort_cost ? ca->cost : ca->frames;
	wb = chunk_sort_cost ? cb->cost : cb->frames;
	if (wa != wb)
		return wa < wb ? 1 : -1;
	return ca->first < cb->first ? -1 : ca->first > cb->first;
}

/*
 * The order to encode n chunks in, into order[n]: costliest first (the
 * longest when the costs are not known), and the last chunk of the film
 * at the head, so it is in the first batch however many run at once
 * (batch, kept for callers that place it otherwise).
 */
void
chunk_queue(const struct chunk *c, size_t n, size_t batch, size_t *order)
{
	size_t	i, last = n - 1;

	(void)batch;
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		order[i] = i;
	chunk_sort_base = c;
	chunk_sort_cost = chunk_by_cost(c, n);
	qsort(order, n, sizeof(*order), chunk_cmp);
	chunk_sort_base = NULL;
	for (i = 0; order[i] != last; i++)
		;
	memmove(order + 1, order, i * sizeof(*order));
	order[0] = last;
}

/* A chunk's weight in the balance: its cost, or its length. */
static int64_t
chunk_weight(const struct chunk *c, int by_cost)
{
	return by_cost ? c->cost : c->frames;
}

/*
 * Play the queue on encoders encoders, each taking the next chunk when it
 * is free, as the scheduler does: the first chunk that would still run
 * well after the work left when it starts, shared by the encoders, is done
 * (more than CHUNK_SLACK of an encoder's share of the whole), and the
 * weight its first part should have, into *share.  -1 when none.
 */
static ssize_t
chunk_laggard(const struct chunk *c, size_t n, int encoders, int by_cost,
    int64_t *share)
{
	size_t	*order, i, k;
	int64_t	*busy, total = 0, left, t;
	ssize_t	 found = -1;
	int	 e, m;

	order = xcalloc(n, sizeof(*order));
	busy = xcalloc(encoders, sizeof(*busy));
	for (i = 0; i < n; i++)
		total += chunk_weight(&c[i], by_cost);
	chunk_queue(c, n, encoders, order);
	for (i = 0, left = total; i < n && found < 0; i++) {
		for (m = 0, e = 1; e < encoders; e++)
			if (busy[e] < busy[m])
				m = e;
		t = busy[m];
		*share = left;
		for (e = 0; e < encoders; e++)
			*share += busy[e] > t ? busy[e] - t : 0;
		*share /= encoders;
		k = order[i];
		if (chunk_weight(&c[k], by_cost) - *share >
		    total / encoders / CHUNK_SLACK)
			found = k;
		left -= chunk_weight(&c[k], by_cost);
		busy[m] = t + chunk_weight(&c[k], by_cost);
	}
	free(busy);
	free(order);
	return found;
}

/*
 * Where to split chunk c so that its first part weighs about share, each
 * part at least minpart frames: the first frame of the second part, or 0
 * when it cannot be split.
 */
static int64_t
chunk_split_at(const struct chunk *c, const uint32_t *cost, int64_t share,
    int64_t minpart)
{
	int64_t	m, w = 0;

	if (c->frames < 2 * minpart)
		return 0;
	for (m = 1; m < c->frames - minpart; m++) {
		w += cost != NULL ? cost[c->first + m - 1] : 1;
		if (m >= minpart && w >= share)
			break;
	}
	return c->first + m;
}

/*
 * Split the chunks (weighed by chunk_weigh with the same cost) that would
 * leave encoders idle at the end of the queue, at a frame inside each
 * (marked split: it starts with a forced keyframe), each part at least
 * minpart frames (>= 1).  The number of splits made.
 */
size_t
chunk_balance(struct chunk **cp, size_t *np, const uint32_t *cost,
    int encoders, int64_t minpart)
{
	struct chunk	*c;
	size_t		 splits = 0, n;
	ssize_t		 k;
	int64_t		 share, at;
	int		 by_cost = chunk_by_cost(*cp, *np);

	if (minpart < 1)
		minpart = 1;
	while (encoders > 1 && splits < CHUNK_MAX_SPLITS &&
	    (k = chunk_laggard(*cp, *np, encoders, by_cost, &share)) >= 0) {
		c = *cp;
		n = *np;
		if ((at = chunk_split_at(&c[k], by_cost ? cost : NULL, share,
		    minpart)) == 0)
			break;
		c = xreallocarray(c, n + 1, sizeof(*c));
		memmove(&c[k + 2], &c[k + 1], (n - k - 1) * sizeof(*c));
		c[k + 1] = c[k];
		c[k + 1].first = at;
		c[k + 1].frames = c[k].first + c[k].frames - at;
		c[k + 1].split = 1;
		c[k].frames = at - c[k].first;
		chunk_weigh(&c[k], 2, by_cost ? cost : NULL);
		*cp = c;
		*np = n + 1;
		splits++;
	}
	return splits;
}

/*
 * Move each chunk's start but the first to the nearest multiple of cycle
 * (frames from the first, > 1), so that a filter working in cycles of
 * frames from the first it sees (decimate) sees each chunk's as it sees
 * the whole film's; chunks that vanish are merged into the one before.
 * Costs are weighed again with cost.
 */
void
chunk_align(struct chunk *c, size_t *np, int64_t frames, int cycle,
    const uint32_t *cost)
{
	size_t	i, n = 0;
	int64_t	at;

	for (i = 0; i < *np; i++) {
		at = (c[i].first + cycle / 2) / cycle * cycle;
		if (i == 0)
			at = 0;
		else if (at <= c[n - 1].first || at >= frames)
			continue;	/* merged into the one before */
		c[n] = c[i];
		c[n].first = at;
		n++;
	}
	for (i = 0; i < n; i++)
		c[i].frames = (i + 1 < n ? c[i + 1].first : frames) -
		    c[i].first;
	*np = n;
	chunk_weigh(c, n, cost);
}

/*
 * Whether every chunk of p but the first starts on a multiple of cycle:
 * 0, or -1 with the reason.
 */
int
plan_aligned(const struct plan *p, int cycle, char **cause)
{
	size_t	i;

	for (i = 1; i < p->nchunks; i++)
		if (p->chunks[i].first % cycle != 0) {
			xasprintf(cause, "chunk %zu starts at frame %" PRId64
			    ", not on a cycle of %d frames", i,
			    p->chunks[i].first, cycle);
			return -1;
		}
	return 0;
}

/* The plan as text: one item a line. */
char *
plan_format(const struct plan *p)
{
	char	*s, *t;
	size_t	 i;
	int	 a;

	xasprintf(&s, "distenc-plan 1\nkey %s\nframes %" PRId64 "\n"
	    "duration %" PRId64 "\npicture %d %d %d %d %d %d %d\n", p->key,
	    p->frames, p->duration, p->crop[0], p->crop[1], p->crop[2],
	    p->crop[3], p->width, p->height, p->depth);
	for (a = 0; a < p->naudio; a++) {
		xasprintf(&t, "%saudio %d %.6f %.6f %.6f %d\n", s, a,
		    p->audio[a].i, p->audio[a].lra, p->audio[a].tp,
		    p->audio[a].valid);
		free(s);
		s = t;
	}
	for (i = 0; i < p->nchunks; i++) {
		xasprintf(&t, "%schunk %zu %" PRId64 " %" PRId64 " %" PRId64
		    " %" PRId64 "%s\n", s, i, p->chunks[i].first,
		    p->chunks[i].frames, p->chunks[i].pts, p->chunks[i].cost,
		    p->chunks[i].split ? " split" : "");
		free(s);
		s = t;
	}
	xasprintf(&t, "%send\n", s);
	free(s);
	return t;
}

/* Whether the picture of a plan is one an encoder can be given. */
static int
plan_picture_ok(const struct plan *p)
{
	int	i;

	for (i = 0; i < 4; i++)
		if (p->crop[i] < 0 || p->crop[i] > PLAN_MAX_SIDE)
			return 0;
	return p->width > 0 && p->width <= PLAN_MAX_SIDE &&
	    p->height > 0 && p->height <= PLAN_MAX_SIDE &&
	    (p->depth == 8 || p->depth == 10 || p->depth == 12);
}

/* Read a chunk line into p: NULL, or why it is refused. */
static const char *
plan_chunk(const struct chunk *c, size_t k, struct plan *p)
{
	const struct chunk	*prev = p->nchunks ? &p->chunks[k - 1] : NULL;

	if (k != p->nchunks || k >= PLAN_MAX_FRAMES)
		return "chunk out of order";
	if (c->frames <= 0 || c->frames > PLAN_MAX_FRAMES)
		return "chunk of no frames, or too many";
	if (c->first != (prev ? prev->first + prev->frames : 0))
		return "chunk does not start where the one before ends "
		    "(chunks overlap or leave a gap)";
	if (p->frames <= 0 || c->first + c->frames > p->frames)
		return "chunk past the film's last frame";
	if (prev != NULL && c->pts <= prev->pts)
		return "chunk timestamps do not increase";
	if (c->cost < 0 || c->cost > PLAN_MAX_COST)
		return "chunk cost out of range";
	if (c->split && k == 0)
		return "the first chunk cannot be split from one before";
	p->chunks = xreallocarray(p->chunks, k + 1, sizeof(*c));
	p->chunks[p->nchunks++] = *c;
	return NULL;
}

/*
 * The rest of a chunk line: its cost and "split" when it was split from
 * the chunk before; neither in a plan written before chunks had costs.
 */
static int
plan_chunk_rest(const char *rest, struct chunk *c)
{
	int	n = 0;

	c->cost = 0;
	c->split = 0;
	if (*rest == '\0')
		return 0;
	if (sscanf(rest, " %" SCNd64 "%n", &c->cost, &n) != 1 ||
	    rest[0] != ' ' || rest[1] == ' ')
		return -1;
	rest += n;
	if (strcmp(rest, " split") == 0)
		c->split = 1;
	else if (*rest != '\0')
		return -1;
	return 0;
}

/* Read one line of a plan into p: NULL, or why it is refused. */
static const char *
plan_line(const char *line, struct plan *p)
{
	struct plan_audio	a;
	struct chunk		c;
	size_t			k;
	int			n;

	memset(&c, 0, sizeof(c));	/* its padding too, for comparisons */
	if (sscanf(line, "key %16s", p->key) == 1)
		return NULL;
	if (sscanf(line, "frames %" SCNd64, &p->frames) == 1)
		return p->frames > 0 && p->frames <= PLAN_MAX_FRAMES &&
		    p->nchunks == 0 ? NULL : "frame count out of range";
	if (sscanf(line, "duration %" SCNd64, &p->duration) == 1)
		return p->duration >= 0 && p->duration <= PLAN_MAX_DURATION ?
		    NULL : "duration out of range";
	if (sscanf(line, "picture %d %d %d %d %d %d %d", &p->crop[0],
	    &p->crop[1], &p->crop[2], &p->crop[3], &p->width, &p->height,
	    &p->depth) == 7)
		return plan_picture_ok(p) ? NULL : "picture out of range "
		    "(size, crop or bit depth)";
	if (sscanf(line, "audio %d %lf %lf %lf %d", &n, &a.i, &a.lra, &a.tp,
	    &a.valid) == 5) {
		if (n != p->naudio || n >= CHUNK_MAX_AUDIO)
			return "audio track out of order";
		if (!isfinite(a.i) || !isfinite(a.lra) || !isfinite(a.tp) ||
		    (a.valid != 0 && a.valid != 1))
			return "loudness out of range";
		p->audio[p->naudio++] = a;
		return NULL;
	}
	if (sscanf(line, "chunk %zu %" SCNd64 " %" SCNd64 " %" SCNd64 "%n",
	    &k, &c.first, &c.frames, &c.pts, &n) == 4)
		return plan_chunk_rest(line + n, &c) != 0 ? "bad chunk line" :
		    plan_chunk(&c, k, p);
	return "bad item";
}

/*
 * Parse a plan written by plan_format; a partial plan is an error, and
 * so is any field out of range: the plan comes from a shared directory
 * and is trusted no more than any other host's file.
 */
int
plan_parse(const char *text, struct plan *p, char **cause)
{
	const char	*line = text, *nl, *why;
	char		 buf[256];
	int		 lineno = 1, ended = 0;

	memset(p, 0, sizeof(*p));
	if (strncmp(text, "distenc-plan 1\n", 15) != 0) {
		xasprintf(cause, "not a plan");
		return -1;
	}
	for (line = text + 15; *line != '\0' && !ended; line = nl + 1) {
		lineno++;
		if ((nl = strchr(line, '\n')) == NULL ||
		    (size_t)(nl - line) >= sizeof(buf))
			break;
		memcpy(buf, line, nl - line);
		buf[nl - line] = '\0';
		if (strcmp(buf, "end") == 0)
			ended = 1;
		else if ((why = plan_line(buf, p)) != NULL) {
			xasprintf(cause, "line %d: %s", lineno, why);
			plan_clear(p);
			return -1;
		}
	}
	if (!ended || p->nchunks == 0 || p->key[0] == '\0' ||
	    p->width <= 0) {
		xasprintf(cause, "incomplete plan");
		plan_clear(p);
		return -1;
	}
	if (p->chunks[p->nchunks - 1].first +
	    p->chunks[p->nchunks - 1].frames != p->frames) {
		xasprintf(cause, "the chunks end at frame %" PRId64 ", not at "
		    "the film's end (%" PRId64 " frames)",
		    p->chunks[p->nchunks - 1].first +
		    p->chunks[p->nchunks - 1].frames, p->frames);
		plan_clear(p);
		return -1;
	}
	return 0;
}

/*
 * Whether a plan can describe a source of width x height (frames_est
 * frames, 0 unknown): its crop inside the picture, its picture no larger
 * than what is left (a picture is only ever scaled down), its frame count
 * near the estimate.  0, or -1 with why not.
 */
int
plan_fits(const struct plan *p, int width, int height, int64_t frames_est,
    char **cause)
{
	int	w = width - p->crop[2] - p->crop[3];
	int	h = height - p->crop[0] - p->crop[1];

	if (w <= 0 || h <= 0 || p->width > w || p->height > h) {
		xasprintf(cause, "its picture (%dx%d, crop %d:%d:%d:%d) does "
		    "not fit the source's %dx%d", p->width, p->height,
		    p->crop[0], p->crop[1], p->crop[2], p->crop[3], width,
		    height);
		return -1;
	}
	if (frames_est > 0 && p->frames > frames_est * 2 + 1000) {
		xasprintf(cause, "its %" PRId64 " frames are far more than the "
		    "source's (about %" PRId64 ")", p->frames, frames_est);
		return -1;
	}
	return 0;
}

void
plan_clear(struct plan *p)
{
	free(p->chunks);
	p->chunks = NULL;
	p->nchunks = 0;
}
