/*
 * The spool: the tree users drop sources into.  Scanned at start and every
 * poll interval, watched with inotify where inotify can see changes, and
 * every file offered once it has settled (size and mtime unchanged for
 * the settle time).
 */
#ifndef SPOOL_H
#define SPOOL_H

#include <sys/stat.h>

struct spool;

typedef void	(*spool_ready_cb)(void *, const char *, const struct stat *);
typedef int	(*spool_known_cb)(void *, const char *, const struct stat *);

struct spool	*spool_open(const char *, int, char **);
void		 spool_close(struct spool *);
void		 spool_set_settle(struct spool *, int);
void		 spool_set_known(struct spool *, spool_known_cb, void *);
int		 spool_fd(const struct spool *);
const char	*spool_mode(const struct spool *);
const char	*spool_fstype(const struct spool *);
void		 spool_read_events(struct spool *);
void		 spool_rescan(struct spool *);
double		 spool_due(const struct spool *);
void		 spool_check(struct spool *, spool_ready_cb, void *);
void		 spool_forget(struct spool *, const char *);
double		 spool_now(void);

#endif
