/*
 * The batch command's inputs as a library: a directory given is walked
 * (sorted, hidden names left out) and each file below it that the
 * include and exclude patterns make a job (matched on its path below
 * that directory) becomes an input; files that are not jobs (posters,
 * .nfo, subtitles) are left out with a line at -v, so that they never
 * block a film.  A file given by name is an input whatever its name.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "log.h"
#include "rules.h"
#include "xmalloc.h"

#define WALK_DEPTH	32

static int
walk_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in a directory, hidden ones left out; n of them. */
static char **
walk_names(const char *dir, size_t *n)
{
	struct dirent	*de;
	DIR		*d;
	char		**names = NULL;

	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		log_warn("%s", dir);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, *n + 1, sizeof(*names));
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(names, *n, sizeof(*names), walk_cmp);
	return names;
}

/* Add a file to the new list if it is a job (rel: what is matched). */
static void
walk_file(struct batch *nb, const struct config *conf, const char *path,
    const char *rel)
{
	char	why[128];

	if (rules_is_job(conf, rel, why, sizeof(why)))
		batch_add(nb, path);
	else
		log_debug("not a job: %s: %s", path, why);
}

/* Walk dir (rel below the directory given: "" at its top). */
static void
walk_dir(struct batch *nb, const struct config *conf, const char *dir,
    const char *rel, int depth)
{
	struct stat	 sb;
	char		**names, *path, *sub;
	size_t		 n, i;

	names = walk_names(dir, &n);
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]);
		xasprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		if (stat(path, &sb) == -1)
			log_warn("%s", path);
		else if (S_ISDIR(sb.st_mode) && depth < WALK_DEPTH)
			walk_dir(nb, conf, path, sub, depth + 1);
		else if (S_ISREG(sb.st_mode))
			walk_file(nb, conf, path, sub);
		free(sub);
		free(path);
		free(names[i]);
	}
	free(names);
}

/*
 * Replace the inputs by the jobs they hold: directories walked, files
 * (and paths that do not exist, to fail with their reason) kept.
 */
void
batch_walk(struct batch *b, const struct config *conf)
{
	struct batch	 nb;
	struct stat	 sb;
	char		*dir;
	int		 n;

	memset(&nb, 0, sizeof(nb));
	for (n = 0; n < b->ninputs; n++) {
		const char *path = b->inputs[n].path;

		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			dir = xstrdup(path);
			while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
				dir[strlen(dir) - 1] = '\0';
			walk_dir(&nb, conf, dir, "", 0);
			free(dir);
			continue;
		}
		batch_add(&nb, path);
	}
	batch_free(b);
	b->inputs = nb.inputs;
	b->ninputs = nb.ninputs;
}
