/*
 * The daemon's state and its jobs: the job registry and status files
 * (djob.c), running them in workers (djob_run.c), their tasks in the
 * token directory (djob_task.c), hooks (hook.c) and source moves
 * (move.c).  The loop in distencd.c owns the daemon and calls these.
 */
#ifndef DJOB_H
#define DJOB_H

#include <sys/stat.h>
#include <sys/types.h>

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
	DJ_CANCELLED,		/* by the operator: not retried */
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
	int		 unwritten;	/* progress since, not yet written */
	char		*error;
	char		*summary;
	int64_t		 size;		/* the file the id was made from */
	int64_t		 mtime;
	int64_t		 frames;	/* its worker's last report */
	double		 duration;	/* seconds of media, 0 unknown */
	int		 priority;	/* higher starts first */
	int		 cancelling;	/* its worker was told to stop */
	char		*seen;		/* the spool's path of a finished job */
	struct profile	*sidecar;
	struct worker	*w;		/* while running */
	double		 active;	/* last sign of progress (monotonic) */
	int		 stalled;	/* stopped for want of progress */
	int		 output_found;	/* its output was there when queued */
	int		 was_running;	/* when an earlier run stopped */
	struct task	 task;		/* in the token directory */
};

#define STALL_KILL_SECONDS 10	/* SIGTERM to SIGKILL of a stalled worker */

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
	struct ctl	*ctl;		/* the control socket, or NULL */
	int		 paused;	/* no job starts */
	int		 draining;	/* paused, and exits when idle */
	struct hours	*hours;		/* active hours, or NULL: always */
	int		 outside;	/* outside them: no job starts */
	int		 held;		/* outside, workers stopped (SIGSTOP) */
	time_t		 hours_next;	/* when that changes; -1: never */
	struct {			/* since the start, for metrics */
		double	 started, done, failed, cancelled, skipped;
		double	 frames;	/* of the jobs done here */
		double	 media_seconds;	/* their duration */
		double	 bytes_in, bytes_out;
	}		 totals;
	double		 rescan_seconds;	/* the last spool rescan */
	double		 tokens_seconds;	/* the last token dir check */
	/* Reload the configuration: 0 when taken, else -1 and a cause. */
	int		(*reload)(struct daemon *, char **);
};

/* djob.c: the registry. */
void	 djob_log(struct djob *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
const char *djob_state_name(enum djob_state);
struct djob *djob_find(struct daemon *, const char *);
int	 djob_finished(const struct djob *);
double	 djob_progress(const struct djob *);
void	 djob_write(struct djob *);
void	 djob_set(struct djob *, enum djob_state, const char *, const char *);
void	 djob_remember(struct daemon *);
void	 djob_ready(void *, const char *, const struct stat *);
int	 djob_count(struct daemon *, enum djob_state);
void	 djob_flush(struct daemon *);
double	 djob_due(const struct djob *);
double	 djob_stall_due(const struct djob *);
void	 djob_retry_due(struct daemon *);
void	 djob_recheck(struct daemon *);
void	 djob_free(struct djob *);
void	 djob_free_all(struct daemon *);

/* djob_run.c: jobs in workers. */
struct pool *djob_run_pool(struct daemon *);
void	 djob_run_all(struct daemon *);
void	 djob_run_kill_all(struct daemon *);
void	 djob_run_lost(void *, const char *, const char *);
void	 djob_run_stalled(struct daemon *);

/* djob_expire.c */
void	 djob_expire(struct daemon *);
void	 djob_cancelled(struct djob *);

/* djob_task.c: the token directory's side. */
int	 djob_task_claim(struct djob *);
void	 djob_task_peek(struct daemon *, double);
void	 djob_task_mark(struct djob *, int, const char *, enum task_kind);
int	 djob_task_orphaned(void *, const char *, const struct stat *);

/* djob_hours.c: active hours. */
void	 djob_hours_load(struct daemon *);
void	 djob_hours(struct daemon *);
void	 djob_hours_text(const struct daemon *, char *, size_t);

/* djob_metrics.c */
void	 djob_metrics(struct daemon *);

/* djob_ctl.c: the control socket's commands. */
char	*djob_ctl_command(void *, uid_t, int, char **);

/* hook.c */
struct pool *hook_pool(struct daemon *);
void	 hook_run(struct djob *, char *const *, size_t);

/* move.c */
void	 move_source(struct djob *, const char *);

#endif
