/*
 * The filter graph of a clip, as text for libavfilter: each clip's filter
 * written once, split when more than one clip uses it; the sources are
 * the open inputs [inN], the result the open output [out].
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "avs_local.h"
#include "log.h"
#include "xmalloc.h"

/* Count how many nodes use each clip, from the result down. */
static void
graph_count(struct avs_clip *c)
{
	int	i;

	if (c->uses++ > 0)
		return;
	for (i = 0; i < 2; i++)
		if (c->in[i] != NULL)
			graph_count(c->in[i]);
}

static void
graph_add(char **g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
graph_add(char **g, const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *t;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	xasprintf(&t, "%s%s", *g != NULL ? *g : "", s);
	free(*g);
	free(s);
	*g = t;
}

/* Write a clip's filters (once) and give a consumer its output label. */
static void
graph_emit(struct avs_clip *c, char **g, char *label, size_t len)
{
	char	a[32], b[32];
	int	i;

	if (c->handed == 0) {
		if (c->op == AVS_C_FILTER) {
			graph_emit(c->in[0], g, a, sizeof(a));
			graph_add(g, "[%s]%s[c%d];", a, c->filter, c->id);
		} else if (c->op == AVS_C_CONCAT) {
			graph_emit(c->in[0], g, a, sizeof(a));
			graph_emit(c->in[1], g, b, sizeof(b));
			graph_add(g, "[%s][%s]concat=n=2:v=1:a=0,setpts=N"
			    "[c%d];", a, b, c->id);
		} else
			graph_add(g, "[in%d]null[c%d];", c->input, c->id);
		if (c->uses > 1) {
			graph_add(g, "[c%d]split=%d", c->id, c->uses);
			for (i = 0; i < c->uses; i++)
				graph_add(g, "[c%ds%d]", c->id, i);
			graph_add(g, ";");
		}
	}
	if (c->uses > 1)
		snprintf(label, len, "c%ds%d", c->id, c->handed);
	else
		snprintf(label, len, "c%d", c->id);
	c->handed++;
}

/* The graph text of clip c. */
char *
avs_graph(struct avs_clip *c)
{
	char	*g = NULL, label[32];

	graph_count(c);
	graph_emit(c, &g, label, sizeof(label));
	graph_add(&g, "[%s]null[out]", label);
	return g;
}
