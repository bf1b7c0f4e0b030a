/*
 * The batch command's inputs and its run over them (batch.c), with the
 * token directory's part (batch_tokens.c), used by main (distenc.c).
 */
#ifndef BATCH_H
#define BATCH_H

#include "conf.h"
#include "job.h"
#include "jobid.h"
#include "task.h"
#include "worker.h"

struct input {
	char		*path;		/* as given */
	char		*abs;		/* absolute */
	char		*output;
	char		*prefix;	/* for log lines: "name: " */
	char		*rel;		/* below the inputs' common directory */
	char		 id[JOBID_MAX];	/* its task in a token directory */
	struct job	 job;
	struct worker	 w;
	int		 started;
	int		 finished;
	char		*error;		/* failed before starting */
	struct task	 task;		/* with a token directory */
	int		 other;		/* TASK_DONE or TASK_FAILED elsewhere */
	int		 oskipped;	/* done there as skipped */
	char		*otext;		/* what the other host said */
};

/* The batch command's state: its inputs and how they are run. */
struct batch {
	struct input		*inputs;
	int			 ninputs;
	int			 tty;		/* a status line on stderr */
	struct tokdir		*tokens;	/* NULL: working alone */
	struct pool		*pool;		/* the workers */
	const struct config	*conf;
	const struct profile	*prof;
	int			 overwrite;
};

/* batch.c */
void	 batch_add(struct batch *, const char *);
void	 batch_free(struct batch *);
void	 batch_outputs(struct batch *, const char *);
int	 batch_run(struct batch *, const struct config *,
	    const struct profile *, int);

/* batch_walk.c */
void	 batch_walk(struct batch *, const struct config *);

/* batch_tokens.c */
int	 batch_tok_open(struct batch *, const char *);
int	 batch_tok_claim(struct input *);
int	 batch_tok_helpable(struct batch *, struct input *, double);
int	 batch_tok_helped(struct batch *, struct input *);
void	 batch_tok_mark(struct batch *, struct input *);
void	 batch_tok_lost(void *, const char *, const char *);
void	 batch_tok_recheck(struct batch *);

#endif
