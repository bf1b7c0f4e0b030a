/*
 * Jobs run in worker processes (children of a pool, see pool.h), so a
 * crash in a decoder fails one job, not the program.  A worker's stderr
 * is a pipe to the parent: plain lines are its log, lines starting with
 * WORKER_CTL are progress and the result.
 */
#ifndef WORKER_H
#define WORKER_H

#include <sys/types.h>

#include "job.h"
#include "task.h"

#define WORKER_CTL	'\001'
#define WORKER_PROGRESS	'P'	/* then stage, frame, total, fps, ... */
#define WORKER_RESULT	'R'	/* then done, skipped, helped, failed ... */

/*
 * The hidden options of "distenc" that make it distencd's worker for one
 * job (its configuration on stdin), spoken by both sides.
 */
#define WORKER_OPT		"worker"
#define WORKER_OPT_OUTPUT	"worker-output"	/* the output file */
#define WORKER_OPT_LOG		"worker-log"	/* the job's log file */
#define WORKER_OPT_PREFIX	"worker-prefix"	/* of the log lines */
#define WORKER_OPT_ID		"worker-id"	/* the job's id */
#define WORKER_OPT_TOKENS	"worker-tokens"	/* the token directory */
#define WORKER_OPT_NODE		"worker-node"	/* this host's node name */
#define WORKER_OPT_HELP		"worker-help"	/* another host's chunks */
#define WORKER_OPT_SHARING	"worker-sharing" /* jobs at once on the host */

enum worker_state {
	WORKER_RUNNING,
	WORKER_DONE,
	WORKER_SKIPPED,
	WORKER_DECLINED,	/* skipped by a rule or the size guard */
	WORKER_FAILED,
	WORKER_HELPED		/* encoded chunks of another host's job */
};

struct pool;

/* A worker as its parent sees it: what it said and how it ended. */
struct worker {
	pid_t			 pid;
	enum worker_state	 state;
	enum task_kind		 kind;		/* of a failure */
	char			 text[1024];	/* summary or error */
	struct job_progress	 progress;
	int			 have_progress;
};

int	 worker_exec(struct pool *, struct worker *, const char *,
	    char *const [], const char *, size_t, void *);
int	 worker_start(struct pool *, struct worker *, struct job *,
	    const char *, void *);
void	 worker_run(struct job *, const char *)
	    __attribute__((noreturn));
int	 worker_control(struct worker *, const char *);
void	 worker_exec_failed(const char *, int);
void	 worker_reap(struct worker *, int);
enum task_help worker_helped(const struct worker *, int);
void	 worker_signal(int);
int	 worker_stopped(void);

#endif
