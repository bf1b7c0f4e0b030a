/*
 * The plan of a chunked job: its work directory, the scene changes (from
 * a QP file or detected), the chunks, and the plan file that keeps them
 * with the loudness measured on the same read.  A plan is reused when its
 * key (a hash of the source's identity and every setting that shapes the
 * chunks and their encoding) is the current one; otherwise the work
 * directory is emptied and planned anew.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "fsutil.h"
#include "job_chunked.h"
#include "job_local.h"
#include "jobid.h"
#include "log.h"
#include "qpfile.h"
#include "xmalloc.h"

#define PLAN_MAX_BYTES	(64 << 20)
#define QPFILE_DEPTH	3	/* subfolders searched below the source's */

/* A job's work directory's name, <work_dir>/<job id>; NULL with errno
 * when the source cannot be found. */
char *
job_work_path(const struct job *j)
{
	struct stat	 sb;
	char		 id[JOBID_MAX], real[PATH_MAX], *dir;

	if (j->id != NULL)
		snprintf(id, sizeof(id), "%s", j->id);
	else {
		if (stat(j->source, &sb) == -1 ||
		    realpath(j->source, real) == NULL)
			return NULL;
		jobid_make(real + 1, sb.st_size, sb.st_mtime, id, sizeof(id));
	}
	xasprintf(&dir, "%s/%s", j->conf->work_dir, id);
	return dir;
}

/* A job's work directory (job_work_path), made if missing when make is
 * set; NULL when it cannot be (the job failed), or when it is missing and
 * not to be made (errno ENOENT, the job not failed). */
