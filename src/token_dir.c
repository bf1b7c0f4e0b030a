/*
 * The token directory itself: its marker, this host's node file, the file
 * system's clock, garbage left by killed hosts, and watching it for
 * changes.  See token.c for the protocol.
 */
#include "config.h"

#include <sys/stat.h>
#ifdef HAVE_SYS_INOTIFY_H
#include <sys/inotify.h>
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "jobid.h"
#include "log.h"
#include "token.h"
#include "token_local.h"
#include "xmalloc.h"

#define TOK_READ_MAX	8192

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

/* This boot's id: what tells this host from another of the same name. */
static void
tok_boot_id(char *out, size_t len)
{
	FILE	*fp;
	char	 buf[64];
	size_t	 n;

	snprintf(out, len, "host-%08lx",
	    (unsigned long)gethostid() & 0xffffffffUL);
	if ((fp = fopen("/proc/sys/kernel/random/boot_id", "r")) == NULL)
		return;
	if (fgets(buf, sizeof(buf), fp) != NULL) {
		n = strcspn(buf, "\n");
		buf[n] = '\0';
		if (n > 0 && n < len)
			memcpy(out, buf, n + 1);
	}
	fclose(fp);
}

/*
 * A new file beside name (in its directory) holding data, under a unique
 * hidden name: ".tmp.<node>.<pid>.<n>".  Its path in *tmp; kept open in
 * *fdp when fdp is not NULL (a claim), else flushed to stable storage
 * first (a marker, which must survive a crash of the server).
 */
