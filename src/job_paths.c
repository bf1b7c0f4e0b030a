/*
 * The names a job's files take (its temporary output, its stats) and their
 * removal, and the names of its stages: what the daemon needs of a job
 * without FFmpeg.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "job.h"
#include "log.h"
#include "xmalloc.h"

static const char *stage_names[] = {
	"probe", "crop", "pass 1", "pass 2", "verify", "publish", "scenes",
	"chunks", "join"
};

const char *
job_stage_name(enum job_stage s)
{
	return stage_names[s];
}

/* A unique, readable stem for this job's temporary files. */
static char *
job_stem(const char *path)
{
	const char	*base;
	char		*stem, *p;

	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	xasprintf(&stem, "%.64s", base);
	for (p = stem; *p != '\0'; p++)
		if (*p == '\n' || *p == '/' || *p == '\'' || *p == '"')
			*p = '_';
	if ((p = strrchr(stem, '.')) != NULL && p != stem)
		*p = '\0';
	return stem;
}

/* The stats file of the job for source run by process pid. */
char *
job_stats_path(const char *dir, const char *source, long pid)
{
	char	*stem, *path;

	stem = job_stem(source);
	xasprintf(&path, "%s/%s.%ld.x265-stats", dir, stem, pid);
	free(stem);
	return path;
}

/* The temporary output of the job for output run by process pid. */
char *
job_tmp_path(const char *output, long pid)
{
	char	*dir, *stem, *path;

	dir = fs_dirname(output);
	stem = job_stem(output);
	xasprintf(&path, "%s/.%s.%ld.distenc-tmp.mkv", dir, stem, pid);
	free(stem);
	free(dir);
	return path;
}

/*
 * The copy of a source's video a remux (the size guard's) makes beside
 * the temporary output.
 */
char *
job_remux_path(const char *output, long pid)
{
	char	*tmp, *path;

	tmp = job_tmp_path(output, pid);
	xasprintf(&path, "%s.video", tmp);
	free(tmp);
	return path;
}

/* Remove a stats file and the names x265 uses beside it. */
void
job_stats_unlink(const char *stats)
{
	static const char	*suffix[] = {
		"", ".temp", ".cutree", ".cutree.temp",
		JOB_ANALYSIS_SUFFIX, JOB_ANALYSIS_SUFFIX ".temp"
	};
	char			*p;
	size_t			 i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		xasprintf(&p, "%s%s", stats, suffix[i]);
		if (unlink(p) == -1 && errno != ENOENT)
			log_warn("removing %s", p);
		free(p);
	}
}

/*
 * Remove what the worker pid running a job left when it could not clean
 * up itself (killed): its temporary output and its stats.
 */
void
job_leftovers(const char *source, const char *output, const char *statsdir,
    long pid)
{
	char	*p;

	p = job_tmp_path(output, pid);
	if (unlink(p) == 0)
		log_info("removed %s", p);
	free(p);
	p = job_remux_path(output, pid);
	if (unlink(p) == 0)
		log_info("removed %s", p);
	free(p);
	p = job_stats_path(statsdir, source, pid);
	job_stats_unlink(p);
	free(p);
}

