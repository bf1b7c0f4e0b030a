/*
 * The scene-detection script of a script: scene changes are looked for
 * in a cheaper clip than the script's own.  NAME_scd.avs beside
 * NAME.avs when the user wrote one; else a script made of the script's
 * source line alone.  Either may be reduced by 2.  The frames of the
 * one made are the source's: the scene changes found there are brought
 * to the script's frames through its plan's map of its frames to its
 * source's (avs_scd_map).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "avs_local.h"
#include "log.h"
#include "xmalloc.h"

static const char *scd_sources[] = {
	"FFVideoSource", "FFmpegSource2", "FFMS2", "LWLibavVideoSource",
	"LSMASHVideoSource", "AviSource", "DirectShowSource"
};

/* The first source call in a statement's expression, depth first. */
static const struct avs_node *
scd_find(const struct avs_node *n)
{
	const struct avs_node	*r;
	size_t			 i;
	int			 k;

	if (n == NULL)
		return NULL;
	for (k = 0; k < n->nargs; k++)
		if ((r = scd_find(n->args[k])) != NULL)
			return r;
	if (n->kind != AVS_N_CALL)
		return NULL;
	for (i = 0; i < sizeof(scd_sources) / sizeof(scd_sources[0]); i++)
		if (strcasecmp(n->name, scd_sources[i]) == 0)
			return n;
	return NULL;
}

/* Append one literal argument's text; -1 when it is not a literal. */
static int
scd_arg(const char *script, const struct avs_node *a, int first, FILE *f)
{
	char	*path;

	switch (a->kind) {
	case AVS_N_STRING:
		if (!first) {
			fprintf(f, "\"%s\"", a->name);
			return 0;
		}
		path = avs_resolve(script, a->name);
		fprintf(f, "\"%s\"", path);
		free(path);
		return 0;
	case AVS_N_INT:
		fprintf(f, "%lld", (long long)a->num);
		return 0;
	case AVS_N_FLOAT:
		fprintf(f, "%.17g", a->num);
		return 0;
	case AVS_N_BOOL:
		fprintf(f, "%s", a->num != 0 ? "true" : "false");
		return 0;
	default:
		return -1;
	}
}

/* The source call again, its file name made absolute. */
static int
scd_call(const char *script, const struct avs_node *c, FILE *f)
{
	int	i;

	fprintf(f, "%s(", c->name);
	for (i = 0; i < c->nargs; i++) {
		if (i > 0)
			fprintf(f, ", ");
		if (c->argnames[i] != NULL)
			fprintf(f, "%s=", c->argnames[i]);
		if (scd_arg(script, c->args[i], i == 0 &&
		    c->argnames[i] == NULL, f) != 0)
			return -1;
	}
	fprintf(f, ")\n");
	return 0;
}

/* The text of a scene-detection script made from the source line. */
static char *
scd_from_source(const char *script, int reduce, char **cause)
{
	const struct avs_node	*n, *call = NULL;
	struct avs_node		*tree;
	char			*text, *out = NULL;
	size_t			 len;
	FILE			*f;

	if ((text = avs_read_file(script, &len, cause)) == NULL)
		return NULL;
	tree = avs_parse(text, len, script, cause);
	free(text);
	if (tree == NULL)
		return NULL;
	for (n = tree; n != NULL && call == NULL; n = n->next)
		call = scd_find(n);
	if ((f = open_memstream(&out, &len)) == NULL)
		fatal("open_memstream");
	if (call == NULL || scd_call(script, call, f) != 0) {
		fclose(f);
		free(out);
		avs_node_free(tree);
		xasprintf(cause, "%s: no source line with its file named "
		    "plainly, to make a scene-detection script from", script);
		return NULL;
	}
	if (reduce)
		fprintf(f, "ReduceBy2()\n");
	fclose(f);
	avs_node_free(tree);
	return out;
}

/* Write text to dir/name (replacing it). */
static char *
scd_write(const char *dir, const char *name, const char *text, char **cause)
{
	char	*path, *tmp;
	FILE	*f;

	xasprintf(&path, "%s/%s", dir, name);
	xasprintf(&tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF || rename(tmp, path) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		free(path);
		return NULL;
	}
	free(tmp);
	return path;
}

/* NAME from DIR/NAME.avs. */
static char *
scd_stem(const char *script)
{
	const char	*base;
	char		*stem;
	size_t		 n;

	base = strrchr(script, '/');
	base = base != NULL ? base + 1 : script;
	n = strlen(base);
	stem = xstrdup(base);
	if (n > 4 && strcasecmp(stem + n - 4, ".avs") == 0)
		stem[n - 4] = '\0';
	return stem;
}

