/*
 * The worker pool: a bounded set of slots, each a child process started
 * by fork (a function run in the child) or by fork and exec, niced, its
 * stderr optionally a pipe read in lines, reaped when it ends, and all of
 * them stopped with a grace period, then SIGKILL.  The pool owns no loop:
 * the program's one event loop polls the pool's pipes (pool_pollfds),
 * hands back what it saw (pool_dispatch) and reaps the pipe-less children
 * (pool_reap); the pool calls back with lines and exit statuses.
 */
#ifndef POOL_H
#define POOL_H

#include <sys/types.h>

#include <poll.h>
#include <stddef.h>

#define POOL_PIPE	0x01	/* a child's stderr is a pipe, read in lines */
#define POOL_ORPHAN	0x02	/* a child gets SIGTERM when its parent dies */

#define POOL_LINE_MAX	8192	/* a longer line is cut in pieces */

/* What a pool tells its user; ctx is the pool's, arg the slot's. */
struct pool_ops {
	/* A line a child wrote to its stderr (POOL_PIPE). */
	void	(*line)(void *ctx, void *arg, const char *line);
	/* A child ended and was reaped: its wait status. */
	void	(*ended)(void *ctx, void *arg, pid_t pid, int status);
	/* In the child of pool_exec, when exec failed (errno in err). */
	void	(*exec_failed)(const char *path, int err);
};

struct pool;

struct pool	*pool_new(int, int, const struct pool_ops *, void *);
void		 pool_free(struct pool *);
void		 pool_set_slots(struct pool *, int);
void		 pool_set_nice(struct pool *, int);
int		 pool_busy(const struct pool *);
int		 pool_idle(const struct pool *);
pid_t		 pool_fork(struct pool *, int (*)(void *), void *, void *);
pid_t		 pool_exec(struct pool *, const char *, char *const [],
		    const char *, size_t, void *);
int		 pool_kill(struct pool *, pid_t, int);
void		 pool_signal(struct pool *, int);
int		 pool_pollfds(const struct pool *, struct pollfd *, int);
void		 pool_dispatch(struct pool *, const struct pollfd *, int);
void		 pool_reap(struct pool *);
void		 pool_stop(struct pool *, double);
double		 pool_stop_left(const struct pool *);
void		 pool_kill_all(struct pool *, void (*)(void *, void *, pid_t));
double		 pool_now(void);

#endif
