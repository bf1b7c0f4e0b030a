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

/*
 * Whether path is on a mount where no file may be executed or mapped as
 * code (noexec): 1, 0, or -1 with errno set.
 */
int
fs_noexec(const char *path)
{
	struct statvfs	sv;

	if (statvfs(path, &sv) == -1)
		return -1;
	return (sv.f_flag & ST_NOEXEC) != 0;
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

/*
 * Replace path with data atomically: a temporary file made anew (never
 * through a link planted at its name), fsync, rename.
 */
int
fs_write_atomic(const char *path, const char *data, size_t len, char **cause)
{
	char	*tmp;
	int	 fd;

	xasprintf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	if ((fd = fs_create(AT_FDCWD, tmp, O_WRONLY, 0644)) == -1 &&
	    errno == EEXIST && unlink(tmp) == 0)
		fd = fs_create(AT_FDCWD, tmp, O_WRONLY, 0644);
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
	if (fd != -1) {
		close(fd);
		unlink(tmp);
	}
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
 * A new file at dirfd/name, made here and now: O_EXCL and O_NOFOLLOW, so
 * a file or link another party planted at the name is never written
 * through (EEXIST).  Opened with flags (O_RDWR, O_WRONLY), close-on-exec.
 */
int
fs_create(int dirfd, const char *name, int flags, mode_t mode)
{
	return openat(dirfd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);
}

/*
 * A directory at dirfd/name, never through a symbolic link at its last
 * component (ELOOP or ENOTDIR then): what is walked in a directory other
 * parties write.
 */
int
fs_open_dir(int dirfd, const char *name)
{
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
}

/*
 * A regular file another party controls, opened with flags (O_NOFOLLOW
 * among them where a link is refused): opened without blocking (a FIFO
 * or a device put in its place must not hang this process), then
 * refused unless it is a regular file (errno EINVAL), then made blocking
 * again.  Its status in *sb.
 */
int
fs_open_file(int dirfd, const char *name, int flags, struct stat *sb)
{
	int	fd, fl;

	if ((fd = openat(dirfd, name, flags | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, sb) == -1)
		goto fail;
	if (!S_ISREG(sb->st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		goto fail;
	return fd;
fail:
	fl = errno;
	close(fd);
	errno = fl;
	return -1;
}

/* Why fs_open_file failed, for a cause. */
const char *
fs_open_error(int errnum)
{
	if (errnum == EINVAL)
		return "not a regular file";
	if (errnum == ELOOP)
		return "a symbolic link, not followed";
	return strerror(errnum);
}

/*
 * fs_open_file for reading, from the working directory: the descriptor,
 * or -1 with *reason set (without the path).
 */
int
fs_open_regular(const char *path, int flags, char **reason)
{
	struct stat	sb;
	int		fd;

	if ((fd = fs_open_file(AT_FDCWD, path, O_RDONLY | flags, &sb)) == -1)
		*reason = xstrdup(fs_open_error(errno));
	return fd;
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

/*
 * A whole small regular file, at most max bytes, NUL-terminated; its
 * length.  flags O_NOFOLLOW refuses a link at its name.
 */
char *
fs_read_small_at(int dirfd, const char *path, int flags, size_t max,
    size_t *lenp, char **cause)
{
	struct stat	sb;
	int		fd;

	if ((fd = fs_open_file(dirfd, path, O_RDONLY | flags, &sb)) == -1) {
		xasprintf(cause, "%s: %s", path, fs_open_error(errno));
		return NULL;
	}
	return fs_read_fd(fd, path, max, lenp, cause);
}

/* A whole small regular file, at most max bytes, NUL-terminated; its length. */
char *
fs_read_small(const char *path, size_t max, size_t *lenp, char **cause)
{
	return fs_read_small_at(AT_FDCWD, path, 0, max, lenp, cause);
}

/*
 * Remove the files of the directory at dirfd/dir (not below it) whose
 * names end in suffix and are longer than it ("" for every file), saying
 * which could not be removed; with and_dir, the directory too when it
 * is empty then.  The walk goes through descriptors and follows no link:
 * a link in place of dir is removed as a link (with and_dir) or refused,
 * a link inside it is removed as a link, a directory inside it is left.
 * 0, or -1 with errno when dir cannot be opened (ENOENT: not there).
 */
int
fs_empty_dir(int dirfd, const char *dir, const char *suffix, int and_dir)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*dp;
	size_t		 n, sl = strlen(suffix);
	int		 fd, saved;

	if ((fd = fs_open_dir(dirfd, dir)) == -1) {
		saved = errno;
		if ((saved == ELOOP || saved == ENOTDIR) && and_dir &&
		    fstatat(dirfd, dir, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(sb.st_mode) && unlinkat(dirfd, dir, 0) == 0) {
			log_warnx("%s: a symbolic link in place of a "
			    "directory: removed (not followed)", dir);
			return 0;
		}
		errno = saved;
		return -1;
	}
	if ((dp = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (sl > 0 && (n <= sl ||
		    strcmp(de->d_name + n - sl, suffix) != 0)))
			continue;
		if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
		    S_ISDIR(sb.st_mode))
			continue;
		if (unlinkat(fd, de->d_name, 0) == -1 && errno != ENOENT)
			log_warn("%s/%s", dir, de->d_name);
	}
	closedir(dp);
	if (and_dir && unlinkat(dirfd, dir, AT_REMOVEDIR) == -1 &&
	    errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
		log_warn("%s", dir);
	return 0;
}
