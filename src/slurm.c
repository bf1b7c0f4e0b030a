/*
 * distenc --slurm: hand each input to a Slurm cluster.  A two-pass
 * profile is one job (both passes, verify, publish); a chunked profile is a
 * plan job, which once it knows the number of chunks submits an array of
 * chunk jobs and a join job that depends on the array (slurm_job.c).  The
 * state stays where it is without Slurm: the plan and the chunks in the
 * work directory, which must be shared by the cluster's nodes, the output
 * published by rename.  Nothing is submitted unless sbatch runs and the
 * controller answers.
 */
#include "config.h"

#include <sys/stat.h>
#ifdef HAVE_SYS_VFS_H
#include <sys/vfs.h>
#endif

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "jobid.h"
#include "log.h"
#include "slurm.h"
#include "slurm_local.h"
#include "xmalloc.h"

#define TMPFS_MAGIC	0x01021994
#define RAMFS_MAGIC	0x858458f6

/* The batch script: its arguments are the command, never a shell string. */
static const char job_script[] =
    "#!/bin/sh\n"
    "# distenc --slurm: the command is this script's arguments.\n"
    "exec \"$@\"\n";

/* Whether path is dir or below it. */
static int
submit_below(const char *path, const char *dir)
{
	size_t	len = strlen(dir);

	return strncmp(path, dir, len) == 0 &&
	    (path[len] == '\0' || path[len] == '/');
}

/* Why a directory cannot be seen by other hosts, or NULL. */
static const char *
submit_local_why(const char *real)
{
	static const char *const local[] = {
		"/tmp", "/var/tmp", "/dev/shm", "/run"
	};
	size_t		 i;
#ifdef HAVE_SYS_VFS_H
	struct statfs	 sf;

	if (statfs(real, &sf) == 0 && ((unsigned long)sf.f_type ==
	    TMPFS_MAGIC || (unsigned long)sf.f_type == RAMFS_MAGIC))
		return "is on a RAM file system of this host";
#endif
	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (submit_below(real, local[i]))
			return "is below a directory each host has its own of";
	return NULL;
}

/*
 * The work directory must be one the cluster's nodes share: it is made if
 * missing, and refused below /tmp, /var/tmp, /dev/shm or /run or on a RAM
 * file system (unless slurm.check_shared is false).  Its absolute path
 * replaces the configured one, for the jobs.
 */
static int
submit_check_shared(struct config *conf, char **cause)
{
	char		 real[PATH_MAX];
	const char	*why;

	if (fs_mkdirs(conf->work_dir, cause) != 0)
		return -1;
	if (realpath(conf->work_dir, real) == NULL) {
		xasprintf(cause, "%s: %s", conf->work_dir, strerror(errno));
		return -1;
	}
	free(conf->work_dir);
	conf->work_dir = xstrdup(real);
	if (conf->slurm.check_shared && (why = submit_local_why(real)) != NULL) {
		xasprintf(cause, "work_dir %s %s: the nodes of the cluster "
		    "must share it (set slurm.check_shared = false for a "
		    "cluster of this host alone)", real, why);
		return -1;
	}
	return 0;
}

/* The input's job id: its chunks' work directory is <work_dir>/<id>. */
static int
submit_id(const char *path, char *id, size_t len, char **cause)
{
	struct stat	sb;
	char		real[PATH_MAX];

	if (stat(path, &sb) == -1 || realpath(path, real) == NULL) {
		xasprintf(cause, "%s", strerror(errno));
		return -1;
	}
	jobid_make(real + 1, sb.st_size, sb.st_mtime, id, len);
	return 0;
}

/* A Slurm job of a former submission still pending or running, or NULL. */
static char *
submit_busy(const char *dir)
{
	char	*path, *text, *cause = NULL, *line, *next, *id, *found = NULL;
	size_t	 len;

	xasprintf(&path, "%s/jobs", dir);
	text = fs_read_small(path, 1 << 16, &len, &cause);
	free(path);
	free(cause);
	for (line = text; line != NULL && *line != '\0' && found == NULL;
	    line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((id = strchr(line, ' ')) != NULL &&
		    slurm_squeue(id + 1, 0, NULL) == 1)
			found = xstrdup(id + 1);
	}
	free(text);
	return found;
}

