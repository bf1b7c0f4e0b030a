/*
 * A unit of work shared through the token directory, as one host sees it:
 * claimed here, held elsewhere, helped with, done, failed (transient or
 * final), lost while running, taken over.  The batch command, the daemon
 * and a chunked job's chunks go through this one lifecycle and say the
 * same words about it.  The protocol itself is the token module's: a
 * stale claim is taken over inside task_claim(), which then says
 * TASK_MINE; a lost claim is found by tok_renew(), whose callback calls
 * task_lost() for the task running here.
 */
#ifndef TASK_H
#define TASK_H

#include "token.h"

/* What a look at a task found. */
enum task_seen {
	TASK_ERROR = -1,	/* the token directory failed: a cause */
	TASK_MINE,		/* claimed: this host's now */
	TASK_HELD,		/* another live host holds it */
	TASK_DONE,		/* done elsewhere (other says how) */
	TASK_FAILED,		/* failed for good elsewhere */
	TASK_WAIT,		/* failed elsewhere, retried after until */
	TASK_BROKEN		/* its markers unreadable: this task's
				 * error for now, a cause */
};

/* Whether a failure may go away: the kind every error carries. */
enum task_kind {
	TASK_FINAL,
	TASK_TRANSIENT
};

/* How a helping worker ended. */
enum task_help {
	TASK_HELP_JOINED,	/* it joined the chunks and published */
	TASK_HELP_HELPED,	/* it encoded some chunks */
	TASK_HELP_NOTHING,	/* the output was already there */
	TASK_HELP_FAILED,
	TASK_HELP_STOPPED	/* this host is stopping */
};

#define TASK_LOG_ERROR	0x1	/* a warning */
#define TASK_LOG_SAID	0x2	/* the worker already wrote it to the job log */

/* How a done marker's summary starts when its host skipped the task (a
 * rule, the size guard): every host takes it as skipped. */
#define TASK_SKIPPED	"skipped: "

/* Where a task's lines go: its user adds the task's name. */
typedef void	(*task_log_cb)(void *, int, const char *);

struct task {
	struct tokdir	*td;
	char		 key[TOK_TASK_MAX];	/* job id, or id.d/sub */
	char		 holder[TOK_NODE_MAX];	/* another host's; "": none */
	struct tok_file	 other;		/* the claim or marker seen last */
	int		 attempt;	/* claimed: this host's attempt */
	double		 until;		/* not looked at again before */
	double		 help_at;	/* not helped before */
	int		 helping;	/* a worker here encodes its chunks */
	int		 lost;		/* its claim was lost while it ran */
	const char	*work;		/* what a lost claim stops: "the job" */
	task_log_cb	 log;		/* NULL: the program's log */
	void		*logarg;
};

void	 task_init(struct task *, struct tokdir *, const char *,
	    const char *, task_log_cb, void *);
int	 task_claim(struct task *, const char *, char **);
int	 task_peek(struct task *, double);
int	 task_helpable(struct task *, double, double);
void	 task_helping(struct task *, long);
void	 task_helped(struct task *, enum task_help, const char *,
	    const char *, int);
void	 task_done(struct task *, const char *, const char *);
void	 task_failed(struct task *, const char *, enum task_kind, int);
double	 task_retrying(struct task *, int, const char *, int);
int	 task_held(const struct task *);
void	 task_release(struct task *);
void	 task_lost(struct task *, const char *);

#endif
