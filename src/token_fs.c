/*
 * A process's own files in the token directory, the floor the rest of
 * the token module stands on: the file system's clock (a probe file),
 * files written under a temporary name, token files read back, and the
 * claims this process holds.  See token.c for the protocol.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "token.h"
#include "token_local.h"
#include "xmalloc.h"


/* Seconds of the monotonic (mono) or the real-time clock. */
double
tok_clock(int mono)
{
	struct timespec	ts;

	clock_gettime(mono ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The path of a task's file: dir/task + suffix. */
char *
tok_name(const struct tokdir *td, const char *task, const char *suffix)
{
	char	*path;

	xasprintf(&path, "%s/%s%s", td->dir, task, suffix);
	return path;
}

/*
 * The directory of name, opened: the token directory itself, or a job's
 * sub-directory in it, never through a link (a link planted in place of
 * "<id>.d" is refused).
 */
static int
tok_dirfd(const struct tokdir *td, const char *dir)
{
	if (strcmp(dir, td->dir) == 0)
		return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fs_open_dir(AT_FDCWD, dir);
}

/*
 * A new file beside name (in its directory) holding data, under a unique
 * hidden name: ".tmp.<node>.<pid>.<n>", made there and then through the
 * directory's descriptor (O_EXCL, O_NOFOLLOW).  Its path in *tmp; kept
 * open in *fdp when fdp is not NULL (a claim), else flushed to stable
 * storage first (a marker, which must survive a crash of the server).
 */
int
tok_tmpfile(struct tokdir *td, const char *name, const char *data,
    size_t len, char **tmp, int *fdp, char **cause)
{
	char	*dir;
	int	 dfd, fd = -1, saved;

	dir = fs_dirname(name);
	xasprintf(tmp, "%s/.tmp.%s.%ld.%u", dir, td->node, (long)getpid(),
	    td->rnd++);
	dfd = tok_dirfd(td, dir);
	free(dir);
	if (dfd != -1) {
		fd = fs_create(dfd, strrchr(*tmp, '/') + 1, O_RDWR, 0644);
		saved = errno;
		close(dfd);
		errno = saved;
	}
	if (fd == -1)
		goto fail;
	if (fs_write_all(fd, data, len) == -1)
		goto fail;
	if (fdp != NULL) {
		*fdp = fd;
		return 0;
	}
	if (fsync(fd) == -1 && errno != EINVAL)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	xasprintf(cause, "%s: %s", *tmp, strerror(saved));
	if (fd != -1) {
		close(fd);
		unlink(*tmp);
	}
	free(*tmp);
	*tmp = NULL;
	errno = saved;
	return -1;
}

/* Read what is left of fd into buf from len on; -1 on an error. */
static int
tok_read_rest(int fd, char *buf, size_t size, size_t *len)
{
	ssize_t	n;

	while (*len < size &&
	    (n = pread(fd, buf + *len, size - *len, *len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		*len += n;
	}
	return 0;
}

/*
 * Read and parse a token file.  Opening (not stat alone) makes NFS and
 * sshfs clients fetch fresh attributes; a client that read a rewritten
 * file only as far as its old cached size (sshfs) knows the new size
 * after that read, so the rest is read then.  0, or -1 with errno ENOENT
 * when there is none, or -1 with a cause (sb filled in when it could be
 * opened).
 */
int
tok_readfile(const char *path, struct tok_file *f, struct stat *sb,
    char **cause)
{
	char	 buf[TOK_READ_MAX], *why = NULL;
	size_t	 len = 0;
	int	 fd, rv, tries;

	memset(sb, 0, sizeof(*sb));
	if ((fd = fs_open_file(AT_FDCWD, path, O_RDONLY | O_NOFOLLOW,
	    sb)) == -1) {
		if (errno != ENOENT)
			xasprintf(cause, "%s: %s", path, fs_open_error(errno));
		return -1;
	}
	for (tries = 0; tries < 3; tries++) {
		if (tok_read_rest(fd, buf, sizeof(buf), &len) == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (fstat(fd, sb) == -1 || sb->st_size <= (off_t)len ||
		    len == sizeof(buf))
			break;
	}
	close(fd);
	if ((rv = tok_parse(buf, len, f, &why)) != 0) {
		xasprintf(cause, "%s: %s", path, why);
		free(why);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * Whether the claim at path is the one with this nonce: 0, or -1 with
 * why not (gone, or another's).
 */
int
tok_mine(const char *path, const char *nonce, char *why, size_t len)
{
	struct tok_file	 f;
	struct stat	 sb;
	char		*cause = NULL;

	if (tok_readfile(path, &f, &sb, &cause) == 0 &&
	    f.kind == TOK_CLAIM && strcmp(f.nonce, nonce) == 0)
		return 0;
	if (cause == NULL && errno == ENOENT)
		snprintf(why, len, "its claim is gone");
	else
		snprintf(why, len, "its claim was taken over by another host");
	free(cause);
	return -1;
}

/*
 * Write a marker at name by write-then-rename, or with noclobber by
 * write-then-link (1 when the name was taken).
 */
int
tok_write_marker(struct tokdir *td, const char *name,
    const struct tok_file *f, int noclobber, char **cause)
{
	char	 buf[TOK_READ_MAX], *tmp;
	size_t	 len;
	int	 rv = 0;

	if ((len = tok_format(f, buf, sizeof(buf))) >= sizeof(buf))
		len = sizeof(buf) - 1;
	if (tok_tmpfile(td, name, buf, len, &tmp, NULL, cause) != 0)
		return -1;
	if (noclobber) {
		if (link(tmp, name) == -1) {
			if (errno == EEXIST)
				rv = 1;
			else {
				xasprintf(cause, "%s: %s", name,
				    strerror(errno));
				rv = -1;
			}
		}
	} else if (rename(tmp, name) == -1) {
		xasprintf(cause, "%s: %s", name, strerror(errno));
		rv = -1;
	}
	unlink(tmp);
	free(tmp);
	return rv;
}

/* Write the probe and read its mtime (see tok_now). */
static int
tok_probe(struct tokdir *td, double mono, int64_t *now, char **cause)
{
	struct stat	sb;
	char		buf[32];
	double		real;
	int		n;

	if (td->probefd == -1) {
		free(td->probe);
		xasprintf(&td->probe, "%s/.probe.%s.%ld", td->dir, td->node,
		    (long)getpid());
		/* Made anew: whatever is at its name is an earlier process's
		 * (this pid's) or planted, and never written through. */
		if ((td->probefd = fs_create(AT_FDCWD, td->probe, O_RDWR,
		    0644)) == -1 && errno == EEXIST && unlink(td->probe) == 0)
			td->probefd = fs_create(AT_FDCWD, td->probe, O_RDWR,
			    0644);
		if (td->probefd == -1)
			goto fail;
	}
	n = snprintf(buf, sizeof(buf), "%.3f\n", mono);
	real = tok_clock(0);
	if (pwrite(td->probefd, buf, n, 0) != n || fstat(td->probefd, &sb) == -1)
		goto fail;
	td->offset = sb.st_mtim.tv_sec + sb.st_mtim.tv_nsec / 1e9 - real;
	td->probed = mono;
	*now = tok_ns(&sb.st_mtim);
	return 0;
fail:
	if (cause != NULL)
		xasprintf(cause, "%s: cannot read the file system's clock: %s",
		    td->probe, strerror(errno));
	if (td->probefd != -1) {
		close(td->probefd);
		td->probefd = -1;
	}
	return -1;
}

/*
 * The file system's clock, in nanoseconds: the mtime of a probe file this
 * process writes in the token directory (the server sets it).  Between
 * probes (an eighth of a lease) it is estimated from the local clock and
 * the offset the last probe measured; precise forces a probe.
 */
int
tok_now(struct tokdir *td, int precise, int64_t *now, char **cause)
{
	double	mono = tok_clock(1);
	int	tries;

	if (!precise && td->probed > 0 && mono - td->probed < td->lease / 8.0) {
		*now = (int64_t)((tok_clock(0) + td->offset) * TOK_NS);
		return 0;
	}
	/* A probe removed under it (an NFS handle gone stale) is made anew. */
	for (tries = 0; tries < 2; tries++)
		if (tok_probe(td, mono, now, tries == 1 ? cause : NULL) == 0)
			return 0;
	return -1;
}

/* The monotonic time at which the file system's clock shows t. */
double
tok_mono(int64_t t, const struct tokdir *td)
{
	return tok_clock(1) + (t - (tok_clock(0) + td->offset));
}

/* The index of a claim this process holds on task, or -1. */
int
tok_held(const struct tokdir *td, const char *task)
{
	size_t	i;

	for (i = 0; i < td->nheld; i++)
		if (strcmp(td->held[i].task, task) == 0)
			return (int)i;
	return -1;
}

/* Forget a held claim (its file is left as it is). */
void
tok_forget(struct tokdir *td, int i)
{
	close(td->held[i].fd);
	td->held[i] = td->held[--td->nheld];
}

/* Give a claim back (when it is still this process's). */
void
tok_release(struct tokdir *td, const char *task)
{
	char	*path, why[64];
	int	 i;

	if ((i = tok_held(td, task)) == -1)
		return;
	path = tok_name(td, task, ".claim");
	if (tok_mine(path, td->held[i].nonce, why, sizeof(why)) == 0 &&
	    unlink(path) == -1)
		log_warn("%s", path);
	free(path);
	tok_forget(td, i);
}

/* Give back every claim this process holds. */
void
tok_release_all(struct tokdir *td)
{
	while (td->nheld > 0)
		tok_release(td, td->held[0].task);
}
