/*
 * Pass 1 kept (keep_pass1): a two-pass job's x265 stats and what pass 1
 * measured are copied into the job's work directory, beside a fingerprint
 * of the source and of every setting the stats depend on.  A job started
 * again, on this host or another sharing work_dir, finds them there and
 * goes straight to pass 2; a fingerprint that differs means the file or
 * the settings changed, and pass 1 is done again.
 *
 * The work directory holds pass1.x265-stats (and its .cutree), written
 * first, then pass1.info, written last and atomically: the sign that the
 * rest is whole.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "job.h"
#include "job_local.h"
#include "jobid.h"
#include "log.h"
#include "xmalloc.h"

#define PASS1_INFO_MAX	8192

/* The stats, x265's cutree file, pass 1's analysis (pass_reuse). */
static const char *const pass1_suffix[] = {
	"", ".cutree", JOB_ANALYSIS_SUFFIX
};

/* What the stats depend on, hashed: the source and the settings. */
static void
pass1_fingerprint(struct job_ctx *c, char *out, size_t len)
{
	const struct profile	*p = c->job->prof;
	const struct job_result	*r = &c->job->res;
	struct stat		 sb;
	char			*s;

	if (stat(c->job->source, &sb) == -1)
		memset(&sb, 0, sizeof(sb));
	xasprintf(&s, "%lld %lld|%d %d %d %d|%d %d %d %d|%s %s %s %s %d %.6f"
	    "|%d %d|%d %s|%d %d",
	    (long long)sb.st_size, (long long)sb.st_mtime, r->crop.top,
	    r->crop.bottom, r->crop.left, r->crop.right, r->width, r->height,
	    r->depth, r->kbps, p->encoder, p->preset, p->tune, p->x265_params,
	    p->bitrate, p->bpp, p->scale_width, p->bit_depth, p->threads,
	    c->job->source, p->fast_firstpass,
	    c->ep.analysis != NULL ? (int)p->pass_reuse : 0);
	snprintf(out, len, "%016" PRIx64, jobid_hash(s, strlen(s), 0));
	free(s);
}

static char *
pass1_path(const char *dir, const char *name, const char *suffix)
{
	char	*path;

	xasprintf(&path, "%s/%s%s", dir, name, suffix);
	return path;
}

/* Copy from to a temporary name beside to, then rename it into place. */
static int
pass1_copy(const char *from, const char *to, char **cause)
{
	char	 buf[65536], *tmp;
	ssize_t	 n;
	int	 in, out, rv = -1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;	/* no .cutree: nothing to copy */
		xasprintf(cause, "%s: %s", from, strerror(errno));
		return -1;
	}
	xasprintf(&tmp, "%s.%ld.tmp", to, (long)getpid());
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (fs_write_all(out, buf, n) != 0)
			break;
	if (n != 0 || fsync(out) != 0 || close(out) != 0 ||
	    rename(tmp, to) != 0) {
		xasprintf(cause, "%s: %s", to, strerror(errno));
		unlink(tmp);
		goto done;
	}
	rv = 0;
done:
	close(in);
	free(tmp);
	return rv;
}

/* Remove what pass 1 kept in dir. */
static void
pass1_remove(const char *dir)
{
	char	*path;
	size_t	 i;

	path = pass1_path(dir, "pass1.info", "");
	unlink(path);
	free(path);
	for (i = 0; i < sizeof(pass1_suffix) / sizeof(pass1_suffix[0]); i++) {
		path = pass1_path(dir, "pass1.x265-stats", pass1_suffix[i]);
		unlink(path);
		free(path);
	}
}

/*
 * Keep pass 1 (its stats file at stats, measured in seconds) in the job's
 * work directory.  A failure to keep it is only a warning.
 */
