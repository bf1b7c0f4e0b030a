/*
 * Inside the Slurm module: the per-input directory's files, and running
 * Slurm's programs (slurm_cmd.c).
 *
 * Each submitted input has a directory <work_dir>/.slurm/<job id> (the id
 * of its chunks' work directory <work_dir>/<job id>), on the cluster's
 * shared file system, holding:
 *	job.sh		the batch script: exec "$@" (the command is sbatch's
 *			arguments, never a shell string)
 *	argv		the step's distenc command, NUL-separated
 *	distenc.conf	the effective configuration, the profile as default
 *	source, output	the input's and the output's paths
 *	jobs		"plan|array|join|encode <Slurm job id>" lines
 *	STEP.state	"done ..." or "failed: reason", written by the step
 *	*.out		what Slurm's jobs printed
 */
#ifndef SLURM_LOCAL_H
#define SLURM_LOCAL_H

#include <stddef.h>

#include "conf.h"

#define SLURM_SUBDIR	".slurm"
#define SLURM_MAX_ARGS	64

/* A growing NULL-terminated argument vector. */
struct slurm_argv {
	char	*v[SLURM_MAX_ARGS + 1];
	int	 n;
};

void	 slurm_arg(struct slurm_argv *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 slurm_argv_free(struct slurm_argv *);
int	 slurm_spawn(char *const *, int, char **, char **);
int	 slurm_check_cluster(char **);
void	 slurm_sbatch_args(struct slurm_argv *, const struct config *,
	    const char *, const char *, int);
int	 slurm_sbatch(struct slurm_argv *, const char *, const char *,
	    char **, char **);
int	 slurm_squeue(const char *, int, char **);
int	 slurm_sacct(const char *, char **);
int	 slurm_record(const char *, const char *, const char *, char **);
char	*slurm_self(void);

#endif
