/*
 * The daemon's jobs (djob.c) and the state the daemon's loop (distencd.c)
 * shares with them.
 */
#ifndef DJOB_H
#define DJOB_H

#include <sys/stat.h>

#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "job.h"
#include "jobid.h"
#include "worker.h"

struct daemon;

enum djob_state {
	DJ_QUEUED,
	DJ_RUNNING,
	DJ_WAITING,
	DJ_DONE,
	DJ_FAILED,
	DJ_ELSEWHERE,		/* another host holds its claim */
	DJ_STATES
};


/* A job the daemon knows: found in the spool or remembered. */
struct djob {
	char		 id[JOBID_MAX];
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
	double		 retry_at;	/* monotonic */
	double		 written;	/* status last written (monotonic) */
	char		*error;
	char		*summary;
	int64_t		 size;		/* the file the id was made from */
	int64_t		 mtime;
	int64_t		 frames;	/* last progress seen */
	struct profile	*sidecar;
	struct worker	*w;		/* while running */
	char		*holder;	/* the node that has it, if not us */
	struct daemon	*d;		/* the daemon it belongs to */
	int		 lost;		/* its claim was lost while running */
	int		 helping;	/* running: another host's chunks */
	double		 help_at;	/* not helped before (monotonic) */
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
	double		 stop_deadline;	/* monotonic */
	time_t		 started_at;
	char		*worker_prog;
	int		 dirty;		/* its status is to be written */
	struct tokdir	*tokens;	/* NULL: working alone */
	int		 tokens_ready;
	char		*tokens_why;	/* why not ready */
};

void	 djob_log(struct djob *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 djob_set(struct djob *, enum djob_state, const char *, const char *);
void	 djob_remember(struct daemon *);
void	 on_ready(void *, const char *, const struct stat *);
int	 djob_count(struct daemon *, enum djob_state);
void	 djob_start_all(struct daemon *);
void	 djob_read(struct djob *);
void	 djob_retry_due(struct daemon *);
void	 hooks_reap(void);
void	 djob_free_all(struct daemon *);
void	 djob_lost(void *, const char *, const char *);
void	 djob_recheck(struct daemon *);
void	 djob_release(struct djob *);

#endif
