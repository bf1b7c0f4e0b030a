/* Filesystem helpers: directories, durable writes, atomic publication. */
#ifndef FSUTIL_H
#define FSUTIL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct stat;

int	 fs_mkdirs(const char *, char **);
int	 fs_fsync_path(const char *);
int	 fs_publish(const char *, const char *, int, char **);
int64_t	 fs_free_bytes(const char *);
int64_t	 fs_total_bytes(const char *);
int	 fs_noexec(const char *);
int	 fs_exists(const char *);
int	 fs_write_all(int, const void *, size_t);
int	 fs_write_atomic(const char *, const char *, size_t, char **);
char	*fs_dirname(const char *);
const char *fs_remote(const char *);
int	 fs_open_regular(const char *, int, char **);
char	*fs_read_fd(int, const char *, size_t, size_t *, char **);
char	*fs_read_small(const char *, size_t, size_t *, char **);
int	 fs_create(int, const char *, int, mode_t);
int	 fs_open_dir(int, const char *);
int	 fs_open_file(int, const char *, int, struct stat *);
const char *fs_open_error(int);
char	*fs_read_small_at(int, const char *, int, size_t, size_t *, char **);
int	 fs_empty_dir(int, const char *, const char *, int);

#endif
