/*
 * Inside the job module: the state of a running job, shared by the x265
 * two-pass pipeline (job.c) and the chunked pipeline (job_chunked.c,
 * job_plan.c).
 */
#ifndef JOB_LOCAL_H
#define JOB_LOCAL_H

#include <time.h>

#include "enc.h"
#include "job.h"
#include "media.h"

/* What every stage of a job shares. */
struct job_ctx {
	struct job		*job;
	struct media_info	 mi;
	const struct enc_ops	*ops;
	struct enc_params	 ep;
	char			*stats;
	char			*tmp;
	int			 tmpfd;

	/* the pass under way */
	enum job_stage		 stage;
	struct media_source	 src;
	struct encoder		*enc;
	struct media_picture	*pic;
	struct audio_meter	*meter[MEDIA_MAX_AUDIO];
	struct audio_norm	*norm[MEDIA_MAX_AUDIO];
	struct media_mux	*mux;
	int			 vout;		/* mux index of the video */
	int			 outidx[1024];	/* source stream -> mux */
	int			 aout[MEDIA_MAX_AUDIO];
	int64_t			 vbytes;	/* encoded video bytes */
	int64_t			 sent;		/* frames sent to encoder */
	int64_t			 vspan;		/* video duration, us */
	char			*err;
	struct timespec		 t0;
	struct timespec		 tlast;

	/* chunked jobs */
	char			*workdir;	/* <work_dir>/<job id> */
	struct tokdir		*td;		/* chunks shared with other hosts */
	int			 joinheld;	/* this process joins them */
};

double	 job_elapsed(const struct timespec *);
void	 job_report(struct job_ctx *, int);
void	 job_stage(struct job_ctx *, enum job_stage);
int	 job_fail(struct job_ctx *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 job_fail_err(struct job_ctx *);
void	 job_enc_setup(struct job_ctx *, int64_t);
int	 job_nap(struct job_ctx *, double);

#endif