int
tok_tmpfile(struct tokdir *td, const char *name, const char *data,
    size_t len, char **tmp, int *fdp, char **cause)
{
	char	*dir;
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd, saved;

	dir = fs_dirname(name);
	xasprintf(tmp, "%s/.tmp.%s.%ld.%u", dir, td->node, (long)getpid(),
	    td->rnd++);
	free(dir);
	fd = open(*tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1)
		goto fail;
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += n;
	}
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
	char	 buf[TOK_READ_MAX];
	size_t	 len = 0;
	int	 fd, rv, tries;

	memset(sb, 0, sizeof(*sb));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno != ENOENT)
			xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, sb) == -1 || !S_ISREG(sb->st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		close(fd);
		errno = EINVAL;
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
	if ((rv = tok_parse(buf, len, f, cause)) != 0) {
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

/* A token directory at dir for this node: nothing is touched yet. */
struct tokdir *
tok_open(const char *dir, const char *node, int lease, int max_attempts,
    int daemon, const char *record)
{
	struct tokdir	*td;
	size_t		 n;

	td = xcalloc(1, sizeof(*td));
	td->dir = xstrdup(dir);
	while ((n = strlen(td->dir)) > 1 && td->dir[n - 1] == '/')
		td->dir[n - 1] = '\0';
	td->record = record ? xstrdup(record) : NULL;
	snprintf(td->node, sizeof(td->node), "%s", node);
	tok_boot_id(td->boot, sizeof(td->boot));
	td->lease = lease;
	td->max_attempts = max_attempts;
	td->daemon = daemon;
	td->probefd = -1;
	td->fd = -1;
	td->rnd = (unsigned)(tok_clock(0) * 1000) ^ (unsigned)getpid() << 16;
	return td;
}

/*
 * The directory for a job's worker, whose parent made it ready (marker
 * and node name checked, node file kept): it claims a job's chunks.
 */
struct tokdir *
tok_attach(const char *dir, const char *node, int lease, int max_attempts)
{
	struct tokdir	*td;

	td = tok_open(dir, node, lease, max_attempts, 0, NULL);
	td->attached = 1;
	td->ready = 1;
	return td;
}

void
tok_close(struct tokdir *td)
{
	if (td == NULL)
		return;
	tok_release_all(td);
	if (td->probefd != -1) {
		close(td->probefd);
		unlink(td->probe);
	}
	if (td->fd != -1)
		close(td->fd);
	free(td->held);
	free(td->probe);
	free(td->record);
	free(td->dir);
	free(td);
}

const char *
tok_path(const struct tokdir *td)
{
	return td->dir;
}

const char *
tok_node(const struct tokdir *td)
{
	return td->node;
}

int
tok_fd(const struct tokdir *td)
{
	return td->fd;
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
		td->probefd = open(td->probe, O_RDWR | O_CREAT | O_CLOEXEC,
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
	*now = sb.st_mtim.tv_sec;
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
 * The file system's clock, in seconds: the mtime of a probe file this
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
		*now = (int64_t)(tok_clock(0) + td->offset);
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

/*
 * The marker id this host remembers for this directory, if any: the
 * record is one line, "<id> <directory>".
 */
static int
tok_record_read(const struct tokdir *td, char *id, size_t len)
{
	FILE	*fp;
	char	 line[TOK_BOOT_MAX + PATH_MAX + 2], *sp;
	int	 ok = 0;

	if (td->record == NULL || (fp = fopen(td->record, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((sp = strchr(line, ' ')) != NULL &&
		    strcmp(sp + 1, td->dir) == 0 && sp > line &&
		    (size_t)(sp - line) < len) {
			*sp = '\0';
			memcpy(id, line, sp - line + 1);
			ok = 1;
		}
	}
	fclose(fp);
	return ok;
}

static void
tok_record_write(const struct tokdir *td)
{
	char	 old[TOK_BOOT_MAX], *text, *dir, *cause = NULL;

	if (td->record == NULL || (tok_record_read(td, old, sizeof(old)) &&
	    strcmp(old, td->mark) == 0))
		return;
	dir = fs_dirname(td->record);
	xasprintf(&text, "%s %s\n", td->mark, td->dir);
	if (fs_mkdirs(dir, &cause) != 0 ||
	    fs_write_atomic(td->record, text, strlen(text), &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
	}
	free(text);
	free(dir);
}

/*
 * Whether a directory holds nothing but what hosts making it a token
 * directory at this moment write (temporary files, probes, node files).
 */
static int
tok_dir_empty(const char *path)
{
	struct dirent	*de;
	DIR		*d;
	int		 empty = 1;

	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 &&
		    strncmp(de->d_name, ".tmp.", 5) != 0 &&
		    strncmp(de->d_name, ".probe.", 7) != 0 &&
		    strncmp(de->d_name, ".node.", 6) != 0)
			empty = 0;
	closedir(d);
	return empty;
}

/* Make the marker of a new token directory (or find another host's). */
static int
tok_mark_new(struct tokdir *td, const char *path, char **cause)
{
	struct tok_file	 f;
	char		 idsrc[128];
	uint64_t	 h;

	memset(&f, 0, sizeof(f));
	f.kind = TOK_MARK;
	snprintf(idsrc, sizeof(idsrc), "%s %s %ld %.6f", td->node, td->boot,
	    (long)getpid(), tok_clock(0));
	h = jobid_hash(idsrc, strlen(idsrc), 0);
	snprintf(f.id, sizeof(f.id), "%016" PRIx64, h);
	snprintf(f.node, sizeof(f.node), "%s", td->node);
	f.start = time(NULL);
	switch (tok_write_marker(td, path, &f, 1, cause)) {
	case -1:
		return -1;
	case 0:
		log_info("token directory %s: first use, marker made",
		    td->dir);
		break;
	}
	return 0;
}

/*
 * The marker: present, or made at first use (the directory missing or
 * empty, and this host never used it), else the directory is refused:
 * a share that is not mounted must not look like an empty library.
 */
static int
tok_mark(struct tokdir *td, char **cause)
{
	struct tok_file	 f;
	struct stat	 sb;
	char		*path, *err = NULL, old[TOK_BOOT_MAX];
	int		 rv = -1, known;

	path = tok_name(td, TOK_MARKER, "");
	if (tok_readfile(path, &f, &sb, cause) == 0 && f.kind == TOK_MARK) {
		if (td->mark[0] != '\0' && strcmp(td->mark, f.id) != 0)
			log_warnx("token directory %s: its marker changed (%s, "
			    "was %s): a new token directory", td->dir, f.id,
			    td->mark);
		snprintf(td->mark, sizeof(td->mark), "%s", f.id);
		tok_record_write(td);
		free(path);
		return 0;
	}
	if (errno != ENOENT) {
		if (*cause == NULL)
			xasprintf(cause, "%s: not a marker", path);
		free(path);
		return -1;
	}
	known = tok_record_read(td, old, sizeof(old));
	if (known)
		xasprintf(cause, "token directory %s: marker %s is missing "
		    "(this host used it before, marker %s): is the share "
		    "mounted? doing nothing until it is back", td->dir,
		    TOK_MARKER, old);
	else if (stat(td->dir, &sb) == -1 && errno == ENOENT &&
	    mkdir(td->dir, 0777) == -1 && errno != EEXIST)
		xasprintf(cause, "token directory %s: cannot make it: %s",
		    td->dir, strerror(errno));
	else if (access(path, F_OK) == 0) {
		free(path);	/* another host made it just now */
		return tok_mark(td, cause);
	} else if (!tok_dir_empty(td->dir))
		xasprintf(cause, "token directory %s: not empty and no marker "
		    "%s: not a token directory (or its marker was removed); "
		    "not using it", td->dir, TOK_MARKER);
	else if (tok_mark_new(td, path, &err) == 0) {
		free(path);
		return tok_mark(td, cause);
	} else {
		xasprintf(cause, "token directory %s: cannot make its marker: "
		    "%s", td->dir, err);
		free(err);
	}
	free(path);
	return rv;
}

/*
 * This node's file, ".node.<node>": another live host with the same
 * name (another boot id, or another daemon on this boot) is reported and
 * this one does nothing until that one's file goes stale.
 */
static int
tok_node_check(struct tokdir *td, char **cause)
{
	struct tok_file	 f;
	struct stat	 sb;
	char		*path, *err = NULL, buf[TOK_READ_MAX];
	int64_t		 now, left;
	size_t		 len;
	int		 rv = 0;

	if (tok_now(td, 0, &now, cause) != 0)
		return -1;
	path = tok_name(td, ".node.", td->node);
	if (tok_readfile(path, &f, &sb, &err) == 0 && f.kind == TOK_NODE &&
	    (left = tok_lease_left(now, sb.st_mtim.tv_sec, td->lease)) > 0 &&
	    (strcmp(f.boot, td->boot) != 0 || (td->daemon && f.daemon &&
	    f.pid != getpid() && kill(f.pid, 0) == 0))) {
		xasprintf(cause, "node name %s is in use by another live %s "
		    "(boot id %s, pid %ld, renewed %" PRId64 " s ago): give "
		    "each host its own node name; doing nothing for now",
		    td->node, strcmp(f.boot, td->boot) != 0 ? "host" :
		    "distencd on this host", f.boot, f.pid,
		    td->lease - left);
		free(path);
		return -1;
	}
	free(err);
	memset(&f, 0, sizeof(f));
	f.kind = TOK_NODE;
	snprintf(f.node, sizeof(f.node), "%s", td->node);
	snprintf(f.boot, sizeof(f.boot), "%s", td->boot);
	f.pid = getpid();
	f.daemon = td->daemon;
	f.start = time(NULL);
	f.lease = td->lease;
	len = tok_format(&f, buf, sizeof(buf));
	if (fs_write_atomic(path, buf, len, &err) != 0) {
		xasprintf(cause, "token directory: %s", err);
		free(err);
		rv = -1;
	} else
		td->noded = tok_clock(1);
	free(path);
	return rv;
}

/* Start watching the directory where inotify can see its changes. */
static void
tok_watch(struct tokdir *td)
{
	if (td->fd != -1 || (td->fstype = fs_remote(td->dir)) != NULL)
		return;
#ifdef HAVE_SYS_INOTIFY_H
	if ((td->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return;
	if (inotify_add_watch(td->fd, td->dir, IN_CREATE | IN_DELETE |
	    IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR) == -1) {
		close(td->fd);
		td->fd = -1;
	}
#endif
}

/*
 * Whether the directory can be used now: its marker is there and no
 * other live host has this node's name.  Called at start and at every
 * rescan; a reason when not.
 */
int
tok_ready(struct tokdir *td, char **cause)
{
	int	was = td->ready;

	td->ready = 0;
	if (tok_mark(td, cause) != 0 || tok_node_check(td, cause) != 0)
		return -1;
	td->ready = 1;
	tok_watch(td);
	if (!was)
		log_info("token directory %s: node %s, lease %d s, %s",
		    td->dir, td->node, td->lease, td->fd != -1 ?
		    "watched with inotify" : td->fstype != NULL ?
		    "rescanned (remote file system)" : "rescanned");
	return 0;
}

/* Drain inotify: whether a claim, done or failed marker came or went. */
int
tok_read_events(struct tokdir *td)
{
#ifdef HAVE_SYS_INOTIFY_H
	char				 buf[8192]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 n, off;
	int				 changed = 0;

	while ((n = read(td->fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			if (ev->len > 0 && ev->name[0] != '.')
				changed = 1;
		}
	return changed;
#else
	(void)td;
	return 0;
#endif
}

/* Whether a name is garbage a killed process leaves in the directory. */
static int
tok_garbage(const char *name)
{
	size_t	n = strlen(name);

	return strncmp(name, ".tmp.", 5) == 0 ||
	    strncmp(name, ".probe.", 7) == 0 ||
	    strstr(name, ".stale.") != NULL ||
	    (strncmp(name, ".node.", 6) == 0 && n > 4 &&
	    strcmp(name + n - 4, ".tmp") == 0);
}

/*
 * A done job's sub-tasks ("<id>.d": its chunks' markers and plan) are
 * removed once its done marker is two leases old: a host that was just
 * then looking at them has seen the job done by then.  1 when name is
 * such a directory.
 */
static int
tok_sub_done(struct tokdir *td, const char *name, int64_t now)
{
	struct stat	 sb;
	char		*id, *path;
	size_t		 n = strlen(name);
	int		 rv = 0;

	if (n < 3 || name[0] == '.' || strcmp(name + n - 2, ".d") != 0)
		return 0;
	xasprintf(&id, "%.*s", (int)(n - 2), name);
	path = tok_name(td, id, ".done");
	if (lstat(path, &sb) == 0 &&
	    tok_lease_left(now, sb.st_mtim.tv_sec, 2 * td->lease) <= 0) {
		tok_remove_sub(td, id);
		rv = 1;
	}
	free(path);
	free(id);
	return rv;
}

/*
 * Remove what killed processes left (temporary files, probes, claims
 * taken over) once it is two leases old by the file system's clock, and
 * the sub-tasks of jobs done.
 */
void
tok_sweep(struct tokdir *td)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		*path, *cause = NULL;
	int64_t		 now;

	if (tok_now(td, 0, &now, &cause) != 0) {
		free(cause);
		return;
	}
	if ((d = opendir(td->dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (tok_sub_done(td, de->d_name, now))
			continue;
		if (!tok_garbage(de->d_name))
			continue;
		path = tok_name(td, de->d_name, "");
		if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (td->probe == NULL || strcmp(path, td->probe) != 0) &&
		    tok_lease_left(now, sb.st_mtim.tv_sec, 2 * td->lease) <= 0 &&
		    unlink(path) == 0)
			log_debug("token directory: removed %s", de->d_name);
		free(path);
	}
	closedir(d);
}
