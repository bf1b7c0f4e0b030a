/*
 * Jobs run in forked worker processes, so a crash in a decoder fails one
 * job, not the program.  A worker's stderr is a pipe to the parent: plain
 * lines are its log, lines starting with WORKER_CTL are progress and the
 * result.
 */
#ifndef WORKER_H
#define WORKER_H

#include <sys/types.h>

#include <signal.h>

#include "job.h"

#define WORKER_CTL	'\001'

enum worker_state {
	WORKER_RUNNING,
	WORKER_DONE,
	WORKER_SKIPPED,
	WORKER_FAILED,
	WORKER_HELPED		/* encoded chunks of another host's job */
};

struct worker {
	pid_t			 pid;
	int			 fd;		/* read end of its stderr */
	char			 buf[8192];
	size_t			 len;
	enum worker_state	 state;
	int			 transient;
	char			 text[1024];	/* summary or error */
	struct job_progress	 progress;
	int			 have_progress;
	void			*arg;
};

pid_t	 worker_fork(struct worker *);
int	 worker_exec(struct worker *, const char *, char *const [],
	    const char *, size_t, int);
int	 worker_start(struct worker *, struct job *, const char *, int);
void	 worker_run(struct job *, const char *, int)
	    __attribute__((noreturn));
int	 worker_read(struct worker *, void (*)(struct worker *, const char *));
void	 worker_reap(struct worker *, int);
void	 worker_signal(int);
extern volatile sig_atomic_t worker_stop;

#endif
