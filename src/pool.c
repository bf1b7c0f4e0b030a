/*
 * The worker pool (see pool.h): the one place where the programs fork
 * their workers, read their stderr pipes, reap them, and stop them.
 * Slots beyond a lowered limit keep running; only new starts wait.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pool.h"
#include "xmalloc.h"

/* One child. */
struct pool_slot {
	pid_t	 pid;		/* 0: free */
	int	 fd;		/* read end of its stderr, -1: none */
	int	 ready;		/* its pipe has something to read */
	void	*arg;		/* the user's */
	char	 buf[POOL_LINE_MAX];
	size_t	 len;
};

struct pool {
	struct pool_slot	*slot;
	int			 nslot;		/* allocated */
	int			 limit;		/* at once */
	int			 busy;
	int			 flags;
	int			 niceness;
	double			 deadline;	/* stopping: SIGKILL after */
	const struct pool_ops	*ops;
	void			*ctx;
};

/* Seconds of the monotonic clock. */
double
pool_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A pool of up to slots children, with flags POOL_*. */
struct pool *
pool_new(int slots, int flags, const struct pool_ops *ops, void *ctx)
{
	struct pool	*p;

	p = xcalloc(1, sizeof(*p));
	p->flags = flags;
	p->ops = ops;
	p->ctx = ctx;
	pool_set_slots(p, slots);
	return p;
}

/* Free a pool (its children are the caller's to have stopped). */
void
pool_free(struct pool *p)
{
	int	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nslot; i++)
		if (p->slot[i].fd != -1)
			close(p->slot[i].fd);
	free(p->slot);
	free(p);
}

/* How many children may run at once (those running keep running). */
void
pool_set_slots(struct pool *p, int slots)
{
	int	i;

	p->limit = slots > 0 ? slots : 1;
	if (p->limit <= p->nslot)
		return;
	p->slot = xreallocarray(p->slot, p->limit, sizeof(*p->slot));
	for (i = p->nslot; i < p->limit; i++) {
		memset(&p->slot[i], 0, sizeof(p->slot[i]));
		p->slot[i].fd = -1;
	}
	p->nslot = p->limit;
}

/* The niceness of the children started from now on. */
void
pool_set_nice(struct pool *p, int niceness)
{
	p->niceness = niceness;
}

int
pool_busy(const struct pool *p)
{
	return p->busy;
}

/* Slots free now (none while stopping). */
int
pool_idle(const struct pool *p)
{
	return p->deadline > 0 || p->busy >= p->limit ? 0 :
	    p->limit - p->busy;
}

/* A free slot, or NULL. */
static struct pool_slot *
pool_free_slot(struct pool *p)
{
	int	i;

	if (pool_idle(p) == 0)
		return NULL;
	for (i = 0; i < p->nslot; i++)
		if (p->slot[i].pid == 0)
			return &p->slot[i];
	return NULL;
}

/* In a new child: the pool's settings; -1 when it must not go on. */
static int
pool_child(struct pool *p, pid_t parent, int errfd)
{
#ifdef __linux__
	/* A parent killed outright (kill -9) must not leave its children
	 * working for it: they get the SIGTERM that makes them clean up. */
	if ((p->flags & POOL_ORPHAN) &&
	    (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent))
		return -1;
#else
	(void)parent;
#endif
	if (errfd != -1) {
		if (dup2(errfd, STDERR_FILENO) == -1)
			return -1;
		close(errfd);
	}
	if (p->niceness != 0)
		setpriority(PRIO_PROCESS, 0, p->niceness);
	return 0;
}

/*
 * Fork a child into a free slot (arg is the slot's); in the child, run
 * (when not NULL) and exit with what it returns.  The child's pid, 0 in
 * the child when run is NULL, or -1 with errno (EBUSY: no free slot).
 */
pid_t
pool_fork(struct pool *p, int (*run)(void *), void *runarg, void *arg)
{
	struct pool_slot	*s;
	pid_t			 parent = getpid(), pid;
	int			 fds[2] = { -1, -1 };

	if ((s = pool_free_slot(p)) == NULL) {
		errno = EBUSY;
		return -1;
	}
	if ((p->flags & POOL_PIPE) && pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		if (fds[0] != -1) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	}
	if (pid == 0) {
		if (fds[0] != -1)
			close(fds[0]);
		if (pool_child(p, parent, fds[1]) == -1)
			_exit(1);
		if (run == NULL)
			return 0;
		_exit(run(runarg));
	}
	if (fds[1] != -1)
		close(fds[1]);
	s->pid = pid;
	s->fd = fds[0];
	s->ready = 0;
	s->len = 0;
	s->arg = arg;
	p->busy++;
	return pid;
}

