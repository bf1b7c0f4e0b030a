/*
 * A chunked job's chunks: one chunk encoded (job_chunked_encode, which
 * the scheduler in job_chunks.c runs in its own process), whether a
 * chunk is there, their joining, and whether another host joined them
 * already.  A chunk is written under a temporary name and renamed only
 * once its frame count is verified, so chunks already there (from an
 * earlier run that was stopped or killed, or from another host) are
 * reused, never encoded twice.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "fsutil.h"
#include "job_chunked.h"
#include "job_local.h"
#include "log.h"
#include "token.h"
#include "xmalloc.h"

/* The file a failed chunk encoder leaves its reason in. */
char *
job_chunked_failed_path(const struct job_ctx *c, size_t n)
{
	const struct chunked	*k = c->pipe_state;
	char			*path;

	xasprintf(&path, "%s/chunk-%04zu.failed", k->workdir, n);
	return path;
}

/* The temporary name of chunk n written by this process. */
static char *
chunk_tmp_path(const struct job_ctx *c, size_t n)
{
	const struct chunked	*k = c->pipe_state;
	char			*path, host[256];

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	xasprintf(&path, "%s/.chunk-%04zu.%s.%ld.tmp.mkv", k->workdir, n,
	    host, (long)getpid());
	return path;
}

/* Whether the file of chunk k exists and decodes to its frame count. */
int
job_chunked_have(struct job_ctx *c, const struct plan *p, size_t k)
{
	struct verify_expect	 ex;
	struct stat		 sb;
	char			*path, *cause = NULL;
	int			 rv;

	path = job_plan_chunk_path(c, k);
	if (lstat(path, &sb) == -1) {
		free(path);
		return 0;
	}
	if (!S_ISREG(sb.st_mode)) {
		/* Not one this program writes (a link, a FIFO): never read
		 * through, removed, and the chunk encoded again. */
		log_warnx("chunk %zu: %s is not a regular file: removed", k,
		    path);
		if (unlink(path) == -1)
			log_warn("%s", path);
		free(path);
		return 0;
	}
	memset(&ex, 0, sizeof(ex));
	ex.frames = deint_frames(c->deint, p->chunks[k].frames);
	ex.fps = c->mi.fps;
	ex.width = c->job->res.width;
	ex.height = c->job->res.height;
	rv = media_verify(path, &ex, c->job->stop, &cause) == 0;
	if (!rv && c->job->stop != NULL && *c->job->stop)
		;	/* interrupted, not damaged: keep it */
	else if (!rv) {
		log_warnx("chunk %zu: %s: %s; encoding it again", k, path,
		    cause);
		unlink(path);
	}
	free(cause);
	free(path);
	return rv;
}

/* Send a frame (NULL: the end) and write what comes out. */
static int
chunk_step(struct job_ctx *c, AVFrame *f, AVRational tb)
{
	struct chunked		*k = c->pipe_state;
	struct enc_packet	 ep;
	int			 ret;

	if (c->ops->send(k->enc, f, &c->err) != 0)
		return -1;
	while ((ret = c->ops->receive(k->enc, &ep, &c->err)) == 1) {
		c->vbytes += ep.size;
		if (output_encoded(k->out, &ep, tb, &c->err) != 0)
			return -1;
	}
	return ret;
}

/* The chunk file's output, its one stream from the encoder. */
static int
chunk_output(struct job_ctx *c, const char *tmp)
{
	struct chunked		*k = c->pipe_state;
	struct output_spec	 os;

	memset(&os, 0, sizeof(os));
	os.path = tmp;
	os.ops = c->ops;
	os.enc = k->enc;
	os.width = c->job->res.width;
	os.height = c->job->res.height;
	os.depth = c->job->res.depth;
	os.mi = &c->mi;
	os.prof = c->job->prof;
	os.flags = OUTPUT_KEEP_TS;
	k->out = output_open(&os, &c->err);
	return k->out != NULL ? 0 : -1;
}

/*
 * Make the chunk's temporary file anew (O_EXCL, O_NOFOLLOW): whatever is
 * at its name in the shared work directory (a link planted there, or a
 * file an earlier process of this pid left) is removed, never written
 * through.  The encoder then writes this file.
 */
