/*
 * The spool: scanned at start and every poll interval, watched with
 * inotify (IN_CLOSE_WRITE, IN_MOVED_TO, new subdirectories) where it can
 * see changes, and polled alone on network and FUSE filesystems, whose
 * changes made elsewhere inotify never reports.  A file is offered once
 * its size and mtime have not changed over settle_time seconds of
 * observation, and offered again only when it changes.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#ifdef HAVE_SYS_INOTIFY_H
#include <sys/inotify.h>
#endif
#ifdef HAVE_SYS_VFS_H
#include <sys/vfs.h>
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "spool.h"
#include "xmalloc.h"

#define SPOOL_DEPTH	32

/* A file seen but not yet settled, or already offered. */
struct spool_file {
	char		*rel;
	off_t		 size;
	struct timespec	 mtime;
	double		 since;		/* unchanged since (monotonic) */
	unsigned int	 scan;		/* the last full scan that saw it */
};

struct spool_watch {
	int		 wd;
	char		*rel;		/* "" for the root */
};

struct spool {
	char			*root;
	int			 settle;
	int			 fd;		/* inotify, -1 polling */
	char			 mode[128];
	const char		*fstype;	/* polled for this reason */
	struct spool_watch	*watches;
	size_t			 nwatches;
	struct spool_file	**pending;	/* seen, not settled: few */
	size_t			 npending;
	void			*offered;	/* tree of spool_file */
	spool_known_cb		 known;		/* settled already, if told */
	void			*known_arg;
	unsigned int		 scan;		/* full scans so far */
};

double
spool_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
spool_cmp(const void *a, const void *b)
{
	return strcmp(((const struct spool_file *)a)->rel,
	    ((const struct spool_file *)b)->rel);
}

static void
spool_file_free(void *p)
{
	struct spool_file	*f = p;

	free(f->rel);
	free(f);
}

/* Names that are never sources: hidden, partial and sidecar files. */
static int
spool_ignored(const char *name)
{
	static const char	*suffix[] = {
		".part", ".tmp", "~", ".distenc"
	};
	size_t			 i, n = strlen(name), m;

	if (name[0] == '.' || n == 0)
		return 1;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		m = strlen(suffix[i]);
		if (n >= m && strcmp(name + n - m, suffix[i]) == 0)
			return 1;
	}
	return 0;
}

/* The tree entry for rel in *tree, or NULL. */
static struct spool_file *
spool_find(void *const *tree, const char *rel)
{
	struct spool_file	 key, **found;

	key.rel = (char *)rel;
	found = tfind(&key, tree, spool_cmp);
	return found != NULL ? *found : NULL;
}

/* Remove rel from *tree. */
static void
spool_drop(void **tree, const char *rel)
{
	struct spool_file	*f;

	if ((f = spool_find(tree, rel)) == NULL)
		return;
	tdelete(f, tree, spool_cmp);
	spool_file_free(f);
}

static int
spool_same(const struct spool_file *f, const struct stat *sb)
{
	return f->size == sb->st_size &&
	    f->mtime.tv_sec == sb->st_mtim.tv_sec &&
	    f->mtime.tv_nsec == sb->st_mtim.tv_nsec;
}

/* The pending entry for rel, or -1. */
static ssize_t
spool_pending(const struct spool *sp, const char *rel)
{
	size_t	i;

	for (i = 0; i < sp->npending; i++)
		if (strcmp(sp->pending[i]->rel, rel) == 0)
			return i;
	return -1;
}

/* Stop tracking pending entry i. */
static void
spool_unpend(struct spool *sp, size_t i)
{
	spool_file_free(sp->pending[i]);
	sp->pending[i] = sp->pending[--sp->npending];
}

/* Look at a file: a new or changed one (re)starts its settle time. */
static void
spool_observe(struct spool *sp, const char *rel, const struct stat *sb)
{
	struct spool_file	*f;
	ssize_t			 i;

	if (!S_ISREG(sb->st_mode))
		return;
	if ((f = spool_find(&sp->offered, rel)) != NULL) {
		f->scan = sp->scan;
		if (spool_same(f, sb))
			return;
		spool_drop(&sp->offered, rel);
	}
	if ((i = spool_pending(sp, rel)) == -1) {
		f = xcalloc(1, sizeof(*f));
		f->rel = xstrdup(rel);
		sp->pending = xreallocarray(sp->pending, sp->npending + 1,
		    sizeof(*sp->pending));
		sp->pending[sp->npending++] = f;
	} else if (spool_same(f = sp->pending[i], sb))
		return;
	f->size = sb->st_size;
	f->mtime = sb->st_mtim;
	f->since = spool_now();
	if (sp->known != NULL && sp->known(sp->known_arg, rel, sb))
		f->since -= sp->settle;	/* known unchanged: no settling */
}