/* Start the program path with argv, input on its stdin. */
pid_t
pool_exec(struct pool *p, const char *path, char *const argv[],
    const char *input, size_t len, void *arg)
{
	ssize_t	n;
	size_t	off = 0;
	pid_t	pid;
	int	in[2];

	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if ((pid = pool_fork(p, NULL, NULL, arg)) == 0) {
		dup2(in[0], STDIN_FILENO);
		signal(SIGHUP, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		execv(path, argv);
		if (p->ops->exec_failed != NULL)
			p->ops->exec_failed(path, errno);
		_exit(127);
	}
	close(in[0]);
	while (pid != -1 && off < len &&
	    (n = write(in[1], input + off, len - off)) != 0) {
		if (n == -1 && errno != EINTR)
			break;
		off += n > 0 ? n : 0;
	}
	close(in[1]);
	return pid;
}

/* The slot of a running child, or NULL. */
static struct pool_slot *
pool_find(struct pool *p, pid_t pid)
{
	int	i;

	for (i = 0; pid > 0 && i < p->nslot; i++)
		if (p->slot[i].pid == pid)
			return &p->slot[i];
	return NULL;
}

/* Signal one of the pool's children: -1 when it is not one. */
int
pool_kill(struct pool *p, pid_t pid, int sig)
{
	if (pool_find(p, pid) == NULL) {
		errno = ESRCH;
		return -1;
	}
	return kill(pid, sig);
}

/* Signal every child. */
void
pool_signal(struct pool *p, int sig)
{
	int	i;

	for (i = 0; i < p->nslot; i++)
		if (p->slot[i].pid > 0)
			kill(p->slot[i].pid, sig);
}

/* The pipes to poll, at most max: their number. */
int
pool_pollfds(const struct pool *p, struct pollfd *pfd, int max)
{
	int	i, n = 0;

	for (i = 0; i < p->nslot && n < max; i++)
		if (p->slot[i].pid > 0 && p->slot[i].fd != -1) {
			pfd[n].fd = p->slot[i].fd;
			pfd[n].events = POLLIN;
			pfd[n++].revents = 0;
		}
	return n;
}

/* Free a slot whose child was reaped; its user pointer. */
static void *
pool_vacate(struct pool *p, struct pool_slot *s)
{
	void	*arg = s->arg;

	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	s->pid = 0;
	s->arg = NULL;
	p->busy--;
	return arg;
}

/* A slot's child is gone: free the slot, then tell the user. */
static void
pool_ended(struct pool *p, struct pool_slot *s, int status)
{
	pid_t	 pid = s->pid;
	void	*arg = pool_vacate(p, s);

	if (p->ops->ended != NULL)
		p->ops->ended(p->ctx, arg, pid, status);
}

/* Wait for a child that is gone or going (its pipe closed). */
static void
pool_wait(struct pool *p, struct pool_slot *s)
{
	int	status;

	while (waitpid(s->pid, &status, 0) == -1)
		if (errno != EINTR)
			fatal("waitpid");
	pool_ended(p, s, status);
}

/*
 * Read what a child wrote and pass on its lines; 0 at end of file (a
 * read error counts as one), 1 while open.
 */
static int
pool_read(struct pool *p, struct pool_slot *s)
{
	ssize_t	 n;
	char	*nl, *line;

	n = read(s->fd, s->buf + s->len, sizeof(s->buf) - 1 - s->len);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n > 0)
		s->len += n;
	s->buf[s->len] = '\0';
	line = s->buf;
	while ((nl = strchr(line, '\n')) != NULL ||
	    (n <= 0 && *line != '\0') || s->len == sizeof(s->buf) - 1) {
		if (nl != NULL)
			*nl = '\0';
		if (p->ops->line != NULL)
			p->ops->line(p->ctx, s->arg, line);
		if (nl == NULL) {
			line += strlen(line);
			break;
		}
		line = nl + 1;
	}
	s->len -= line - s->buf;
	memmove(s->buf, line, s->len);
	return n > 0;
}

/*
 * What the loop's poll saw on the pool's pipes: lines read and passed
 * on; a child whose pipe closed is reaped.
 */
void
pool_dispatch(struct pool *p, const struct pollfd *pfd, int n)
{
	int	i, k;

	for (k = 0; k < n; k++)
		for (i = 0; pfd[k].revents != 0 && i < p->nslot; i++)
			if (p->slot[i].pid > 0 && p->slot[i].fd == pfd[k].fd)
				p->slot[i].ready = 1;
	for (i = 0; i < p->nslot; i++) {
		if (!p->slot[i].ready)
			continue;
		p->slot[i].ready = 0;
		if (pool_read(p, &p->slot[i]) == 0)
			pool_wait(p, &p->slot[i]);
	}
}

/* Reap the pipe-less children that ended, without waiting. */
void
pool_reap(struct pool *p)
{
	int	i, status;

	for (i = 0; i < p->nslot; i++)
		if (p->slot[i].pid > 0 && p->slot[i].fd == -1 &&
		    waitpid(p->slot[i].pid, &status, WNOHANG) > 0)
			pool_ended(p, &p->slot[i], status);
}

/* Ask every child to stop (SIGTERM); pool_kill_all after grace seconds. */
void
pool_stop(struct pool *p, double grace)
{
	if (p->deadline > 0)
		return;
	p->deadline = pool_now() + grace;
	pool_signal(p, SIGTERM);
}

/* Seconds left of the stop's grace period (< 0 when not stopping). */
double
pool_stop_left(const struct pool *p)
{
	if (p->deadline <= 0)
		return -1;
	return p->deadline - pool_now();
}

/*
 * Kill every child at once (SIGKILL) and wait for it; killed(ctx, arg,
 * pid) is called for each instead of the pool's ended().
 */
void
pool_kill_all(struct pool *p, void (*killed)(void *, void *, pid_t))
{
	struct pool_slot	*s;
	pid_t			 pid;
	void			*arg;
	int			 i, status;

	for (i = 0; i < p->nslot; i++) {
		s = &p->slot[i];
		if ((pid = s->pid) <= 0)
			continue;
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		arg = pool_vacate(p, s);
		if (killed != NULL)
			killed(p->ctx, arg, pid);
	}
}
