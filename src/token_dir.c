/*
 * The token directory itself: opening and closing it, its marker, this
 * host's node file, watching it for changes, garbage left by killed hosts
 * and the sub-directories of jobs.  See token.c for the protocol.
 */
#include "config.h"

#include <sys/stat.h>
#ifdef HAVE_SYS_INOTIFY_H
#include <sys/inotify.h>
#endif

#include <ctype.h>
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
#include "node.h"
#include "token.h"
#include "token_local.h"
#include "xmalloc.h"

/*
 * A boot id as systemd's %b gives it (32 hex digits) or as the kernel
 * does (the same with dashes, 8-4-4-4-12), written the kernel's way in
 * out: 0, or -1 when it is neither.
 */
int
tok_boot_parse(const char *s, char *out, size_t len)
{
	static const char	 dash[] = { 8, 12, 16, 20 };
	char			 hex[33];
	size_t			 i, n = 0, d = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (d < sizeof(dash) && n == (size_t)dash[d] && s[i] == '-' &&
		    strlen(s) == 36) {
			d++;
			continue;
		}
		if (n == 32 || !isxdigit((unsigned char)s[i]))
			return -1;
		hex[n++] = tolower((unsigned char)s[i]);
	}
	if (n != 32 || len < 37)
		return -1;
	snprintf(out, len, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
	    hex + 12, hex + 16, hex + 20);
	return 0;
}

/*
 * This boot's id: what tells this host from another of the same name.
 * The kernel's, or DISTENC_BOOT_ID where /proc/sys is hidden (systemd's
 * ProcSubset=pid; distencd.service passes it as %b); the host id when
 * neither is there.
 */
static void
tok_boot_id(char *out, size_t len)
{
	FILE		*fp;
	const char	*env = getenv("DISTENC_BOOT_ID");
	char		 buf[64];

	if (env != NULL && *env != '\0') {
		if (tok_boot_parse(env, out, len) == 0)
			return;
		log_warnx("DISTENC_BOOT_ID=%.40s is not a boot id (32 hex "
		    "digits): ignored", env);
	}
	if ((fp = fopen("/proc/sys/kernel/random/boot_id", "r")) != NULL) {
		if (fgets(buf, sizeof(buf), fp) != NULL) {
			buf[strcspn(buf, "\n")] = '\0';
			if (tok_boot_parse(buf, out, len) == 0) {
				fclose(fp);
				return;
			}
		}
		fclose(fp);
	} else
		log_warnx("/proc/sys/kernel/random/boot_id: %s; without "
		    "DISTENC_BOOT_ID, this host's claims of an earlier boot "
		    "wait out their lease", strerror(errno));
	snprintf(out, len, "host-%08lx",
	    (unsigned long)gethostid() & 0xffffffffUL);
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
	    (left = tok_lease_left(now, tok_ns(&sb.st_mtim), td->lease)) > 0 &&
	    (strcmp(f.boot, td->boot) != 0 || (td->daemon && f.daemon &&
	    f.pid != getpid() && kill(f.pid, 0) == 0))) {
		xasprintf(cause, "node name %s is in use by another live %s "
		    "(boot id %s, pid %ld, renewed %" PRId64 " s ago): give "
		    "each host its own node name; doing nothing for now",
		    td->node, strcmp(f.boot, td->boot) != 0 ? "host" :
		    "distencd on this host", f.boot, f.pid,
		    td->lease - left / TOK_NS);
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

/*
 * Whether s is exactly "<node>" followed by nnum ".<digits>" and then
 * end: the tail of the names the protocol gives its own files.
 */
static int
tok_node_tail(const char *s, int nnum, const char *end)
{
	char	 buf[TOK_NODE_MAX + 64], *p;
	size_t	 n = strlen(s), el = strlen(end);

	if (n < el || n >= sizeof(buf) || strcmp(s + n - el, end) != 0)
		return 0;
	memcpy(buf, s, n - el);
	buf[n - el] = '\0';
	while (nnum-- > 0) {
		if ((p = strrchr(buf, '.')) == NULL || p[1] == '\0' ||
		    strspn(p + 1, "0123456789") != strlen(p + 1))
			return 0;
		*p = '\0';
	}
	return node_valid(buf);
}

/*
 * Whether a name is garbage a killed process leaves in the directory,
 * matched exactly: ".tmp.<node>.<pid>.<n>", ".probe.<node>.<pid>",
 * ".node.<node>.<pid>.tmp" and "<task>.stale.<node>.<pid>.<n>" (a
 * source's name, and so its task's, may hold ".stale." too).
 */
static int
tok_garbage(const char *name)
{
	const char	*p;

	if (strncmp(name, ".tmp.", 5) == 0)
		return tok_node_tail(name + 5, 2, "");
	if (strncmp(name, ".probe.", 7) == 0)
		return tok_node_tail(name + 7, 1, "");
	if (strncmp(name, ".node.", 6) == 0)
		return tok_node_tail(name + 6, 1, ".tmp");
	for (p = name; (p = strstr(p, ".stale.")) != NULL; p++)
		if (p > name && name[0] != '.' && tok_node_tail(p + 7, 2, ""))
			return 1;
	return 0;
}

/*
 * Remove a job's sub-tasks once the job is done: its plan and its chunks'
 * markers are no longer needed; its own done marker stays.
 */
static void
tok_remove_sub(struct tokdir *td, const char *id)
{
	char	*dir;

	dir = tok_name(td, id, ".d");
	if (fs_empty_dir(AT_FDCWD, dir, "", 1) == -1 && errno != ENOENT)
		log_warn("%s", dir);
	free(dir);
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
	    tok_lease_left(now, tok_ns(&sb.st_mtim), 2 * td->lease) <= 0) {
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
		    tok_lease_left(now, tok_ns(&sb.st_mtim), 2 * td->lease) <= 0 &&
		    unlink(path) == 0)
			log_debug("token directory: removed %s", de->d_name);
		free(path);
	}
	closedir(d);
}

/* Whether a job has a published file whose name ends in suffix. */
int
tok_has_sub(const struct tokdir *td, const char *id, const char *suffix)
{
	struct dirent	*de;
	DIR		*dp = NULL;
	char		*dir;
	size_t		 n, sl = strlen(suffix);
	int		 fd, found = 0;

	dir = tok_name(td, id, ".d");
	if ((fd = fs_open_dir(AT_FDCWD, dir)) != -1 &&
	    (dp = fdopendir(fd)) == NULL)
		close(fd);
	if (dp != NULL) {
		while (!found && (de = readdir(dp)) != NULL)
			found = de->d_name[0] != '.' &&
			    (n = strlen(de->d_name)) >= sl &&
			    strcmp(de->d_name + n - sl, suffix) == 0;
		closedir(dp);
	}
	free(dir);
	return found;
}

/*
 * Forget a job's sub-tasks' failures (at the start of a new attempt of
 * the job: they were the last attempt's).
 */
void
tok_clear_failed(struct tokdir *td, const char *id)
{
	char	*dir;

	dir = tok_name(td, id, ".d");
	fs_empty_dir(AT_FDCWD, dir, ".failed", 0);
	free(dir);
}

/*
 * Forget a job's failure (the operator queued it again): its failed
 * marker and its sub-tasks' failures go.
 */
void
tok_unfail(struct tokdir *td, const char *id)
{
	char	*path;

	path = tok_name(td, id, ".failed");
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("%s", path);
	free(path);
	tok_clear_failed(td, id);
}

/* How many claims this process holds. */
size_t
tok_nheld(const struct tokdir *td)
{
	return td->nheld;
}
