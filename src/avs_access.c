/*
 * Which files a script may reach.  A script in distencd's spool comes from
 * whoever can drop files there: it may read only regular files below the
 * spool and the directories of script_paths, judged by where the opened
 * file really is (symbolic links resolved), and Import only .avs scripts.
 * Every file is opened without blocking (a FIFO is refused, not waited
 * on) and must be a regular file.  distenc(1) sets no limit: its user runs
 * it on their own files.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "avs.h"
#include "fsutil.h"
#include "xmalloc.h"

#define AVS_MAX_FILE	(4 * 1024 * 1024)	/* bytes of a script */

static char	**access_roots;		/* real paths; NULL: no limit */
static size_t	  access_nroots;
static char	 *access_plus_off;	/* why AviSynth+ may not run scripts */

/*
 * Limit scripts to files below the directories of roots (n of them); a
 * directory that cannot be resolved is left out.  AviSynth+, which reads
 * files and loads plugins as a script says, runs no script when plus_off
 * says why it may not.  Called once, at start.
 */
void
avs_access_limit(const char *const *roots, size_t n, const char *plus_off)
{
	size_t	i;
	char	*real;

	free(access_plus_off);
	access_plus_off = plus_off != NULL ? xstrdup(plus_off) : NULL;
	access_roots = xcalloc(n + 1, sizeof(*access_roots));
	for (i = 0; i < n; i++)
		if ((real = realpath(roots[i], NULL)) != NULL)
			access_roots[access_nroots++] = real;
}

/* Why AviSynth+ may not run scripts, or NULL when it may. */
const char *
avs_access_plus_off(void)
{
	return access_plus_off;
}

/* Whether real (a resolved path) is below one of the roots. */
static int
access_below(const char *real)
{
	size_t	i, len;

	for (i = 0; i < access_nroots; i++) {
		len = strlen(access_roots[i]);
		if (len == 1 && real[0] == '/')
			return 1;
		if (strncmp(real, access_roots[i], len) == 0 &&
		    real[len] == '/')
			return 1;
	}
	return 0;
}

/* Where the file open as fd (opened as path) really is, or NULL. */
static char *
access_real(int fd, const char *path)
{
	char	 link[64], buf[PATH_MAX];
	ssize_t	 n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	return realpath(path, NULL);
}

/*
 * Open a file a script names, for reading: a regular file, opened without
 * blocking and, when limited, without following a symbolic link at its
 * end, and where a script may reach.  The descriptor, or -1 with *reason
 * set (without the path).
 */
static int
access_open(const char *path, char **reason)
{
	char	*real;
	int	 fd, ok;

	fd = fs_open_regular(path, access_roots != NULL ? O_NOFOLLOW : 0,
	    reason);
	if (fd == -1 || access_roots == NULL)
		return fd;
	ok = (real = access_real(fd, path)) != NULL && access_below(real);
	free(real);
	if (ok)
		return fd;
	close(fd);
	*reason = xstrdup("outside the spool and script_paths");
	return -1;
}

/* Read a whole (small) script a script may reach; NUL-terminated. */
char *
avs_read_file(const char *path, size_t *lenp, char **cause)
{
	char	*reason;
	int	 fd;

	if ((fd = access_open(path, &reason)) == -1) {
		xasprintf(cause, "%s: %s", path, reason);
		free(reason);
		return NULL;
	}
	return fs_read_fd(fd, path, AVS_MAX_FILE, lenp, cause);
}

/*
 * Check that a script may read the source file path: 0, or -1 with
 * *reason set (without the path).
 */
int
avs_access_source(const char *path, char **reason)
{
	int	fd;

	if ((fd = access_open(path, reason)) == -1)
		return -1;
	close(fd);
	return 0;
}

/* Whether a file may be Imported by its name: a .avs script. */
int
avs_access_import(const char *path, char **cause)
{
	const char	*dot = strrchr(path, '.');

	if (dot != NULL && strchr(dot, '/') == NULL &&
	    strcasecmp(dot, ".avs") == 0)
		return 0;
	xasprintf(cause, "%s: Import takes only .avs scripts", path);
	return -1;
}