static int
chunk_tmp_create(struct job_ctx *c, const char *tmp)
{
	int	fd;

	if ((fd = fs_create(AT_FDCWD, tmp, O_WRONLY, 0644)) == -1 &&
	    errno == EEXIST && unlink(tmp) == 0)
		fd = fs_create(AT_FDCWD, tmp, O_WRONLY, 0644);
	if (fd == -1) {
		c->errnum = errno;
		xasprintf(&c->err, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}


struct chunk_feed {
	struct job_ctx	*c;
	AVRational	 tb;		/* the chunk's */
	AVRational	 dtb;		/* the deinterlacer's, or 0/1 */
	int64_t		 drop;		/* frames out of the lead-in, not
					 * the chunk's */
};

/* A progressive frame of the chunk: converted and encoded. */
static int
chunk_picture(void *arg, AVFrame *f)
{
	struct chunk_feed	*cf = arg;
	struct chunked		*k = cf->c->pipe_state;
	AVFrame			*pic;

	if (cf->drop > 0) {
		cf->drop--;
		return 0;
	}
	if (cf->dtb.num != 0)
		f->pts = av_rescale_q(f->pts, cf->dtb, cf->tb);
	if (picture_convert(k->pic, f, &pic, &cf->c->err) != 0)
		return -1;
	return chunk_step(cf->c, pic, cf->tb);
}

/*
 * Decode chunk n's frames from the source and encode them to tmp,
 * deinterlaced first when the job's are (a frame per frame: the chunk
 * keeps its count).  Undoing telecine, chunks start on decimate's cycles
 * and each but the first is read from the last cycle of the one before:
 * fieldmatch and decimate see what they see in the whole film (the frame
 * before, the cycle's frames), and the 4 frames out of that cycle are
 * dropped; so the chunks' frames are the whole film's, in number and
 * content.
 */
static int
chunk_write(struct job_ctx *c, const struct plan *p, size_t n,
    const char *tmp)
{
	const struct chunk	*ch = &p->chunks[n];
	struct chunked		*k = c->pipe_state;
	struct job		*j = c->job;
	struct media_chunk	*r;
	struct media_deint	*d = NULL;
	struct chunk_feed	 cf = { c, { 0, 1 }, { 0, 1 }, 0 };
	AVFrame			*f;
	AVRational		 fps;
	int64_t			 pts = ch->pts, skip = 0, lead = 0;
	int			 ret, rv = -1;

	if (c->deint == DEINT_TELECINE && n > 0 &&
	    p->chunks[n - 1].frames >= DEINT_CYCLE) {
		pts = p->chunks[n - 1].pts;
		skip = p->chunks[n - 1].frames - DEINT_CYCLE;
		lead = DEINT_CYCLE;
		cf.drop = deint_frames(c->deint, DEINT_CYCLE);
	}
	if ((r = media_chunk_open(j->source, 1, pts, skip, lead + ch->frames,
	    &c->err)) == NULL)
		return -1;
	cf.tb = media_chunk_stream(r)->time_base;
	k->pic = job_enc_setup(c, deint_frames(c->deint, ch->frames));
	c->ep.tb = cf.tb;
	if ((k->enc = c->ops->open(&c->ep, &c->err)) == NULL) {
		k->refused = 1;
		goto out;
	}
	if (chunk_output(c, tmp) != 0)
		goto out;
	if (c->deint != DEINT_PROGRESSIVE) {
		if ((d = job_deint(c)) == NULL)
			goto out;
		deint_rate(d, &fps, &cf.dtb);
	}
	while ((ret = media_chunk_next(r, &f, &c->err)) == 1) {
		if ((j->stop != NULL && *j->stop) || (d != NULL ?
		    deint_feed(d, f, chunk_picture, &cf, &c->err) :
		    chunk_picture(&cf, f)) != 0)
			goto out;
	}
	if (ret == 0 && d != NULL &&
	    deint_feed(d, NULL, chunk_picture, &cf, &c->err) != 0)
		goto out;
	if (ret == 0 && chunk_step(c, NULL, cf.tb) == 0)
		rv = output_finish(k->out, &c->err);
out:
	if (rv != 0 && c->err == NULL)
		c->err = xstrdup("interrupted");
	deint_free(d);
	media_chunk_close(r);
	return rv;
}

/* Check a written chunk and rename it into place. */
static int
chunk_keep(struct job_ctx *c, const struct chunk *ch, const char *tmp,
    const char *path)
{
	struct chunked		*k = c->pipe_state;
	struct verify_expect	 ex;

	memset(&ex, 0, sizeof(ex));
	ex.frames = deint_frames(c->deint, ch->frames);
	ex.fps = c->mi.fps;
	ex.width = c->job->res.width;
	ex.height = c->job->res.height;
	if (media_verify(tmp, &ex, c->job->stop, &c->err) != 0)
		return -1;
	if (fs_fsync_path(tmp) == -1 || rename(tmp, path) == -1) {
		c->errnum = errno;
		xasprintf(&c->err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fs_fsync_path(k->workdir) == -1)
		log_warn("flushing %s", k->workdir);
	return 0;
}

/* Close what a chunk's encode opened. */
static void
chunk_close(struct job_ctx *c)
{
	struct chunked	*k = c->pipe_state;

	if (k->enc != NULL)
		c->ops->close(k->enc);
	k->enc = NULL;
	output_free(k->out, NULL, 0);
	k->out = NULL;
	picture_free(k->pic);
	k->pic = NULL;
}

/* A chunk's estimated cost as a word for the log. */
static const char *
chunk_cost_text(const struct chunk *ch, char *buf, size_t len)
{
	if (ch->cost <= 0)
		return "unknown";
	snprintf(buf, len, "%lld", (long long)ch->cost);
	return buf;
}

/*
 * Encode chunk k of plan p into its file, verified; on failure the reason
 * is also left in chunk-NNNN.failed for whoever started this encoder.
 * -1 then, JOB_CHUNKED_TRANSIENT when a retry later could succeed, or
 * JOB_CHUNKED_REFUSED when the encoder would not open with the job's
 * settings (no retry can succeed, nor any other chunk).
 */
int
job_chunked_encode(struct job_ctx *c, const struct plan *p, size_t k)
{
	const struct chunk	*ch = &p->chunks[k];
	struct timespec		 t0, cpu0, cpu1;
	char			*tmp, *path, *failed, *e = NULL, cost[32];
	int			 rv;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
	tmp = chunk_tmp_path(c, k);
	path = job_plan_chunk_path(c, k);
	failed = job_chunked_failed_path(c, k);
	unlink(failed);
	if ((rv = chunk_tmp_create(c, tmp)) == 0)
		rv = chunk_write(c, p, k, tmp);
	chunk_close(c);
	if (rv == 0)
		rv = chunk_keep(c, ch, tmp, path);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
	if (rv == 0)
		log_info("chunk %zu of %zu: frames %lld-%lld, estimated cost "
		    "%s, CPU %.2fs, %.1fs (%.2f fps)", k, p->nchunks,
		    (long long)ch->first,
		    (long long)(ch->first + ch->frames - 1), chunk_cost_text(ch,
		    cost, sizeof(cost)), (cpu1.tv_sec - cpu0.tv_sec) +
		    (cpu1.tv_nsec - cpu0.tv_nsec) / 1e9, job_elapsed(&t0),
		    ch->frames / job_elapsed(&t0));
	else {
		if (c->errnum == 0)
			c->errnum = media_errno();
		if (job_transient(c->errnum))
			rv = JOB_CHUNKED_TRANSIENT;
		else if (((struct chunked *)c->pipe_state)->refused)
			rv = JOB_CHUNKED_REFUSED;
		unlink(tmp);
		if (fs_write_atomic(failed, c->err, strlen(c->err), &e) != 0)
			log_warnx("%s", e);
		free(e);
	}
	free(tmp);
	free(path);
	free(failed);
	return rv;
}

/* Join the chunk files, in order, with the source's other streams. */
int
job_chunked_join(struct job_ctx *c, const struct plan *p)
{
	struct concat_spec	 cs;
	struct audio_loudness	 loud[CHUNK_MAX_AUDIO];
	int64_t			*frames;
	struct stat		 sb;
	size_t			 k;
	int			 i, rv;

	job_stage(c, JOB_JOIN);
	memset(&cs, 0, sizeof(cs));
	cs.chunks = xcalloc(p->nchunks, sizeof(*cs.chunks));
	frames = xcalloc(p->nchunks, sizeof(*frames));
	c->vbytes = 0;
	for (k = 0; k < p->nchunks; k++) {
		cs.chunks[k] = job_plan_chunk_path(c, k);
		frames[k] = deint_frames(c->deint, p->chunks[k].frames);
		if (stat(cs.chunks[k], &sb) == 0)
			c->vbytes += sb.st_size;
	}
	for (i = 0; i < p->naudio; i++) {
		loud[i].i = p->audio[i].i;
		loud[i].lra = p->audio[i].lra;
		loud[i].tp = p->audio[i].tp;
		loud[i].valid = p->audio[i].valid;
	}
	cs.source = c->job->source;
	cs.output = c->tmp;
	cs.frames = frames;
	cs.nchunks = p->nchunks;
	cs.prof = c->job->prof;
	cs.mi = &c->mi;
	cs.loud = loud;
	cs.naudio = p->naudio;
	rv = media_concat(&cs, c->job->stop, &c->err);
	for (k = 0; k < p->nchunks; k++)
		free(cs.chunks[k]);
	free(cs.chunks);
	free(frames);
	if (rv != 0)
		return job_fail_err(c);
	log_info("joined %zu chunks: %lld frames in %.1fs", p->nchunks,
	    (long long)deint_frames(c->deint, p->frames),
	    job_elapsed(&c->t0));
	return 0;
}

/* Another host joined the chunks and published the file: 1. */
int
job_chunked_joined_by(struct job_ctx *c, const struct tok_file *f)
{
	struct job_result	*r = &c->job->res;

	snprintf(r->joined_by, sizeof(r->joined_by), "%s", f->node);
	snprintf(r->note, sizeof(r->note), "%s", f->summary);
	log_info("chunks joined by node %s into %s", f->node, f->text);
	return 1;
}

/*
 * A job whose chunks another host already joined (its joining, or the
 * job, marked done: the chunks and their markers may be gone already):
 * nothing to plan or encode.  1 then, else 0.
 */
int
job_chunked_joined(struct job_ctx *c)
{
	struct chunked	*k = c->pipe_state;
	struct tok_seen	 seen;
	char		*cause = NULL;

	if (tok_peek(k->td, k->join.key, &seen, &cause) == TOK_ISDONE ||
	    tok_peek(k->td, c->job->id, &seen, &cause) == TOK_ISDONE)
		return job_chunked_joined_by(c, &seen.f);
	free(cause);
	return 0;
}