/*
 * The scene-detection script for script, as a path: NAME_scd.avs beside
 * it when there is one (imported, then reduced, when reduce is set), else
 * one written in dir from the script's source line.  What is written in
 * dir never goes beside the script, where a spool would take it for a
 * job.  *how tells which (AVS_SCD_WRITTEN, AVS_SCD_SOURCE).
 */
char *
avs_scd_script(const char *given, int reduce, const char *dir, int *how,
    char **cause)
{
	struct stat	 sb;
	char		*script, *stem, *own, *text = NULL, *name, *path = NULL;
	size_t		 n;

	*how = 0;
	if ((script = realpath(given, NULL)) == NULL) {
		xasprintf(cause, "%s: %s", given, strerror(errno));
		return NULL;
	}
	stem = scd_stem(script);
	n = strlen(script) - (strlen(script) > 4 ? 4 : 0);
	xasprintf(&own, "%.*s_scd.avs", (int)n, script);
	if (stat(own, &sb) == 0 && S_ISREG(sb.st_mode)) {
		if (!reduce) {
			free(stem);
			free(script);
			return own;
		}
		xasprintf(&text, "Import(\"%s\")\nReduceBy2()\n", own);
	} else if ((text = scd_from_source(script, reduce, cause)) != NULL)
		*how |= AVS_SCD_SOURCE;
	if (text != NULL) {
		xasprintf(&name, "%s_scd%s.avs", stem, reduce ? "_half" : "");
		if ((path = scd_write(dir, name, text, cause)) != NULL)
			*how |= AVS_SCD_WRITTEN;
		free(name);
	}
	free(text);
	free(own);
	free(stem);
	free(script);
	return path;
}

/* Whether two paths name one file. */
static int
scd_same_file(const char *a, const char *b)
{
	struct stat	sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * Add the frame of a chain where a scene starting at source frame s
 * starts: the chain's first frame showing s or a later one, numbered
 * from base.  The chain's frame n is source frame n * mul + add; a scene
 * that starts before it, or after it, is none of its.
 */
static void
scd_map_one(int64_t s, int64_t base, int64_t frames, int64_t mul,
    int64_t add, int64_t **out, size_t *nout)
{
	int64_t	n;

	if (s < add || mul <= 0)
		return;
	n = (s - add + mul - 1) / mul;
	if (n >= frames || base + n == 0)
		return;
	*out = xreallocarray(*out, *nout + 1, sizeof(**out));
	(*out)[(*nout)++] = base + n;
}

static int
scd_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort the frames and keep each once. */
static void
scd_unique(int64_t *v, size_t *n)
{
	size_t	i, k = 0;

	qsort(v, *n, sizeof(*v), scd_cmp);
	for (i = 0; i < *n; i++)
		if (k == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	*n = k;
}

/* Whether piece g goes on where the piece before it, f, stops. */
static int
scd_goes_on(const struct avs_segment *f, const struct avs_segment *g)
{
	return f->input == g->input && f->mul == g->mul &&
	    g->add == f->add + f->frames * f->mul;
}

/*
 * The scene changes found on a scene-detection script made from the
 * source line (cuts, frames of the source file) as frames of the script
 * whose plan is p: sorted, each once, into *out (NULL when none).  In a
 * splice, a piece that does not go on where the one before stops starts
 * a scene too, which the source's frames cannot show.  -1 when p does
 * not tell which of its frames are which of file's (a clip made
 * otherwise than by chains that trim and select frames of it).
 */
int
avs_scd_map(const struct avs_plan *p, const char *file, const int64_t *cuts,
    size_t ncuts, int64_t **out, size_t *nout)
{
	const struct avs_segment	*g;
	int64_t				 base = 0;
	size_t				 i;
	int				 k;

	*out = NULL;
	*nout = 0;
	if (p->seekable) {
		for (k = 0; k < p->ninputs && !p->video[k]; k++)
			;
		if (k == p->ninputs || !scd_same_file(p->inputs[k], file))
			return -1;
		for (i = 0; i < ncuts; i++)
			scd_map_one(cuts[i], 0, p->frames, p->seek_mul,
			    p->seek_add, out, nout);
		return 0;
	}
	if (p->nsegs == 0)
		return -1;
	for (k = 0; k < p->nsegs; base += g->frames, k++) {
		g = &p->segs[k];
		if (k > 0 && !scd_goes_on(g - 1, g))
			scd_map_one(g->add, base, g->frames, 1, g->add, out,
			    nout);
		if (!scd_same_file(p->inputs[g->input], file))
			continue;
		for (i = 0; i < ncuts; i++)
			scd_map_one(cuts[i], base, g->frames, g->mul, g->add,
			    out, nout);
	}
	if (*out != NULL)
		scd_unique(*out, nout);
	return 0;
}
