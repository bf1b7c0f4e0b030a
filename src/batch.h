/*
 * The batch command's inputs and its run over them (batch.c), shared
 * with the token directory's part (batch_tokens.c) and main (distenc.c).
 */
#ifndef BATCH_H
#define BATCH_H

#include "conf.h"
#include "job.h"
#include "jobid.h"
#include "token.h"
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
	/* With a token directory: */
	double		 until;		/* not to be tried before (monotonic) */
	int		 lost;		/* its claim was lost while running */
	int		 other;		/* TOK_ISDONE or TOK_ISFAILED elsewhere */
	char		*otext;		/* what the other host said */
	char		 holder[TOK_NODE_MAX];
	int		 helping;	/* running: another host's chunks */
	double		 help_at;	/* not helped before (monotonic) */
};


/* The batch command's state: its inputs and how they are run. */
struct batch {
	struct input		*inputs;
	int			 ninputs;
	int			 tty;		/* a status line on stderr */
	struct tokdir		*tokens;	/* NULL: working alone */
	const struct config	*conf;
	const struct profile	*prof;
	int			 overwrite;
};

char	*input_abs(const char *);
void	 input_outputs(struct batch *, const char *);
void	 run_all(struct batch *);
int	 summary(struct batch *);
double	 mono_now(void);
void	 inputs_recheck(struct batch *);
int	 input_claim(struct batch *, struct input *);
int	 input_helpable(struct batch *, struct input *, double);
int	 input_helped(struct batch *, struct input *);
void	 input_mark(struct batch *, struct input *);
void	 input_lost(void *, const char *, const char *);
int	 tokens_open(struct batch *);

#endif