void
pass1_save(struct job_ctx *c, const char *stats, double seconds)
{
	struct job	*j = c->job;
	char		*dir, *from, *to, *cause = NULL, fp[32], *text, *p;
	size_t		 i;
	int		 ok = 0;

	if (!j->conf->keep_pass1 || (dir = job_work_dir(c, 1)) == NULL)
		return;
	pass1_fingerprint(c, fp, sizeof(fp));
	for (i = 0; i < sizeof(pass1_suffix) / sizeof(pass1_suffix[0]) &&
	    cause == NULL; i++) {
		xasprintf(&from, "%s%s", stats, pass1_suffix[i]);
		to = pass1_path(dir, "pass1.x265-stats", pass1_suffix[i]);
		pass1_copy(from, to, &cause);
		free(from);
		free(to);
	}
	if (cause == NULL) {
		xasprintf(&text, "distenc-pass1 1\nfingerprint %s\nframes %lld\n"
		    "seconds %.3f\nvspan %lld\nnaudio %d\n", fp,
		    (long long)j->res.frames, seconds, (long long)c->vspan,
		    j->res.naudio);
		for (i = 0; i < (size_t)j->res.naudio && i < JOB_MAX_AUDIO;
		    i++) {
			p = text;
			xasprintf(&text, "%saudio %.6f %.6f %.6f %d\n", p,
			    j->res.before[i].i, j->res.before[i].lra,
			    j->res.before[i].tp, j->res.before[i].valid);
			free(p);
		}
		p = pass1_path(dir, "pass1.info", "");
		ok = fs_write_atomic(p, text, strlen(text), &cause) == 0;
		free(p);
		free(text);
	}
	if (ok)
		log_info("pass 1: kept in %s", dir);
	else {
		log_warnx("pass 1: cannot keep it in %s: %s", dir, cause);
		free(cause);
		pass1_remove(dir);
	}
	free(dir);
}

/* Read pass1.info's figures into the job; -1 when it is not whole. */
static int
pass1_parse(struct job_ctx *c, char *text, const char *fp, double *seconds)
{
	struct job	*j = c->job;
	char		 got[32];
	long long	 frames, vspan;
	int		 naudio, i, n;
	char		*p;

	if (sscanf(text, "distenc-pass1 1\nfingerprint %31s\nframes %lld\n"
	    "seconds %lf\nvspan %lld\nnaudio %d\n%n", got, &frames, seconds,
	    &vspan, &naudio, &n) != 5 || strcmp(got, fp) != 0 ||
	    frames <= 0 || naudio < 0 || naudio > JOB_MAX_AUDIO)
		return -1;
	p = text + n;
	for (i = 0; i < naudio; i++) {
		if (sscanf(p, "audio %lf %lf %lf %d\n%n", &j->res.before[i].i,
		    &j->res.before[i].lra, &j->res.before[i].tp,
		    &j->res.before[i].valid, &n) != 4)
			return -1;
		p += n;
	}
	j->res.frames = frames;
	j->res.naudio = naudio;
	c->ep.frames = frames;
	c->vspan = vspan;
	return 0;
}

/*
 * Take a kept pass 1 for this job: its stats copied to stats and its
 * figures into the job.  1 when taken (pass 2 is next), 0 when there is
 * none or it is for another file or other settings (then it is removed).
 */
int
pass1_resume(struct job_ctx *c, const char *stats)
{
	char	*dir, *path, *text, *from, *to, *cause = NULL, fp[32];
	double	 seconds = 0;
	size_t	 len, i;
	int	 rv = 0;

	if (!c->job->conf->keep_pass1 || (dir = job_work_dir(c, 1)) == NULL)
		return 0;
	path = pass1_path(dir, "pass1.info", "");
	text = fs_read_small(path, PASS1_INFO_MAX, &len, &cause);
	free(path);
	if (text == NULL) {
		free(cause);
		free(dir);
		return 0;
	}
	pass1_fingerprint(c, fp, sizeof(fp));
	if (pass1_parse(c, text, fp, &seconds) != 0) {
		log_info("pass 1 kept in %s is for another file or other "
		    "settings: starting again", dir);
		pass1_remove(dir);
	} else {
		for (i = 0; i < sizeof(pass1_suffix) / sizeof(pass1_suffix[0])
		    && cause == NULL; i++) {
			from = pass1_path(dir, "pass1.x265-stats",
			    pass1_suffix[i]);
			xasprintf(&to, "%s%s", stats, pass1_suffix[i]);
			pass1_copy(from, to, &cause);
			free(from);
			free(to);
		}
		if (cause == NULL) {
			log_info("pass 1: resumed from %s (%lld frames): "
			    "%.1fs saved", dir, (long long)c->job->res.frames,
			    seconds);
			rv = 1;
		} else {
			log_warnx("pass 1 kept in %s cannot be used: %s: "
			    "starting again", dir, cause);
			free(cause);
		}
	}
	free(text);
	free(dir);
	return rv;
}

/* The job is published: what pass 1 kept is no longer needed. */
void
pass1_forget(struct job_ctx *c)
{
	char	*dir;

	if (!c->job->conf->keep_pass1 || (dir = job_work_dir(c, 1)) == NULL)
		return;
	pass1_remove(dir);
	if (rmdir(dir) == -1 && errno != ENOTEMPTY && errno != EEXIST)
		log_debug("%s: %s", dir, strerror(errno));
	free(dir);
}
