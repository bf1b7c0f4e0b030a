/*
 * The scene-detection script of a script: scene changes are looked for
 * in a cheaper clip than the script's own.  NAME_scd.avs beside
 * NAME.avs when the user wrote one; else a script made of the script's
 * source line alone.  Either may be reduced by 2.
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
 * job.
 */
char *
avs_scd_script(const char *given, int reduce, const char *dir, char **cause)
{
	struct stat	 sb;
	char		*script, *stem, *own, *text = NULL, *name, *path = NULL;
	size_t		 n;

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
	} else
		text = scd_from_source(script, reduce, cause);
	if (text != NULL) {
		xasprintf(&name, "%s_scd%s.avs", stem, reduce ? "_half" : "");
		path = scd_write(dir, name, text, cause);
		free(name);
	}
	free(text);
	free(own);
	free(stem);
	free(script);
	return path;
}
