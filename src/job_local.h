/*
 * Inside the job module: what every job has while it runs (the job, what
 * probing found, the encoder and its settings, the temporary output, the
 * stage under way), the reporting and failing every part of a job uses
 * (job_ctx.c), and the pipeline interface a job runs its encode through:
 * the x265 two-pass pipeline (pipe_twopass.c) or the chunked one
 * (pipe_chunked.c), chosen once per job.  Each pipeline keeps its own
 * state behind pipe_state.
 */
#ifndef JOB_LOCAL_H
#define JOB_LOCAL_H

#include <time.h>

#include "enc.h"
#include "job.h"
#include "media.h"

struct job_ctx;

/*
 * A pipeline: how a job's video is encoded into its temporary output.
 * open: make the pipeline's state; 1 when the job is done elsewhere
 * already (nothing to do).  prepare: after the analysis, before the
 * output is reserved; 1 when the job's unit of work is done without an
 * output.  encode: into c->tmp; 0 to verify and publish, 1 when that is
 * another host's.  published: the file is under its final name, with
 * the job's summary.  close: free the state, remove what is left.
 */
struct pipeline_ops {
	int		 (*open)(struct job_ctx *);
	int		 (*prepare)(struct job_ctx *);
	int		 (*encode)(struct job_ctx *);
	void		 (*published)(struct job_ctx *, const char *);
	void		 (*close)(struct job_ctx *);
};

extern const struct pipeline_ops pipe_twopass_ops;
extern const struct pipeline_ops pipe_chunked_ops;

/* What every job has, whatever its pipeline. */
struct job_ctx {
	struct job		*job;
	struct media_info	 mi;
	const struct enc_ops	*ops;
	struct enc_params	 ep;
	const struct pipeline_ops *pipe;
	void			*pipe_state;	/* the pipeline's own */
	char			*tmp;		/* temporary output */
	int			 tmpfd;

	int			 probed;	/* mi filled */
	enum job_stage		 stage;
	enum deint_kind		 deint;		/* what the source is */
	struct deint_counts	 deint_k;	/* idet's, when sampled */
	int			 deint_sampled;	/* deint_k filled */
	char			 deint_why[512]; /* the verdict, "" unknown */
	AVRational		 src_fps;	/* the source's, when */
	AVRational		 src_tb;	/* deinterlacing changes them */
	AVRational		 deint_fps;	/* the deinterlacer's rate */
	int64_t			 sent;		/* frames sent to encoder */
	int64_t			 vspan;		/* video duration, us */
	int64_t			 vbytes;	/* encoded video bytes */
	int			 chunks;	/* of the plan, 0 none */
	int			 chunks_done;	/* here or elsewhere */
	char			*err;
	int			 errnum;	/* errno of err, 0 unknown */
	struct timespec		 t0;
	struct timespec		 tlast;
};

/* job.c */
int	 job_analyse(struct job_ctx *);

/* job_decide.c: the rules, the bitrate's bounds, the size guard */
int	 job_decide(struct job_ctx *);
int	 job_bitrate(struct job_ctx *, int);
int	 job_guard(struct job_ctx *);
int	 job_remux(struct job_ctx *);

/* job_ctx.c */
double	 job_elapsed(const struct timespec *);
char	*job_work_dir(struct job_ctx *, int);
char	*job_work_path(const struct job *);

/* job_rate.c: the source's measured video bitrate kept for later steps. */
int	 job_rate_reuse(struct job_ctx *);
void	 job_rate_keep(struct job_ctx *);

/* pass1.c: pass 1 kept in the work directory (keep_pass1). */
void	 pass1_save(struct job_ctx *, const char *, double);
int	 pass1_resume(struct job_ctx *, const char *);
void	 pass1_forget(struct job_ctx *);
void	 job_report(struct job_ctx *, int);
void	 job_stage(struct job_ctx *, enum job_stage);
int	 job_fail(struct job_ctx *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 job_fail_err(struct job_ctx *);
int	 job_transient(int);
struct media_picture *job_enc_setup(struct job_ctx *, int64_t);
struct media_deint *job_deint(struct job_ctx *);
int	 job_nap(struct job_ctx *, double);
void	 job_warn(struct job_ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 job_damage(struct job_ctx *, const struct damage_facts *, int64_t);
void	 job_still(struct job_ctx *, int64_t);

#endif