/* lstat a path relative to the spool. */
static int
spool_stat(const struct spool *sp, const char *rel, struct stat *sb)
{
	char	*path;
	int	 rv;

	xasprintf(&path, "%s/%s", sp->root, rel);
	rv = lstat(path, sb);
	free(path);
	return rv;
}

/* Seconds until the next pending file may have settled, -1 for none. */
double
spool_due(const struct spool *sp)
{
	double	now = spool_now(), due = -1, d;
	size_t	i;

	for (i = 0; i < sp->npending; i++) {
		d = sp->pending[i]->since + sp->settle - now;
		if (d < 0)
			d = 0;
		if (due < 0 || d < due)
			due = d;
	}
	return due;
}

/*
 * Look again at the files whose settle time has passed: an unchanged one
 * is offered to ready (and remembered, so it is offered again only when
 * it changes), a changed one waits again, a vanished one is dropped.
 */
void
spool_check(struct spool *sp, spool_ready_cb ready, void *arg)
{
	struct spool_file	*f;
	struct stat		 sb;
	double			 now = spool_now();
	size_t			 i = 0;

	while (i < sp->npending) {
		f = sp->pending[i];
		if (now - f->since < sp->settle) {
			i++;
			continue;
		}
		if (spool_stat(sp, f->rel, &sb) == -1 || !S_ISREG(sb.st_mode)) {
			spool_unpend(sp, i);
			continue;
		}
		if (!spool_same(f, &sb)) {
			spool_observe(sp, f->rel, &sb);
			i++;
			continue;
		}
		sp->pending[i] = sp->pending[--sp->npending];
		f->scan = sp->scan;
		tsearch(f, &sp->offered, spool_cmp);
		ready(arg, f->rel, &sb);
	}
}

/* Offer rel again at its next observation (a job to be redone). */
void
spool_forget(struct spool *sp, const char *rel)
{
	spool_drop(&sp->offered, rel);
}

#ifdef HAVE_SYS_INOTIFY_H
#define SPOOL_MASK	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | \
	IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* Watch a directory (rel "" for the root) once. */
static void
spool_watch(struct spool *sp, const char *path, const char *rel)
{
	size_t	i;
	int	wd;

	if (sp->fd == -1)
		return;
	if ((wd = inotify_add_watch(sp->fd, path, SPOOL_MASK)) == -1) {
		log_warn("inotify watch on %s", path);
		return;
	}
	for (i = 0; i < sp->nwatches; i++)
		if (sp->watches[i].wd == wd) {
			free(sp->watches[i].rel);
			sp->watches[i].rel = xstrdup(rel);
			return;
		}
	sp->watches = xreallocarray(sp->watches, sp->nwatches + 1,
	    sizeof(*sp->watches));
	sp->watches[sp->nwatches].wd = wd;
	sp->watches[sp->nwatches++].rel = xstrdup(rel);
}
#else
static void
spool_watch(struct spool *sp, const char *path, const char *rel)
{
	(void)sp;
	(void)path;
	(void)rel;
}
#endif

/* Scan a directory (relative rel, "" for the root) and those below it. */
static void
spool_scan_dir(struct spool *sp, const char *rel, int depth)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		*path, *sub;

	xasprintf(&path, "%s%s%s", sp->root, *rel ? "/" : "", rel);
	spool_watch(sp, path, rel);
	if ((d = opendir(path)) == NULL) {
		if (errno != ENOENT)
			log_warn("spool: %s", path);
		free(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (spool_ignored(de->d_name))
			continue;
		xasprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		if (spool_stat(sp, sub, &sb) == 0) {
			if (S_ISDIR(sb.st_mode) && depth < SPOOL_DEPTH)
				spool_scan_dir(sp, sub, depth + 1);
			else
				spool_observe(sp, sub, &sb);
		}
		free(sub);
	}
	closedir(d);
	free(path);
}

/* The offered files a full scan did not see, gathered by spool_prune. */
static struct {
	unsigned int		  scan;
	struct spool_file	**files;
	size_t			  n;
} spool_gone;

static void
spool_gone_visit(const void *node, VISIT which, int depth)
{
	struct spool_file	*f = *(struct spool_file *const *)node;

	(void)depth;
	if ((which == postorder || which == leaf) && f->scan != spool_gone.scan) {
		spool_gone.files = xreallocarray(spool_gone.files,
		    spool_gone.n + 1, sizeof(*spool_gone.files));
		spool_gone.files[spool_gone.n++] = f;
	}
}

