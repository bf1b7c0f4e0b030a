/*
 * Chunked jobs: the film split at scene changes into chunks encoded in
 * parallel and joined in order.  Three units of work, each callable on
 * its own (so that any host may take any of them): the plan (scenes to a
 * chunk list in <work_dir>/<job id>/plan, job_plan.c), the encoding of
 * chunk k (into <work_dir>/<job id>/chunk-NNNN.mkv, verified, then
 * renamed into place, job_chunked.c; all of them by the scheduler in
 * job_chunks.c), and the joining (once every chunk file exists and
 * verifies, job_chunked.c).  The pipeline that runs them is
 * pipe_chunked.c; each file here calls only the ones listed before it.
 */
#ifndef JOB_CHUNKED_H
#define JOB_CHUNKED_H

#include <stddef.h>

#include "chunk.h"
#include "task.h"

struct job_ctx;

/* A chunked job's own state (its job_ctx's pipe_state). */
struct chunked {
	char			*workdir;	/* <work_dir>/<job id> */
	struct tokdir		*td;		/* chunks shared with other hosts */
	struct task		 join;		/* the joining: claimed here
						 * when this process joins */
	struct tok_keep		*keep;		/* renewing the joining's claim */
	struct encoder		*enc;		/* the chunk being encoded */
	struct media_picture	*pic;
	struct media_output	*out;
	int			 refused;	/* the encoder refused its
						 * settings */
};

/* job_plan.c */
int	 job_plan_workdir(struct job_ctx *);
int	 job_plan(struct job_ctx *, struct plan *);
char	*job_plan_chunk_path(const struct job_ctx *, size_t);
int	 job_plan_encoders(const struct job_ctx *);
void	 job_plan_empty_dir(const char *, int);

/* job_chunked.c */
#define JOB_CHUNKED_TRANSIENT	(-2)	/* a retry later could succeed */
#define JOB_CHUNKED_REFUSED	(-3)	/* the encoder refused its settings:
					 * so will every chunk's */
int	 job_chunked_encode(struct job_ctx *, const struct plan *, size_t);
char	*job_chunked_failed_path(const struct job_ctx *, size_t);
int	 job_chunked_have(struct job_ctx *, const struct plan *, size_t);
int	 job_chunked_join(struct job_ctx *, const struct plan *);
int	 job_chunked_joined_by(struct job_ctx *, const struct tok_file *);
int	 job_chunked_joined(struct job_ctx *);

/* job_chunks.c */
int	 job_chunks_encode_all(struct job_ctx *, const struct plan *);
double	 job_chunks_recheck(const struct job_ctx *);

#endif