char *
job_work_dir(struct job_ctx *c, int make)
{
	struct job	*j = c->job;
	struct stat	 sb;
	char		*dir;

	if ((dir = job_work_path(j)) == NULL) {
		job_fail(c, 0, "%s: %s", j->source, strerror(errno));
		return NULL;
	}
	if (!make && lstat(dir, &sb) == -1 && errno == ENOENT) {
		free(dir);
		errno = ENOENT;
		return NULL;
	}
	if (make && fs_mkdirs(dir, &c->err) != 0) {
		job_fail(c, 1, "work directory: %s", c->err);
		free(dir);
		return NULL;
	}
	/* Shared with other hosts: a link planted there is not followed. */
	if (lstat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		job_fail(c, 0, "work directory %s: %s", dir,
		    errno != 0 && !S_ISLNK(sb.st_mode) ? strerror(errno) :
		    S_ISLNK(sb.st_mode) ? "a symbolic link, not followed" :
		    "not a directory");
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * The chunked job's work directory (see job_work_dir): 0, -1, or 1 when a
 * helper finds none.  A helper never makes it: the job's host made it,
 * with the plan, and none there means that the job ended after the helper
 * was started (or that work_dir is not shared); made, it would be left
 * behind.
 */
int
job_plan_workdir(struct job_ctx *c)
{
	struct chunked	*k = c->pipe_state;
	struct job	*j = c->job;
	int		 help = j->step == JOB_STEP_HELP;

	if ((k->workdir = job_work_dir(c, !help)) != NULL)
		return 0;
	if (!help || errno != ENOENT || j->error != NULL)
		return -1;
	snprintf(j->res.note, sizeof(j->res.note), "no work directory for "
	    "the job in %s: it has ended (or work_dir is not shared)",
	    j->conf->work_dir);
	log_info("plan: %s", j->res.note);
	return 1;
}

/* The file of chunk k. */
char *
job_plan_chunk_path(const struct job_ctx *c, size_t n)
{
	const struct chunked	*k = c->pipe_state;
	char			*path;

	xasprintf(&path, "%s/chunk-%04zu.mkv", k->workdir, n);
	return path;
}

static char	*plan_qpfile_path(struct job_ctx *);

/*
 * The plan's key: what the chunks depend on, hashed: the source's
 * identity, the QP file's when the scenes come from one, and the
 * settings (not the crop found, which the plan keeps) with what the
 * source was found to be (interlaced, telecined).
 */
static void
plan_key(struct job_ctx *c, char *key, size_t len)
{
	const struct profile	*p = c->job->prof;
	struct stat		 sb, qb;
	char			*s, *qp = NULL;

	if (stat(c->job->source, &sb) == -1)
		memset(&sb, 0, sizeof(sb));
	if (p->scd == SCD_QPFILE)
		qp = plan_qpfile_path(c);
	if (qp == NULL || stat(qp, &qb) == -1)
		memset(&qb, 0, sizeof(qb));
	xasprintf(&s, "%lld %lld|%s %lld %lld|%d %d %d %d %d %d %d %d %d|"
	    "%s %s %s %s %d %d %.6f|%d %d %d %d %d %d %d %s %s %s|"
	    "%d %d %d %.6f %d %s|%d %d %d %s|%d %d %d",
	    (long long)sb.st_size, (long long)sb.st_mtime,
	    qp != NULL ? qp : "", (long long)qb.st_size,
	    (long long)qb.st_mtime, p->crop,
	    p->crop_manual[0], p->crop_manual[1], p->crop_manual[2],
	    p->crop_manual[3], p->crop_samples, p->crop_limit,
	    p->scale_width, p->bit_depth, p->encoder, p->preset,
	    p->tune, p->x265_params, p->bitrate, c->job->res.kbps, p->bpp,
	    p->q, p->cpu_used, p->lag_in_frames, p->tile_columns,
	    p->tile_rows, p->row_mt, p->noise_level, p->grain_table,
	    p->aom_preset, p->aom_params, p->min_chunk_length,
	    p->max_chunk_length, p->scd, p->scd_threshold, p->scd_downscale,
	    p->qp_file, p->svt_preset, p->svt_crf, p->svt_film_grain,
	    p->svt_params, p->deinterlace, p->deinterlace_fields, c->deint);
	snprintf(key, len, "%016" PRIx64, jobid_hash(s, strlen(s), 0));
	free(s);
	free(qp);
}

/* Keep the picture settled now in the plan. */
static void
plan_picture_to(const struct job_ctx *c, struct plan *p)
{
	const struct job_result	*r = &c->job->res;

	p->crop[0] = r->crop.top;
	p->crop[1] = r->crop.bottom;
	p->crop[2] = r->crop.left;
	p->crop[3] = r->crop.right;
	p->width = r->width;
	p->height = r->height;
	p->depth = r->depth;
}

/* Take the plan's picture, so every chunk of a film has the same. */
static void
plan_picture_from(struct job_ctx *c, const struct plan *p)
{
	struct job_result	*r = &c->job->res;

	if (r->crop.top != p->crop[0] || r->crop.bottom != p->crop[1] ||
	    r->crop.left != p->crop[2] || r->crop.right != p->crop[3] ||
	    r->width != p->width || r->height != p->height)
		log_info("plan: keeping its crop %d:%d:%d:%d -> %dx%d",
		    p->crop[0], p->crop[1], p->crop[2], p->crop[3], p->width,
		    p->height);
	r->crop.top = p->crop[0];
	r->crop.bottom = p->crop[1];
	r->crop.left = p->crop[2];
	r->crop.right = p->crop[3];
	r->width = p->width;
	r->height = p->height;
	r->depth = p->depth;
}


/* Look for <stem>.qp or <stem>.qpfile in dir and its subfolders. */
static char *
plan_find_qpfile(const char *dir, const char *stem, int depth)
{
	static const char *const exts[] = { ".qp", ".qpfile" };
	struct dirent	*de;
	struct stat	 sb;
	DIR		*dp;
	char		*path, *found = NULL;
	size_t		 i;

	for (i = 0; i < 2; i++) {
		xasprintf(&path, "%s/%s%s", dir, stem, exts[i]);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			return path;
		free(path);
	}
	if (depth == 0 || (dp = opendir(dir)) == NULL)
		return NULL;
	while (found == NULL && (de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			found = plan_find_qpfile(path, stem, depth - 1);
		free(path);
	}
	closedir(dp);
	return found;
}

/* The QP file: named by qp_file (relative to the source), or found. */
static char *
plan_qpfile_path(struct job_ctx *c)
{
	const char	*src = c->job->source, *name = c->job->prof->qp_file;
	char		*dir, *stem, *dot, *path;

	dir = fs_dirname(src);
	if (*name != '\0') {
		if (*name == '/')
			path = xstrdup(name);
		else
			xasprintf(&path, "%s/%s", dir, name);
		free(dir);
		return path;
	}
	stem = xstrdup(strrchr(src, '/') ? strrchr(src, '/') + 1 : src);
	if ((dot = strrchr(stem, '.')) != NULL && dot != stem)
		*dot = '\0';
	path = plan_find_qpfile(dir, stem, QPFILE_DEPTH);
	free(stem);
	free(dir);
	return path;
}

/* The scene changes from the QP file. */
static int
plan_qpfile(struct job_ctx *c, struct media_scan *scan)
{
	char	*path, *text, *cause = NULL;
	size_t	 len;
	int	 rv;

	if ((path = plan_qpfile_path(c)) == NULL)
		return job_fail(c, 0, "no QP file (scene changes) found beside "
		    "%s: set qp_file, or scd = \"source\" to detect them",
		    c->job->source);
	if ((text = fs_read_small(path, PLAN_MAX_BYTES, &len, &cause)) == NULL) {
		job_fail(c, 0, "QP file %s", cause);
		free(cause);
		free(path);
		return -1;
	}
	free(scan->cuts);
	rv = qpfile_parse(text, len, scan->frames, &scan->cuts, &scan->ncuts,
	    &cause);
	if (rv != 0)
		job_fail(c, 0, "QP file %s: %s", path, cause);
	else
		log_info("scenes: %zu scene changes from %s", scan->ncuts,
		    path);
	free(cause);
	free(text);
	free(path);
	return rv;
}

/* Frame timestamps must increase, or chunks cannot be found again. */
static int
plan_check_pts(struct job_ctx *c, const struct media_scan *scan)
{
	int64_t	i;

	for (i = 0; i < scan->frames; i++)
		if (!media_pts_valid(scan->pts[i]) ||
		    (i > 0 && scan->pts[i] <= scan->pts[i - 1]))
			return job_fail(c, 0, "video frame %lld has no "
			    "increasing timestamp: cannot be split into "
			    "chunks", (long long)i);
	if (scan->frames == 0)
		return job_fail(c, 0, "no video frame could be decoded");
	return 0;
}

/* How many chunk encoders run at once. */
int
job_plan_encoders(const struct job_ctx *c)
{
	const struct profile	*prof = c->job->prof;

	return prof->parallel_encodes > 0 ? prof->parallel_encodes :
	    conf_jobs(c->job->conf);
}

/*
 * Weigh the chunks by their frames' estimated costs, and split those that
 * would keep one encoder busy after the others are done, into parts of
 * min_chunk_length or more: each split is noted in the log (and in the
 * plan, on its chunk's line).
 */
static void
plan_balance(struct job_ctx *c, const struct media_scan *scan,
    struct plan *p)
{
	size_t	i;
	int	encoders = job_plan_encoders(c);

	chunk_weigh(p->chunks, p->nchunks, scan->cost);
	chunk_balance(&p->chunks, &p->nchunks, scan->cost, encoders,
	    c->job->prof->min_chunk_length);
	for (i = 0; i < p->nchunks; i++)
		if (p->chunks[i].split)
			log_info("plan: chunk %zu split from the one before at "
			    "frame %lld (a forced keyframe), to share the work "
			    "among %d encoders", i,
			    (long long)p->chunks[i].first, encoders);
}

/* Chunks, timestamps and loudness into the plan. */
static int
plan_fill(struct job_ctx *c, const struct media_scan *scan, struct plan *p)
{
	const struct profile	*prof = c->job->prof;
	size_t			 i;
	char			*cause = NULL;

	if (chunk_plan(scan->cuts, scan->ncuts, scan->frames,
	    prof->min_chunk_length, prof->max_chunk_length, &p->chunks,
	    &p->nchunks, &cause) != 0) {
		job_fail(c, 0, "%s", cause);
		free(cause);
		return -1;
	}
	plan_balance(c, scan, p);
	if (c->deint == DEINT_TELECINE) {
		/* decimate works in cycles from the first frame it sees */
		chunk_align(p->chunks, &p->nchunks, scan->frames, DEINT_CYCLE,
		    scan->cost);
		log_info("plan: chunks start on cycles of %d frames, where "
		    "inverse telecine keeps 4 of 5", DEINT_CYCLE);
	}
	for (i = 0; i < p->nchunks; i++)
		p->chunks[i].pts = scan->pts[p->chunks[i].first];
	p->frames = scan->frames;
	p->duration = media_span(scan->pts[0], scan->pts[scan->frames - 1],
	    c->mi.tb, c->mi.fps);
	p->naudio = scan->naudio < CHUNK_MAX_AUDIO ? scan->naudio :
	    CHUNK_MAX_AUDIO;
	for (i = 0; i < (size_t)p->naudio; i++) {
		p->audio[i].i = scan->loud[i].i;
		p->audio[i].lra = scan->loud[i].lra;
		p->audio[i].tp = scan->loud[i].tp;
		p->audio[i].valid = scan->loud[i].valid;
	}
	return 0;
}

/* Read the source, find the scenes, plan the chunks. */
static int
plan_make(struct job_ctx *c, struct plan *p)
{
	const struct profile	*prof = c->job->prof;
	const struct chunked	*k = c->pipe_state;
	struct media_scan	 scan;
	struct timespec		 t0;
	int			 detect = prof->scd != SCD_QPFILE, rv = -1;
	int			 audio = strcmp(prof->audio_codec, "copy") != 0;

	/* found now, not when the chunks are joined */
	if (c->mi.script && c->mi.naudio > 0 && !audio)
		return job_fail(c, 0, "a script's audio cannot be copied (it "
		    "is cut to the script's frames): use audio_codec opus or "
		    "flac");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (media_scan(c->job->source, prof, detect, audio, k->workdir, &scan,
	    c->job->stop, &c->err) != 0) {
		media_scan_free(&scan);
		return job_fail_err(c);
	}
	if (plan_check_pts(c, &scan) != 0)
		goto out;
	if (detect)
		log_info("scenes: %zu scene changes detected in %lld frames "
		    "(threshold %.3f%s) in %.1fs", scan.ncuts,
		    (long long)scan.frames, prof->scd_threshold,
		    prof->scd_downscale ? ", downscaled" : "",
		    job_elapsed(&t0));
	else if (plan_qpfile(c, &scan) != 0)
		goto out;
	rv = plan_fill(c, &scan, p);
	if (rv == 0 && job_damage(c, &scan.damage, p->duration) != 0)
		rv = -1;
	if (rv == 0)
		job_still(c, p->frames);
out:
	media_scan_free(&scan);
	return rv;
}

/*
 * Remove every file of a job's work directory (not below it), and with
 * and_dir the directory; no link in it, or in its place, is followed.
 */
void
job_plan_empty_dir(const char *dir, int and_dir)
{
	if (fs_empty_dir(AT_FDCWD, dir, "", and_dir) == -1 && errno != ENOENT)
		log_warn("emptying %s", dir);
}

/*
 * The plan in the work directory when it is whole, current, and fits the
 * source (another host may have written it: every field is checked).
 */
static int
plan_load(struct job_ctx *c, const char *path, const char *key,
    struct plan *p)
{
	char	*text, *cause = NULL;
	size_t	 len;
	int	 rv = -1;

	if (access(path, F_OK) == -1)
		return -1;
	if ((text = fs_read_small_at(AT_FDCWD, path, O_NOFOLLOW,
	    PLAN_MAX_BYTES, &len, &cause)) == NULL ||
	    plan_parse(text, p, &cause) != 0)
		log_warnx("plan: %s: refused: %s; planning again", path, cause);
	else if (strcmp(p->key, key) != 0) {
		log_info("plan: the settings or the source changed: planning "
		    "again");
		plan_clear(p);
	} else if (plan_fits(p, c->mi.width, c->mi.height, c->mi.frames_est,
	    &cause) != 0 || (c->deint == DEINT_TELECINE &&
	    plan_aligned(p, DEINT_CYCLE, &cause) != 0)) {
		log_warnx("plan: %s: refused: %s; planning again", path, cause);
		plan_clear(p);
	} else
		rv = 0;
	free(cause);
	free(text);
	return rv;
}

/*
 * Load the current plan, or make one and write it; a helper (another
 * host's job) only loads one: 1 when there is none.
 */
int
job_plan(struct job_ctx *c, struct plan *p)
{
	const struct chunked	*k = c->pipe_state;
	char			 key[17], *path, *text;
	int			 rv = -1;

	plan_key(c, key, sizeof(key));
	xasprintf(&path, "%s/plan", k->workdir);
	if (plan_load(c, path, key, p) == 0) {
		log_info("plan: reusing %s: %zu chunks, %lld frames", path,
		    p->nchunks, (long long)p->frames);
		plan_picture_from(c, p);
		free(path);
		return 0;
	}
	if (c->job->step == JOB_STEP_HELP) {
		/* Another host's job: its plan is used, never remade. */
		snprintf(c->job->res.note, sizeof(c->job->res.note), "no plan "
		    "of these settings in %s (is work_dir shared, and are the "
		    "settings the same as the job's host's?)", k->workdir);
		log_info("plan: %s", c->job->res.note);
		free(path);
		return 1;
	}
	job_plan_empty_dir(k->workdir, 0);
	memset(p, 0, sizeof(*p));
	if (plan_make(c, p) != 0)
		goto out;
	snprintf(p->key, sizeof(p->key), "%s", key);
	plan_picture_to(c, p);
	text = plan_format(p);
	if (fs_write_atomic(path, text, strlen(text), &c->err) != 0)
		job_fail(c, 1, "plan: %s", c->err);
	else
		rv = 0;
	free(text);
out:
	free(path);
	if (rv != 0)
		plan_clear(p);
	return rv;
}
