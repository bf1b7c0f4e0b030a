/*
 * Chunked jobs: the film split at scene changes into chunks encoded in
 * parallel and joined in order.  Three units of work, each callable on
 * its own (so that any host may take any of them): the plan (scenes to a
 * chunk list in <work_dir>/<job id>/plan), the encoding of chunk k (into
 * <work_dir>/<job id>/chunk-NNNN.mkv, verified, then renamed into place),
 * and the joining (once every chunk file exists and verifies).
 */
#ifndef JOB_CHUNKED_H
#define JOB_CHUNKED_H

#include <stddef.h>

#include "chunk.h"

struct job_ctx;

int	 job_chunked(struct job_ctx *);
int	 job_chunked_step(struct job_ctx *);
void	 job_chunked_cleanup(struct job_ctx *);
void	 job_chunked_published(struct job_ctx *);
int	 job_chunked_joined(struct job_ctx *);

/* job_plan.c */
int	 chunked_workdir(struct job_ctx *);
int	 chunked_plan(struct job_ctx *, struct plan *);
char	*chunked_path(const struct job_ctx *, size_t);
void	 chunked_empty_dir(const char *);

/* job_chunked.c */
int	 chunked_encode(struct job_ctx *, const struct plan *, size_t);
char	*chunked_failed_path(const struct job_ctx *, size_t);
int	 chunked_have(struct job_ctx *, const struct plan *, size_t);
int	 chunked_join(struct job_ctx *, const struct plan *);

/* job_chunks.c */
int	 chunked_encode_all(struct job_ctx *, const struct plan *);
void	 chunked_task(const struct job_ctx *, const struct plan *, size_t,
	    char *, size_t);
double	 chunked_recheck(const struct job_ctx *);

#endif
