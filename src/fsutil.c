/* Filesystem helpers: directories, durable writes, atomic publication. */
#include "config.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#ifdef HAVE_SYS_VFS_H
#include <sys/vfs.h>
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "xmalloc.h"

/* mkdir -p: make path and its missing parents. */
int
fs_mkdirs(const char *path, char **cause)
{
	struct stat	 sb;
	char		*copy, *p, c;
	int		 rv = 0;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	copy = xstrdup(path);
	for (p = copy + 1; rv == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(copy, 0777) == -1 && errno != EEXIST) {
			xasprintf(cause, "cannot make directory %s: %s", copy,
			    strerror(errno));
			rv = -1;
		} else if (stat(copy, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
			xasprintf(cause, "%s: not a directory", copy);
			rv = -1;
		}
		if (c == '\0')
			break;
		*p = c;
	}
	free(copy);
	return rv;
}

/* Flush a file or directory to stable storage. */
int
fs_fsync_path(const char *path)
{
	int	fd, rv, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rv = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	if (rv == -1 && (errno == EINVAL || errno == EROFS))
		return 0;	/* fsync unsupported here: nothing to flush */
	return rv;
}

/* The directory part of a path, allocated. */
char *
fs_dirname(const char *path)
{
	char	*copy, *d;

	copy = xstrdup(path);
	d = xstrdup(dirname(copy));
	free(copy);
	return d;
}

/*
 * Publish tmp as final: flushed, then linked (never replacing an existing
 * file) or renamed over it when overwrite is set, and the directory flushed.
 */
int
fs_publish(const char *tmp, const char *final, int overwrite, char **cause)
{
	char	*dir;
	int	 rv;

	if (fs_fsync_path(tmp) == -1) {
		xasprintf(cause, "flushing %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (overwrite)
		rv = rename(tmp, final);
	else if ((rv = link(tmp, final)) == 0)
		unlink(tmp);
	if (rv == -1) {
		xasprintf(cause, "publishing %s: %s", final, strerror(errno));
		return -1;
	}
	dir = fs_dirname(final);
	if (fs_fsync_path(dir) == -1)
		log_warn("flushing directory %s", dir);
	free(dir);
	return 0;
}

/* Bytes available to us on the filesystem holding path, -1 unknown. */
int64_t
fs_free_bytes(const char *path)
{
	struct statvfs	sv;

	if (statvfs(path, &sv) == -1)
		return -1;
	return (int64_t)sv.f_bavail * sv.f_frsize;
}

/* Bytes the file system of path holds in all, -1 when unknown. */
int64_t
fs_total_bytes(const char *path)
{
	struct statvfs	sv;

	if (statvfs(path, &sv) == -1)
		return -1;
	return (int64_t)sv.f_blocks * sv.f_frsize;
}

int
fs_exists(const char *path)
{
	struct stat	sb;

	return lstat(path, &sb) == 0;
}

/* Write all of data to fd: 0, or -1 with errno. */
int
fs_write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;
	size_t		 off = 0;

	while (off < len) {
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += n;
	}
	return 0;
}

/* Replace path with data atomically: a temporary file, fsync, rename. */
int
fs_write_atomic(const char *path, const char *data, size_t len, char **cause)
{
	char	*tmp;
	int	 fd;

	xasprintf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1)
		goto fail;
	if (fs_write_all(fd, data, len) == -1)
		goto fail;
	if (fsync(fd) == -1 && errno != EINVAL)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	return 0;
fail:
	xasprintf(cause, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

/* Whether a file system's changes can be missed by inotify. */
const char *
fs_remote(const char *path)
{
#ifdef HAVE_SYS_VFS_H
	static const struct {
		unsigned long	 magic;
		const char	*name;
	} fs[] = {
		{ 0x6969, "NFS" }, { 0x517b, "SMB" }, { 0xff534d42, "CIFS" },
		{ 0xfe534d42, "SMB2" }, { 0x65735546, "FUSE" },
		{ 0x01021997, "9P" }, { 0x00c36400, "Ceph" },
		{ 0x5346414f, "AFS" }, { 0x73757245, "Coda" },
		{ 0x564c, "NCP" }, { 0x47504653, "GPFS" },
		{ 0x0bd00bd0, "Lustre" }
	};
	struct statfs	sf;
	size_t		i;

	if (statfs(path, &sf) == -1)
		return NULL;
	for (i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if ((unsigned long)sf.f_type == fs[i].magic)
			return fs[i].name;
#else
	(void)path;
#endif
	return NULL;
}

/*
 * Open a file that another party may control, for reading: without
 * blocking (a FIFO is not waited on), then checked to be a regular file,
 * then blocking again.  The descriptor, or -1 with *reason set (without
 * the path).
 */
int
fs_open_regular(const char *path, int flags, char **reason)
{
	struct stat	sb;
	int		fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | flags);
	if (fd == -1) {
		if (errno == ELOOP && (flags & O_NOFOLLOW))
			*reason = xstrdup("symbolic link, not followed");
		else
			*reason = xstrdup(strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || fcntl(fd, F_SETFL, O_RDONLY) == -1)
		*reason = xstrdup(strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		*reason = xstrdup("not a regular file");
	else
		return fd;
	close(fd);
	return -1;
}

/* All of fd (opened as path), at most max bytes, NUL-terminated; closed. */
char *
fs_read_fd(int fd, const char *path, size_t max, size_t *lenp, char **cause)
{
	char	*buf = NULL;
	ssize_t	 n = 1;
	size_t	 len = 0, size = 0;

	while (len <= max && n != 0) {
		if (len + 1 >= size) {
			size = size == 0 ? 4096 : size * 2;
			if (size > max + 2)
				size = max + 2;
			buf = xreallocarray(buf, size, 1);
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			goto fail;
		}
		len += n;
	}
	if (len > max) {
		xasprintf(cause, "%s: too large (over %zu bytes)", path, max);
		goto fail;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* A whole small regular file, at most max bytes, NUL-terminated; its length. */
char *
fs_read_small(const char *path, size_t max, size_t *lenp, char **cause)
{
	char	*reason;
	int	 fd;

	if ((fd = fs_open_regular(path, 0, &reason)) == -1) {
		xasprintf(cause, "%s: %s", path, reason);
		free(reason);
		return NULL;
	}
	return fs_read_fd(fd, path, max, lenp, cause);
}

/*
 * Remove the files of a directory (not below it) whose names end in
 * suffix and are longer than it ("" for every file), saying which could
 * not be removed: 0, or -1 when the directory cannot be read.
 */
int
fs_unlink_all(const char *dir, const char *suffix)
{
	struct dirent	*de;
	DIR		*dp;
	char		*path;
	size_t		 n, sl = strlen(suffix);

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (sl > 0 && (n <= sl ||
		    strcmp(de->d_name + n - sl, suffix) != 0)))
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if (unlink(path) == -1 && errno != ENOENT)
			log_warn("%s", path);
		free(path);
	}
	closedir(dp);
	return 0;
}
