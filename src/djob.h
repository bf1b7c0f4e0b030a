/*
 * The daemon's state and its jobs: the job registry and status files
 * (djob.c), running them in workers (djob_run.c), their tasks in the
 * token directory (djob_task.c), hooks (hook.c) and source moves
 * (move.c).  The loop in distencd.c owns the daemon and calls these.
 */
#ifndef DJOB_H
#define DJOB_H

#include <sys/stat.h>

#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "job.h"
#include "jobid.h"
#include "task.h"
#include "worker.h"

struct daemon;

enum djob_state {
	DJ_QUEUED,
	DJ_RUNNING,
	DJ_WAITING,
	DJ_DONE,
	DJ_FAILED,
	DJ_ELSEWHERE,		/* another host holds its claim */
	DJ_SKIPPED,		/* by a rule or the size guard; final */
	DJ_STATES
};


/* A job the daemon knows: found in the spool or remembered. */
struct djob {
	char		 id[JOBID_MAX];
	struct daemon	*d;		/* the daemon it belongs to */
	char		*rel;		/* NULL: only remembered */
	char		*source;
	char		*output;
	char		*log;
	char		*status;
	char		*profile;
	char		*statsdir;
	enum djob_state	 state;
	int		 attempts;
	time_t		 created;
	time_t		 started;
	time_t		 finished;
	double		 retry_at;	/* waiting until (monotonic) */
	double		 written;	/* status last written (monotonic) */
	char		*error;
	char		*summary;
	int64_t		 size;		/* the file the id was made from */
	int64_t		 mtime;
	int64_t		 frames;	/* last progress seen */
	struct profile	*sidecar;
	struct worker	*w;		/* while running */
	struct task	 task;		/* in the token directory */
};

#define DJL_ERROR	1	/* an error */
#define DJL_NOFILE	2	/* the worker wrote it to the job's log */

/* The daemon's state: one for the program, passed where it is needed. */
struct daemon {
	struct config	*conf;
	const char	*conffile;	/* NULL: the built-in configuration */
	struct spool	*spool;
	struct djob	**jobs;
	size_t		 njobs;
	void		*jobindex;	/* the jobs by id (tsearch) */
	char		 node[256];
	int		 stopping;
	time_t		 started_at;
	char		*worker_prog;
	struct pool	*workers;	/* one slot per running job */
	struct pool	*hooks;
	int		 dirty;		/* its status is to be written */
	struct tokdir	*tokens;	/* NULL: working alone */
	int		 tokens_ready;
	char		*tokens_why;	/* why not ready */
};

/* djob.c: the registry. */
void	 djob_log(struct djob *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
const char *djob_state_name(enum djob_state);
struct djob *djob_find(struct daemon *, const char *);
void	 djob_write(struct djob *);
void	 djob_set(struct djob *, enum djob_state, const char *, const char *);
void	 djob_remember(struct daemon *);
void	 djob_ready(void *, const char *, const struct stat *);
int	 djob_count(struct daemon *, enum djob_state);
double	 djob_due(const struct djob *);
void	 djob_retry_due(struct daemon *);
void	 djob_recheck(struct daemon *);
void	 djob_free_all(struct daemon *);

/* djob_run.c: jobs in workers. */
struct pool *djob_run_pool(struct daemon *);
void	 djob_run_all(struct daemon *);
void	 djob_run_kill_all(struct daemon *);
void	 djob_run_lost(void *, const char *, const char *);

/* djob_task.c: the token directory's side. */
int	 djob_task_claim(struct djob *);
void	 djob_task_peek(struct daemon *, double);
void	 djob_task_mark(struct djob *, int, const char *, enum task_kind);

/* hook.c */
struct pool *hook_pool(struct daemon *);
void	 hook_run(struct djob *, char *const *, size_t);

/* move.c */
void	 move_source(struct djob *, const char *);

#endif