/* The step's distenc command, NUL-separated: what every job runs. */
static int
submit_argv(const char *dir, const struct slurm_input *in, int overwrite,
    char **cause)
{
	char	*self, *outdir, *cwd, *text, *path;
	size_t	 len;
	int	 i, rv;
	FILE	*fp;

	self = slurm_self();
	outdir = fs_dirname(in->output);
	cwd = getcwd(NULL, 0);
	if ((fp = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	fprintf(fp, "%s%c-c%c%s/distenc.conf%c-o%c", self, 0, 0, dir, 0, 0);
	if (*outdir != '/' && cwd != NULL)
		fprintf(fp, "%s/", cwd);
	fprintf(fp, "%s%c", outdir, 0);
	if (overwrite)
		fprintf(fp, "-f%c", 0);
	for (i = 0; i < log_getverbose(); i++)
		fprintf(fp, "-v%c", 0);
	fprintf(fp, "%s%c", in->path, 0);
	fclose(fp);
	xasprintf(&path, "%s/argv", dir);
	rv = fs_write_atomic(path, text, len, cause);
	free(path);
	free(self);
	free(text);
	free(outdir);
	free(cwd);
	return rv;
}

/* The effective configuration, its profile the default, for the jobs. */
static int
submit_conf(const struct config *conf, const char *dir, char **cause)
{
	char	*text;
	size_t	 len;
	int	 rv;
	FILE	*fp;

	if ((fp = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	conf_dump(conf, fp);
	fclose(fp);
	rv = slurm_record(dir, "distenc.conf", text, cause);
	free(text);
	return rv;
}

/* The input's directory made afresh: its files for the jobs. */
static int
submit_files(const struct config *conf, const char *dir,
    const struct slurm_input *in, int overwrite, char **cause)
{
	static const char *const old[] = {
		"jobs", "plan.state", "join.state", "encode.state"
	};
	char	*path;
	size_t	 i;

	if (fs_mkdirs(dir, cause) != 0)
		return -1;
	for (i = 0; i < sizeof(old) / sizeof(old[0]); i++) {
		xasprintf(&path, "%s/%s", dir, old[i]);
		if (unlink(path) == -1 && errno != ENOENT)
			log_warn("removing %s", path);
		free(path);
	}
	if (slurm_record(dir, "job.sh", job_script, cause) != 0 ||
	    slurm_record(dir, "source", in->path, cause) != 0 ||
	    slurm_record(dir, "output", in->output, cause) != 0 ||
	    submit_conf(conf, dir, cause) != 0)
		return -1;
	return submit_argv(dir, in, overwrite, cause);
}

/* Submit one input's first job; 0, or -1 with *cause. */
static int
submit_input(const struct config *conf, const struct profile *prof,
    const struct slurm_input *in, int overwrite, char **cause)
{
	struct slurm_argv	 a = { { NULL }, 0 };
	const char		*step = prof->chunked ? "plan" : "encode";
	char			 id[JOBID_MAX], *dir, *jid;
	int			 rv = -1;

	if (!overwrite && fs_exists(in->output)) {
		printf("skipped: %s: %s exists\n", in->path, in->output);
		return 0;
	}
	if (submit_id(in->path, id, sizeof(id), cause) != 0)
		return -1;
	xasprintf(&dir, "%s/%s/%s", conf->work_dir, SLURM_SUBDIR, id);
	if ((jid = submit_busy(dir)) != NULL) {
		printf("skipped: %s: submitted already, Slurm job %s is "
		    "queued or running\n", in->path, jid);
		rv = 0;
	} else if (submit_files(conf, dir, in, overwrite, cause) == 0) {
		slurm_sbatch_args(&a, conf, dir, step,
		    prof->chunked ? 0 : prof->threads);
		if ((rv = slurm_sbatch(&a, dir, step, &jid, cause)) == 0)
			printf("submitted: %s: %s job %s\n", in->path, step,
			    jid);
		slurm_argv_free(&a);
	}
	free(jid);
	free(dir);
	return rv;
}

/*
 * distenc --slurm: submit every input (profile pname of conf, with the
 * command line's options already applied; opts, more sbatch options, or
 * NULL) after checking the cluster and
 * the work directory.  The exit status: 0, or 1 when any input failed.
 */
int
slurm_submit(struct config *conf, const char *pname, const char *opts,
    const struct slurm_input *in, int n, int overwrite)
{
	struct profile	*prof;
	char		*cause = NULL;
	int		 i, failed = 0;

	if ((prof = conf_profile(conf, pname)) == NULL)
		fatalx("no profile %s", pname);
	if (slurm_check_cluster(&cause) != 0 ||
	    submit_check_shared(conf, &cause) != 0) {
		log_warnx("--slurm: %s; nothing submitted", cause);
		free(cause);
		return 1;
	}
	if (*conf->token_dir != '\0')
		log_info("--slurm: the token directory is not used: Slurm "
		    "shares the work");
	free(conf->token_dir);
	conf->token_dir = xstrdup("");
	if (opts != NULL) {
		xasprintf(&cause, "%s %s", conf->slurm.options, opts);
		free(conf->slurm.options);
		conf->slurm.options = cause;
		cause = NULL;
	}
	free(conf->default_profile);
	conf->default_profile = xstrdup(prof->name);
	for (i = 0; i < n; i++)
		if (submit_input(conf, prof, &in[i], overwrite, &cause) != 0) {
			printf("failed: %s: %s\n", in[i].path, cause);
			free(cause);
			cause = NULL;
			failed++;
		}
	return failed ? 1 : 0;
}
