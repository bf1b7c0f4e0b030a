/*
 * A chunked job: its plan (job_plan.c), its chunks encoded (one here,
 * chunked_encode; all of them by the local scheduler in job_chunks.c),
 * and their joining.  A chunk is written under a temporary name and
 * renamed only once its frame count is verified, so chunks already there
 * (from an earlier run that was stopped or killed, or from another host)
 * are reused, never encoded twice.
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
chunked_failed_path(const struct job_ctx *c, size_t k)
{
	char	*path;

	xasprintf(&path, "%s/chunk-%04zu.failed", c->workdir, k);
	return path;
}

/* The temporary name of chunk k written by this process. */
static char *
chunk_tmp_path(const struct job_ctx *c, size_t k)
{
	char	*path, host[256];

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	xasprintf(&path, "%s/.chunk-%04zu.%s.%ld.tmp.mkv", c->workdir, k,
	    host, (long)getpid());
	return path;
}

/* Whether the file of chunk k exists and decodes to its frame count. */
int
chunked_have(struct job_ctx *c, const struct plan *p, size_t k)
{
	struct verify_expect	 ex;
	char			*path, *cause = NULL;
	int			 rv;

	path = chunked_path(c, k);
	if (access(path, F_OK) == -1) {
		free(path);
		return 0;
	}
	memset(&ex, 0, sizeof(ex));
	ex.frames = p->chunks[k].frames;
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

/* Write an encoded packet of a chunk. */
static int
chunk_packet(struct job_ctx *c, const struct enc_packet *ep, AVRational tb)
{
	AVPacket	*pkt;
	int		 rv;

	c->vbytes += ep->size;
	if ((pkt = av_packet_alloc()) == NULL ||
	    av_new_packet(pkt, ep->size) < 0)
		fatalx("av_new_packet");
	memcpy(pkt->data, ep->data, ep->size);
	pkt->pts = ep->pts;
	pkt->dts = ep->dts;
	pkt->duration = av_rescale_q(1, av_inv_q(c->mi.fps), tb);
	if (ep->key)
		pkt->flags |= AV_PKT_FLAG_KEY;
	rv = mux_write(c->mux, 0, pkt, tb, &c->err);
	av_packet_free(&pkt);
	return rv;
}

/* Send a frame (NULL: the end) and write what comes out. */
static int
chunk_step(struct job_ctx *c, AVFrame *f, AVRational tb)
{
	struct enc_packet	ep;
	int			ret;

	if (c->ops->send(c->enc, f, &c->err) != 0)
		return -1;
	while ((ret = c->ops->receive(c->enc, &ep, &c->err)) == 1)
		if (chunk_packet(c, &ep, tb) != 0)
			return -1;
	return ret;
}

/* The chunk file's muxer, its one stream from the encoder. */
static int
chunk_mux(struct job_ctx *c, const char *tmp)
{
	AVFormatContext		*none;
	AVCodecParameters	*par;
	const uint8_t		*hdr;
	int			 size;

	if ((none = avformat_alloc_context()) == NULL ||
	    (par = avcodec_parameters_alloc()) == NULL)
		fatalx("avformat_alloc_context");
	c->mux = mux_open(tmp, none, &c->err);
	avformat_free_context(none);
	if (c->mux == NULL) {
		avcodec_parameters_free(&par);
		return -1;
	}
	mux_keep_timestamps(c->mux);
	par->codec_type = AVMEDIA_TYPE_VIDEO;
	par->codec_id = c->ops->codec;
	par->width = c->job->res.width;
	par->height = c->job->res.height;
	par->format = enc_pix_fmt(c->job->res.depth);
	c->ops->headers(c->enc, &hdr, &size);
	if ((par->extradata = av_mallocz(size +
	    AV_INPUT_BUFFER_PADDING_SIZE)) == NULL)
		fatalx("av_mallocz");
	memcpy(par->extradata, hdr, size);
	par->extradata_size = size;
	mux_add_video(c->mux, NULL, par, c->mi.fps, &c->mi);
	avcodec_parameters_free(&par);
	return mux_start(c->mux, &c->err);
}

/* Decode the chunk's frames from the source and encode them to tmp. */
static int
chunk_write(struct job_ctx *c, const struct chunk *ch, const char *tmp)
{
	struct job		*j = c->job;
	struct media_chunk	*r;
	AVFrame			*f, *pic;
	AVRational		 tb;
	int			 ret, rv = -1;

	if ((r = media_chunk_open(j->source, 1, ch->pts, ch->frames,
	    &c->err)) == NULL)
		return -1;
	tb = media_chunk_stream(r)->time_base;
	job_enc_setup(c, ch->frames);
	c->ep.tb = tb;
	if ((c->enc = c->ops->open(&c->ep, &c->err)) == NULL ||
	    chunk_mux(c, tmp) != 0)
		goto out;
	while ((ret = media_chunk_next(r, &f, &c->err)) == 1) {
		if ((j->stop != NULL && *j->stop) ||
		    picture_convert(c->pic, f, &pic, &c->err) != 0 ||
		    chunk_step(c, pic, tb) != 0)
			goto out;
	}
	if (ret == 0 && chunk_step(c, NULL, tb) == 0)
		rv = mux_finish(c->mux, &c->err);
out:
	if (rv != 0 && c->err == NULL)
		c->err = xstrdup("interrupted");
	media_chunk_close(r);
	return rv;
}

/* Check a written chunk and rename it into place. */
static int
chunk_keep(struct job_ctx *c, const struct chunk *ch, const char *tmp,
    const char *path)
{
	struct verify_expect	ex;

	memset(&ex, 0, sizeof(ex));
	ex.frames = ch->frames;
	ex.fps = c->mi.fps;
	ex.width = c->job->res.width;
	ex.height = c->job->res.height;
	if (media_verify(tmp, &ex, c->job->stop, &c->err) != 0)
		return -1;
	if (fs_fsync_path(tmp) == -1 || rename(tmp, path) == -1) {
		xasprintf(&c->err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fs_fsync_path(c->workdir) == -1)
		log_warn("flushing %s", c->workdir);
	return 0;
}

/*
 * Encode chunk k of plan p into its file, verified; on failure the reason
 * is also left in chunk-NNNN.failed for whoever started this encoder.
 */
int
chunked_encode(struct job_ctx *c, const struct plan *p, size_t k)
{
	const struct chunk	*ch = &p->chunks[k];
	struct timespec		 t0;
	char			*tmp, *path, *failed, *e = NULL;
	int			 rv;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	tmp = chunk_tmp_path(c, k);
	path = chunked_path(c, k);
	failed = chunked_failed_path(c, k);
	unlink(failed);
	rv = chunk_write(c, ch, tmp);
	if (c->enc != NULL)
		c->ops->close(c->enc);
	c->enc = NULL;
	mux_free(c->mux);
	c->mux = NULL;
	picture_free(c->pic);
	c->pic = NULL;
	if (rv == 0)
		rv = chunk_keep(c, ch, tmp, path);
	if (rv == 0)
		log_info("chunk %zu of %zu: frames %lld-%lld, %.1fs (%.2f fps)",
		    k, p->nchunks, (long long)ch->first,
		    (long long)(ch->first + ch->frames - 1), job_elapsed(&t0),
		    ch->frames / job_elapsed(&t0));
	else {
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
chunked_join(struct job_ctx *c, const struct plan *p)
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
		cs.chunks[k] = chunked_path(c, k);
		frames[k] = p->chunks[k].frames;
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
	    (long long)p->frames, job_elapsed(&c->t0));
	return 0;
}

/* A film grain table must be readable before any chunk is started. */
static int
chunk_grain_table(struct job_ctx *c)
{
	const char	*path = c->job->prof->grain_table;
	char		 magic[8];
	int		 fd;
	ssize_t		 n;

	if (*path == '\0' || strcmp(c->job->prof->encoder, "aom") != 0)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return job_fail(c, 0, "film grain table %s: %s", path,
		    strerror(errno));
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n != sizeof(magic) || memcmp(magic, "filmgrn1", 8) != 0)
		return job_fail(c, 0, "film grain table %s: not a grain table "
		    "(no filmgrn1 header)", path);
	return 0;
}

/*
 * Publish the plan in the token directory, under its key: the sign for
 * other hosts that this job's chunks may be claimed.
 */
static int
chunk_publish(struct job_ctx *c, const struct plan *p)
{
	char	name[TOK_TASK_MAX], *text, *cause = NULL;
	int	rv;

	snprintf(name, sizeof(name), "%s.d/%s.plan", c->job->id, p->key);
	xasprintf(&text, "distenc-plan 1\nkey %s\nchunks %zu\nframes %lld\n"
	    "workdir %s\n", p->key, p->nchunks, (long long)p->frames,
	    c->workdir);
	rv = tok_publish(c->td, name, text, strlen(text), &cause);
	free(text);
	if (rv == -1) {
		job_fail(c, 1, "token directory: %s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Whether the plan a helper found is the one published for all hosts. */
static int
chunk_published(struct job_ctx *c, const struct plan *p)
{
	char	suffix[32];

	snprintf(suffix, sizeof(suffix), "%s.plan", p->key);
	return tok_has_sub(c->td, c->job->id, suffix);
}

/*
 * Check the settings, find the work directory and the plan: 0, or 1 when
 * a helper finds no plan of its settings to help with, or -1.
 */
static int
chunk_setup(struct job_ctx *c, struct plan *p)
{
	struct job	*j = c->job;
	int		 rv;

	memset(p, 0, sizeof(*p));
	if (j->prof->max_chunk_length > 0 &&
	    j->prof->max_chunk_length < j->prof->min_chunk_length)
		return job_fail(c, 0, "max_chunk_length %d is shorter than "
		    "min_chunk_length %d", j->prof->max_chunk_length,
		    j->prof->min_chunk_length);
	if (chunk_grain_table(c) != 0 || chunked_workdir(c) != 0)
		return -1;
	job_stage(c, JOB_SCENES);
	if ((rv = chunked_plan(c, p)) != 0)
		return rv;
	if (j->step == JOB_STEP_HELP && !chunk_published(c, p)) {
		snprintf(j->res.note, sizeof(j->res.note), "the plan in %s is "
		    "not published (yet) in the token directory", c->workdir);
		plan_clear(p);
		return 1;
	}
	if (c->td != NULL && j->step != JOB_STEP_HELP)
		tok_clear_failed(c->td, j->id);	/* a new attempt */
	if (c->td != NULL && j->step != JOB_STEP_HELP &&
	    chunk_publish(c, p) != 0) {
		plan_clear(p);
		return -1;
	}
	j->res.frames = p->frames;
	c->vspan = p->duration;
	j->res.naudio = p->naudio;
	log_info("plan: %zu chunks of %d frames or more, %lld frames",
	    p->nchunks, j->prof->min_chunk_length, (long long)p->frames);
	return 0;
}

/* Every chunk must be there already (for a join on its own). */
static int
chunk_all_there(struct job_ctx *c, const struct plan *p)
{
	size_t	k;

	for (k = 0; k < p->nchunks; k++)
		if (!chunked_have(c, p, k))
			return job_fail(c, 1, "chunk %zu of %zu is not there "
			    "yet", k, p->nchunks);
	return 0;
}

/*
 * One unit of a chunked job's work on its own: the plan, or the plan and
 * one chunk (which is left as it is when it is there and verifies).
 */
int
job_chunked_step(struct job_ctx *c)
{
	struct job	*j = c->job;
	struct plan	 p;
	size_t		 k = j->step_chunk;
	int		 rv = 0;

	if (chunk_setup(c, &p) != 0)
		return -1;
	if (j->step == JOB_STEP_CHUNK) {
		if (j->step_chunk < 0 || k >= p.nchunks)
			rv = job_fail(c, 0, "no chunk %ld: the plan has %zu",
			    j->step_chunk, p.nchunks);
		else if (chunked_have(c, &p, k))
			log_info("chunk %zu: already there and verified", k);
		else if (chunked_encode(c, &p, k) != 0)
			rv = job_fail_err(c);
	}
	plan_clear(&p);
	return rv;
}

/* The job's joining task in the token directory. */
static void
chunk_join_task(const struct job_ctx *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s.d/join", c->job->id);
}

/* Another host joined the chunks and published the file. */
static int
chunk_joined_by(struct job_ctx *c, const struct tok_seen *seen)
{
	struct job_result	*r = &c->job->res;

	snprintf(r->joined_by, sizeof(r->joined_by), "%s", seen->f.node);
	snprintf(r->note, sizeof(r->note), "%s", seen->f.summary);
	log_info("chunks joined by node %s into %s", seen->f.node,
	    seen->f.text);
	return 1;
}

/*
 * With every chunk done, claim the joining: 0 when this process joins,
 * 1 when another host did or does (a helper leaves it; the job's own
 * host waits for it, and takes it over should that host stop), -1.
 */
static int
chunk_join_claim(struct job_ctx *c)
{
	struct job	*j = c->job;
	struct tok_seen	 seen;
	char		 task[TOK_TASK_MAX], who[TOK_NODE_MAX] = "";
	char		*cause = NULL;
	int		 r;

	chunk_join_task(c, task, sizeof(task));
	for (;;) {
		if (job_chunked_joined(c))
			return 1;
		r = tok_claim(c->td, task, j->source, &seen, &cause);
		switch (r) {
		case TOK_CLAIMED:
			c->joinheld = 1;
			log_info("chunks: all done, the last of them here: "
			    "joining");
			return 0;
		case TOK_ISDONE:
			return chunk_joined_by(c, &seen);
		case TOK_HELD:
		case TOK_WAIT:
			if (j->step == JOB_STEP_HELP) {
				snprintf(j->res.note, sizeof(j->res.note),
				    "node %s joins the chunks", seen.f.node);
				return 1;
			}
			if (strcmp(who, seen.f.node) != 0)
				log_info("chunks: node %s joins them: waiting",
				    seen.f.node);
			snprintf(who, sizeof(who), "%s", seen.f.node);
			break;
		case TOK_ISFAILED:
			return job_fail(c, seen.f.transient, "joining failed on "
			    "node %s: %s", seen.f.node, seen.f.text);
		default:
			job_fail(c, 1, "token directory: %s", cause);
			free(cause);
			return -1;
		}
		if (job_nap(c, chunked_recheck(c)) != 0)
			return job_fail(c, 1, "interrupted");
	}
}

/*
 * A job whose chunks another host already joined (its joining, or the
 * job, marked done: the chunks and their markers may be gone already):
 * nothing to plan or encode.  1 then, else 0.
 */
int
job_chunked_joined(struct job_ctx *c)
{
	struct tok_seen	 seen;
	char		 task[TOK_TASK_MAX], *cause = NULL;

	chunk_join_task(c, task, sizeof(task));
	if (tok_peek(c->td, task, &seen, &cause) == TOK_ISDONE ||
	    tok_peek(c->td, c->job->id, &seen, &cause) == TOK_ISDONE)
		return chunk_joined_by(c, &seen);
	free(cause);
	return 0;
}

/*
 * The chunked pipeline: plan, encode the chunks, join them.  0 when this
 * process joined them (to verify and publish), 1 when that is another
 * host's (or a helper's share is done), -1.
 */
int
job_chunked(struct job_ctx *c)
{
	struct job	*j = c->job;
	struct plan	 p;
	int		 rv;

	if ((rv = chunk_setup(c, &p)) != 0)
		return rv;
	if (j->step == JOB_STEP_JOIN)
		rv = chunk_all_there(c, &p);
	else
		rv = chunked_encode_all(c, &p);
	if (rv == 2)
		rv = 1;		/* joined elsewhere meanwhile */
	else if (rv == 1)
		snprintf(j->res.note, sizeof(j->res.note), "encoded %d of %zu "
		    "chunks; the others are other hosts'", j->res.helped,
		    p.nchunks);
	if (rv == 0 && c->td != NULL)
		rv = chunk_join_claim(c);
	if (rv == 0 && (rv = chunked_join(c, &p)) == 0)
		j->res.actual_kbps = c->vbytes * 8.0 / 1000 /
		    (c->vspan / 1e6);
	plan_clear(&p);
	return rv;
}

/*
 * The joined file is published: mark the joining done for the other
 * hosts, with where the file is and what it is.
 */
void
job_chunked_published(struct job_ctx *c)
{
	char	task[TOK_TASK_MAX], text[1024], *cause = NULL;

	if (c->td == NULL || !c->joinheld)
		return;
	job_summary(c->job, text, sizeof(text));
	chunk_join_task(c, task, sizeof(task));
	if (tok_done(c->td, task, c->job->output, text, &cause) != 0) {
		log_warnx("token directory: %s", cause);
		free(cause);
	}
	c->job->res.joined = 1;
}

/*
 * After publication the work directory is no longer needed: the plan, the
 * chunks, and whatever a stopped encoder left.
 */
void
job_chunked_cleanup(struct job_ctx *c)
{
	if (c->workdir == NULL)
		return;
	chunked_empty_dir(c->workdir);
	if (rmdir(c->workdir) == -1 && errno != ENOENT)
		log_warn("removing %s", c->workdir);
}
