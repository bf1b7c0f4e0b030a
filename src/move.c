/*
 * Sources moved out of the spool once their job ends (move_sources): to
 * done/ or failed/ beside the spool, keeping their path below it.  Users
 * of the spool may plant symbolic links, FIFOs and files of their own, so
 * every step goes through directory descriptors opened with O_NOFOLLOW: a
 * symbolic link on the way is refused, a directory on the way below
 * done/ or failed/ must belong to the daemon's user, and a move never
 * replaces a file (a numbered name is taken instead).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "djob.h"
#include "fsutil.h"
#include "xmalloc.h"

#define MOVE_MAX_NUMBER	1000	/* numbered names tried */

/* Open directory name in dfd without following a link, making it if make. */
static int
move_opendir(int dfd, const char *name, int make, char **cause)
{
	struct stat	sb;
	int		fd;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && make) {
		if (mkdirat(dfd, name, 0755) == -1 && errno != EEXIST) {
			xasprintf(cause, "%s: %s", name, strerror(errno));
			return -1;
		}
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	}
	if (fd == -1) {
		if (errno == ELOOP || errno == ENOTDIR)
			xasprintf(cause, "%s: not a directory (a symbolic link "
			    "or a file), not followed", name);
		else
			xasprintf(cause, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (make && (fstat(fd, &sb) == -1 || sb.st_uid != geteuid())) {
		xasprintf(cause, "%s: not owned by the daemon's user", name);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Walk from directory fd dfd down the directories of path (all but its
 * last component), making them if make.  Closes dfd; return the last
 * directory's descriptor, or -1 with *cause set.
 */
static int
move_walk(int dfd, const char *path, int make, char **cause)
{
	char	*copy, *item, *slash;
	int	 fd;

	copy = xstrdup(path);
	for (item = copy; dfd != -1 && (slash = strchr(item, '/')) != NULL;
	    item = slash + 1) {
		*slash = '\0';
		fd = move_opendir(dfd, item, make, cause);
		close(dfd);
		dfd = fd;
	}
	free(copy);
	return dfd;
}

/* Name number n of base: "base" for 0, else "stem.N.ext" or "base.N". */
static char *
move_name(const char *base, int n)
{
	const char	*dot = strrchr(base, '.');
	char		*name;

	if (n == 0)
		return xstrdup(base);
	if (dot == NULL || dot == base)
		xasprintf(&name, "%s.%d", base, n);
	else
		xasprintf(&name, "%.*s.%d%s", (int)(dot - base), base, n, dot);
	return name;
}

/* Move from/base to to/name unless a file is there: 0, or -1 and errno. */
static int
move_one(int from, const char *base, int to, const char *name)
{
#ifdef RENAME_NOREPLACE
	if (renameat2(from, base, to, name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	if (linkat(from, base, to, name, 0) == -1)
		return -1;
	if (unlinkat(from, base, 0) == -1 && errno != ENOENT) {
		unlinkat(to, name, 0);
		return -1;
	}
	return 0;
}

/*
 * Move base from directory from to directory to, under base or, if a file
 * is there, a numbered name: nothing is replaced.  The name taken, or NULL
 * with *cause set.
 */
static char *
move_noreplace(int from, int to, const char *base, char **cause)
{
	char	*name;
	int	 n;

	for (n = 0; n < MOVE_MAX_NUMBER; n++) {
		name = move_name(base, n);
		if (move_one(from, base, to, name) == 0)
			return name;
		free(name);
		if (errno != EEXIST) {
			xasprintf(cause, "%s: %s", base, strerror(errno));
			return NULL;
		}
	}
	xasprintf(cause, "%s: %d files of that name already there", base,
	    MOVE_MAX_NUMBER);
	return NULL;
}

/* Move the source rel in the spool to where/rel beside it. */
static int
move_do(const char *spool, const char *where, const char *rel, char **taken,
    char **cause)
{
	char		*top, *base;
	const char	*slash = strrchr(rel, '/');
	int		 tfd, from = -1, to = -1, rv = -1;

	base = xstrdup(slash != NULL ? slash + 1 : rel);
	top = fs_dirname(spool);
	if ((tfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		xasprintf(cause, "%s: %s", top, strerror(errno));
	else if ((to = move_opendir(tfd, where, 1, cause)) != -1 &&
	    (to = move_walk(to, rel, 1, cause)) != -1 &&
	    (from = open(spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1 &&
	    (from = move_walk(from, rel, 0, cause)) != -1 &&
	    (*taken = move_noreplace(from, to, base, cause)) != NULL)
		rv = 0;
	else if (from == -1 && to != -1 && *cause == NULL)
		xasprintf(cause, "%s: %s", spool, strerror(errno));
	if (tfd != -1)
		close(tfd);
	if (from != -1)
		close(from);
	if (to != -1)
		close(to);
	free(top);
	free(base);
	return rv;
}

/* Move a finished job's source to where (done or failed) by the spool. */
void
move_source(struct djob *dj, const char *where)
{
	const struct config	*conf = dj->d->conf;
	char			*top, *taken = NULL, *cause = NULL;
	const char		*slash = strrchr(dj->rel, '/');

	if (!conf->move_sources)
		return;
	top = fs_dirname(conf->spool_dir);
	if (move_do(conf->spool_dir, where, dj->rel, &taken, &cause) != 0) {
		djob_log(dj, DJL_ERROR, "not moving the source to %s/%s/: %s",
		    top, where, cause);
		free(cause);
	} else
		djob_log(dj, 0, "source moved to %s/%s/%.*s%s", top, where,
		    slash != NULL ? (int)(slash - dj->rel + 1) : 0, dj->rel,
		    taken);
	free(taken);
	free(top);
}
