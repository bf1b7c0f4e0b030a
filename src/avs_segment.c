/*
 * The pieces of a spliced script: when a script is a splice (+ or ++) of
 * chains, each over one source, with only per-frame filters (crop,
 * resize, format, flip) after the splice, each piece can be read alone
 * as its own chain with those filters added, from any of its frames.  A
 * reader then goes from piece to piece instead of through the splice.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_local.h"
#include "log.h"
#include "xmalloc.h"

#define SEG_MAX	256

/* Append ",text" (or "text" first) to *s. */
static void
seg_join(char **s, const char *text)
{
	char	*t;

	xasprintf(&t, "%s%s%s", *s != NULL ? *s : "", *s != NULL ? "," : "",
	    text);
	free(*s);
	*s = t;
}

/* The leaves of a splice tree, in order; -1 when there are too many. */
static int
seg_leaves(const struct avs_clip *c, const struct avs_clip **leaf, int n)
{
	if (c->op != AVS_C_CONCAT) {
		if (n == SEG_MAX)
			return -1;
		leaf[n] = c;
		return n + 1;
	}
	if ((n = seg_leaves(c->in[0], leaf, n)) < 0)
		return -1;
	return seg_leaves(c->in[1], leaf, n);
}

/* The filters of a chain from its source up, as one filter text, and how
 * its frames map to the source's; -1 when it is no such chain. */
static int
seg_chain(const struct avs_clip *c, struct avs_segment *s)
{
	const struct avs_clip	*chain[SEG_MAX];
	int			 n = 0;

	s->mul = 1;
	s->add = 0;
	s->frames = c->frames;
	for (; c->op == AVS_C_FILTER; c = c->in[0]) {
		if (c->map == AVS_MAP_OTHER || n == SEG_MAX)
			return -1;
		if (c->map == AVS_MAP_TRIM)
			s->add += c->map_off;
		else if (c->map == AVS_MAP_STEP2) {
			s->add = 2 * s->add + c->map_off;
			s->mul *= 2;
		}
		chain[n++] = c;
	}
	if (c->op != AVS_C_SOURCE)
		return -1;
	s->input = c->input;
	while (n-- > 0)
		seg_join(&s->graph, chain[n]->filter);
	return 0;
}

/* Make a piece's graph text: its chain, then the filters after the
 * splice. */
static void
seg_graph(struct avs_segment *s, const char *after)
{
	char	*g;

	if (after != NULL)
		seg_join(&s->graph, after);
	xasprintf(&g, "[in%d]%s[out]", s->input, s->graph != NULL ?
	    s->graph : "null");
	free(s->graph);
	s->graph = g;
}

/* The per-frame filters between the result and the splice under it. */
static const struct avs_clip *
seg_top(const struct avs_clip *c, char **after)
{
	const struct avs_clip	*chain[SEG_MAX];
	int			 n = 0;

	for (; c->op == AVS_C_FILTER; c = c->in[0]) {
		if (c->map != AVS_MAP_SAME || n == SEG_MAX)
			return NULL;
		chain[n++] = c;
	}
	if (c->op != AVS_C_CONCAT)
		return NULL;
	while (n-- > 0)
		seg_join(after, chain[n]->filter);
	return c;
}

void
avs_segments_free(struct avs_plan *p)
{
	int	i;

	for (i = 0; i < p->nsegs; i++)
		free(p->segs[i].graph);
	free(p->segs);
	p->segs = NULL;
	p->nsegs = 0;
}

/* Find the pieces of a spliced clip, when it is made as above. */
void
avs_segments(const struct avs_clip *c, struct avs_plan *p)
{
	const struct avs_clip	*leaf[SEG_MAX];
	char			*after = NULL;
	int			 i, n;

	if ((c = seg_top(c, &after)) == NULL ||
	    (n = seg_leaves(c, leaf, 0)) < 0) {
		free(after);
		return;
	}
	p->segs = xcalloc(n, sizeof(*p->segs));
	p->nsegs = n;
	for (i = 0; i < n; i++) {
		if (seg_chain(leaf[i], &p->segs[i]) != 0) {
			avs_segments_free(p);
			break;
		}
		seg_graph(&p->segs[i], after);
	}
	free(after);
}
