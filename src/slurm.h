/*
 * distenc --slurm: each input handed to a Slurm cluster as jobs that run
 * distenc's own steps (slurm.c submits, slurm_job.c runs inside the jobs,
 * slurm_show.c is distencctl's view, slurm_cmd.c runs Slurm's programs).
 */
#ifndef SLURM_H
#define SLURM_H

#include "conf.h"

/* One input to submit. */
struct slurm_input {
	const char	*path;		/* as given */
	const char	*output;	/* where it is published */
};

int	slurm_submit(struct config *, const char *, const char *,
	    const struct slurm_input *, int, int);
int	slurm_job(const char *, const char *);
int	slurm_show(const struct config *);

#endif
