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
	struct chunk_reader	*r;
	AVFrame			*f, *pic;
	AVRational		 tb;
	int			 ret, rv = -1;

	if ((r = chunk_reader_open(j->source, 1, ch->pts, ch->frames,
	    &c->err)) == NULL)
		return -1;
	tb = chunk_reader_stream(r)->time_base;
	job_enc_setup(c, ch->frames);
	c->ep.tb = tb;
	if ((c->enc = c->ops->open(&c->ep, &c->err)) == NULL ||
	    chunk_mux(c, tmp) != 0)
		goto out;
	while ((ret = chunk_reader_next(r, &f, &c->err)) == 1) {
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
	chunk_reader_close(r);
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

/* Check the settings, find the work directory and the plan. */
static int
chunk_setup(struct job_ctx *c, struct plan *p)
{
	struct job	*j = c->job;

	memset(p, 0, sizeof(*p));
	if (j->prof->max_chunk_length > 0 &&
	    j->prof->max_chunk_length < j->prof->min_chunk_length)
		return job_fail(c, 0, "max_chunk_length %d is shorter than "
		    "min_chunk_length %d", j->prof->max_chunk_length,
		    j->prof->min_chunk_length);
	if (chunk_grain_table(c) != 0 || chunked_workdir(c) != 0)
		return -1;
	job_stage(c, JOB_SCENES);
	if (chunked_plan(c, p) != 0)
		return -1;
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

/* The chunked pipeline: plan, encode the chunks, join them. */
int
job_chunked(struct job_ctx *c)
{
	struct job	*j = c->job;
	struct plan	 p;
	int		 rv = -1;

	if (chunk_setup(c, &p) != 0)
		return -1;
	if ((j->step == JOB_STEP_JOIN ? chunk_all_there(c, &p) :
	    chunked_encode_all(c, &p)) == 0 && chunked_join(c, &p) == 0) {
		j->res.actual_kbps = c->vbytes * 8.0 / 1000 /
		    (c->vspan / 1e6);
		rv = 0;
	}
	plan_clear(&p);
	return rv;
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
	if (rmdir(c->workdir) == -1)
		log_warn("removing %s", c->workdir);
}