/* Forget the offered files that left the spool: the tree shrinks. */
static void
spool_prune(struct spool *sp)
{
	size_t	i;

	spool_gone.scan = sp->scan;
	twalk(sp->offered, spool_gone_visit);
	for (i = 0; i < spool_gone.n; i++) {
		tdelete(spool_gone.files[i], &sp->offered, spool_cmp);
		spool_file_free(spool_gone.files[i]);
	}
	free(spool_gone.files);
	spool_gone.files = NULL;
	spool_gone.n = 0;
}

/* Look at every file in the spool; forget those it no longer holds. */
void
spool_rescan(struct spool *sp)
{
	sp->scan++;
	spool_scan_dir(sp, "", 0);
	spool_prune(sp);
}

/* Open the spool at root: choose inotify or polling, and scan it. */
struct spool *
spool_open(const char *root, int settle, char **cause)
{
	struct spool	*sp;
	struct stat	 sb;
	const char	*remote;

	if (stat(root, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "spool %s: %s", root,
		    errno ? strerror(errno) : "not a directory");
		return NULL;
	}
	sp = xcalloc(1, sizeof(*sp));
	sp->root = xstrdup(root);
	sp->settle = settle;
	sp->fd = -1;
	sp->fstype = "this file system";
	if ((remote = fs_remote(root)) != NULL) {
		sp->fstype = remote;
		snprintf(sp->mode, sizeof(sp->mode), "inotify cannot see "
		    "changes made through other mounts or hosts");
	}
#ifdef HAVE_SYS_INOTIFY_H
	else if ((sp->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		snprintf(sp->mode, sizeof(sp->mode), "inotify: %s",
		    strerror(errno));
	else
		snprintf(sp->mode, sizeof(sp->mode), "inotify");
#else
	else
		snprintf(sp->mode, sizeof(sp->mode), "no inotify");
#endif
	spool_rescan(sp);
	return sp;
}

void
spool_close(struct spool *sp)
{
	size_t	i;

	if (sp == NULL)
		return;
	if (sp->fd != -1)
		close(sp->fd);
	for (i = 0; i < sp->nwatches; i++)
		free(sp->watches[i].rel);
	free(sp->watches);
	while (sp->npending > 0)
		spool_unpend(sp, 0);
	free(sp->pending);
	tdestroy(sp->offered, spool_file_free);
	free(sp->root);
	free(sp);
}

void
spool_set_settle(struct spool *sp, int settle)
{
	sp->settle = settle;
}

/*
 * Files known(arg, rel, sb) says this host already knew, unchanged (its
 * own work cut short), are offered at once, without settling; those seen
 * already are looked at now.
 */
void
spool_set_known(struct spool *sp, spool_known_cb known, void *arg)
{
	struct stat	sb;
	size_t		i;

	sp->known = known;
	sp->known_arg = arg;
	for (i = 0; i < sp->npending; i++)
		if (spool_stat(sp, sp->pending[i]->rel, &sb) == 0 &&
		    spool_same(sp->pending[i], &sb) &&
		    known(arg, sp->pending[i]->rel, &sb))
			sp->pending[i]->since = spool_now() - sp->settle;
}

/* The inotify descriptor to poll, or -1 when polling alone. */
int
spool_fd(const struct spool *sp)
{
	return sp->fd;
}

/* "inotify", or why the spool is polled. */
const char *
spool_mode(const struct spool *sp)
{
	return sp->mode;
}

/* The file system type that makes the spool polled (NFS, FUSE...). */
const char *
spool_fstype(const struct spool *sp)
{
	return sp->fstype;
}

#ifdef HAVE_SYS_INOTIFY_H
/* One inotify event: a file to look at or a directory to scan. */
static void
spool_event(struct spool *sp, const struct inotify_event *ev)
{
	struct stat	 sb;
	size_t		 i;
	char		*rel;

	for (i = 0; i < sp->nwatches; i++)
		if (sp->watches[i].wd == ev->wd)
			break;
	if (i == sp->nwatches)
		return;
	if (ev->mask & IN_IGNORED) {
		free(sp->watches[i].rel);
		sp->watches[i] = sp->watches[--sp->nwatches];
		return;
	}
	if (ev->len == 0 || spool_ignored(ev->name))
		return;
	xasprintf(&rel, "%s%s%s", sp->watches[i].rel,
	    *sp->watches[i].rel ? "/" : "", ev->name);
	if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)))
		spool_scan_dir(sp, rel, 1);
	else if (!(ev->mask & IN_ISDIR) && spool_stat(sp, rel, &sb) == 0)
		spool_observe(sp, rel, &sb);
	free(rel);
}

/* Read every queued inotify event. */
void
spool_read_events(struct spool *sp)
{
	char				 buf[16384]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 n;
	char				*p;

	while ((n = read(sp->fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW)
				spool_rescan(sp);
			else
				spool_event(sp, ev);
		}
	}
}
#else
void
spool_read_events(struct spool *sp)
{
	(void)sp;
}
#endif
