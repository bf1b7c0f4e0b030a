/*
 * One read of an AviSynth script for a chunked job (media_scan on a
 * script).  A script's frames are numbered, so its frame list is
 * 0..frames-1.  The scene changes are detected on the script's own
 * frames (scd "script") or on its scene-detection script (scd "source",
 * avs_scd_script), whose frames are brought to the script's: through the
 * script's map of its frames to its source's when the scene-detection
 * script was made from the source line, else by number (those past the
 * script's end left out).  The loudness is measured on the script's
 * audio, which is its source's when it has none of its own, as the
 * two-pass pipeline encodes it.
 *
 * A script whose frames are reached by seeking is read in segments, one
 * per processor, each from its own opening of the script; a segment
 * starts two frames early, so the scores of its first frames (which need
 * the two frames before them) are right.  Every opening is made before
 * the threads start: the interpreter keeps what it probed of the sources
 * in one table, unlocked.  The audio is read by one more thread.  When
 * the scenes are detected on the script's own frames, each frame's
 * estimated encoding cost (media_score.c) comes with them; otherwise the
 * chunks are weighed by their frame counts.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avs.h"
#include "log.h"
#include "media.h"
#include "media_script_local.h"
#include "xmalloc.h"

#define SSCAN_MAX_SEGMENTS	16
#define SSCAN_MIN_SEGMENT	10	/* seconds of film */
#define SSCAN_AUDIO_STEP	10.0	/* seconds read between stop checks */

/* A segment of the clip scenes are detected on: frames [lo, hi). */
struct sscan_seg {
	struct media_script	*s;
	double			 threshold;
	int			 half;		/* on 2x2 block means */
	volatile int		*stop;
	int64_t			 lo;
	int64_t			 hi;
	int64_t			*cuts;
	size_t			 ncuts;
	uint32_t		*cost;		/* frames lo..hi-1's */
	char			*err;
};

/* The script's audio, measured. */
struct sscan_audio {
	struct media_source	 src;
	volatile int		*stop;
	double			 seconds;	/* the script's */
	struct audio_meter	*meter[MEDIA_MAX_AUDIO];
	struct media_scan	*out;
	char			*err;
};

struct sscan {
	const char		*path;
	const struct profile	*prof;
	volatile int		*stop;
	struct media_script_info info;		/* the script's */
	char			*tmpdir;	/* ours, for scd */
	char			*scd;		/* the clip detected on */
	int			 how;		/* AVS_SCD_* */
	int64_t			 frames;	/* of the clip detected on */
	struct sscan_seg	 seg[SSCAN_MAX_SEGMENTS];
	int			 nseg;
	struct sscan_audio	 au;
	int			 audio;
};

/* Score frames lo - 2 .. hi - 1 of the clip; keep the cuts from lo on. */
static void *
sscan_segment(void *arg)
{
	struct sscan_seg	*g = arg;
	struct scene_score	 sc;
	AVFrame			*f;
	int64_t			 n = g->lo > 2 ? g->lo - 2 : 0;
	int			 ret = 1;

	if (score_init(&sc, g->s->info.pix_fmt, g->half, &g->err) != 0)
		return NULL;
	if ((f = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	if (script_seek(g->s, n, &g->err) != 0)
		ret = -1;
	g->cost = xcalloc(g->hi - g->lo + 1, sizeof(*g->cost));
	for (; ret == 1 && n < g->hi; n++) {
		if (g->stop != NULL && *g->stop) {
			xasprintf(&g->err, "interrupted");
			break;
		}
		if ((ret = script_read(g->s, f, &g->err)) != 1)
			break;
		if (score_cut(&sc, f, g->threshold) && n >= g->lo) {
			g->cuts = xreallocarray(g->cuts, g->ncuts + 1,
			    sizeof(*g->cuts));
			g->cuts[g->ncuts++] = n;
		}
		if (n >= g->lo)
			g->cost[n - g->lo] = sc.cost;
		av_frame_unref(f);
	}
	if (ret == 0)
		xasprintf(&g->err, "%s: ends at frame %lld, before %lld",
		    g->s->path, (long long)n, (long long)g->hi);
	av_frame_free(&f);
	score_clear(&sc);
	return NULL;
}

static int
sscan_audio_frame(void *arg, int slot, AVFrame *f)
{
	struct sscan_audio	*a = arg;

	return meter_feed(a->meter[slot], f, &a->err);
}

/* Read the script's audio alone, in steps, and measure it. */
static void *
sscan_audio(void *arg)
{
	struct sscan_audio	*a = arg;
	struct media_sink	 sink = { a, NULL, sscan_audio_frame, NULL };
	double			 t;
	char			*err = NULL;
	int			 i, rv = 0;

	for (t = SSCAN_AUDIO_STEP; rv == 0 && t < a->seconds;
	    t += SSCAN_AUDIO_STEP) {
		if (a->stop != NULL && *a->stop) {
			err = xstrdup("interrupted");
			rv = -1;
		} else
			rv = script_source_audio(&a->src, t, &sink, &err);
	}
	if (rv == 0)
		rv = script_source_audio(&a->src, HUGE_VAL, &sink, &err);
	if (rv != 0 && a->err == NULL) {
		a->err = err;
		err = NULL;
	}
	free(err);
	a->out->naudio = a->src.naudio;
	for (i = 0; i < a->src.naudio; i++) {
		meter_free(a->meter[i], rv == 0 ? &a->out->loud[i] : NULL);
		a->meter[i] = NULL;
	}
	return NULL;
}

/* Open the script's audio and its meters. */
static int
sscan_audio_open(struct sscan *x, struct media_scan *out, char **cause)
{
	struct sscan_audio	*a = &x->au;
	int			 i;

	a->stop = x->stop;
	a->out = out;
	a->seconds = x->info.frames * av_q2d(av_inv_q(x->info.fps));
	if (script_source_open(&a->src, x->path, 1, SOURCE_DECODE_AUDIO,
	    cause) != 0)
		return -1;
	x->audio = 1;
	for (i = 0; i < a->src.naudio; i++)
		if ((a->meter[i] = meter_new(a->src.adec[i], x->prof,
		    cause)) == NULL)
			return -1;
	return 0;
}

/* How many segments: one per processor, of ten seconds or more each,
 * when the clip can be sought. */
static int
sscan_nsegments(const struct media_script *s)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t	per;

	if (n < 1 || !script_seekable(s))
		return 1;
	if (n > SSCAN_MAX_SEGMENTS)
		n = SSCAN_MAX_SEGMENTS;
	per = SSCAN_MIN_SEGMENT * av_q2d(s->info.fps);
	if (per > 0 && s->info.frames / n < per)
		n = s->info.frames / per;
	return n < 1 ? 1 : n;
}

/* Open the clip scenes are detected on, once per segment. */
static int
sscan_segments(struct sscan *x, char **cause)
{
	const char		*clip = x->scd != NULL ? x->scd : x->path;
	struct media_script	*first;
	long			 cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int			 k, n;

	if ((first = script_open(clip, 1, NULL, cause)) == NULL)
		return -1;
	if ((n = sscan_nsegments(first)) == 1 && cpus > 1) {
		/* alone: its sources decoded with every processor */
		script_close(first);
		if ((first = script_open(clip, cpus, NULL, cause)) == NULL)
			return -1;
	}
	x->frames = first->info.frames;
	for (k = 0; k < n; k++) {
		x->seg[k].s = k == 0 ? first : script_open(clip, 1, NULL,
		    cause);
		if (x->seg[k].s == NULL)
			return -1;
		x->nseg++;
		x->seg[k].threshold = x->prof->scd_threshold;
		/* a scene-detection script reduces by itself */
		x->seg[k].half = x->scd == NULL && x->prof->scd_downscale;
		x->seg[k].stop = x->stop;
		x->seg[k].lo = x->frames * k / n;
		x->seg[k].hi = x->frames * (k + 1) / n;
	}
	if (n > 1)
		log_debug("%s: scenes detected in %d segments", clip, n);
	return 0;
}

/* Start the threads, wait for them, take the first error. */
static int
sscan_run(struct sscan *x, char **cause)
{
	pthread_t	tid[SSCAN_MAX_SEGMENTS + 1];
	int		k;

	for (k = 0; k < x->nseg; k++)
		if (pthread_create(&tid[k], NULL, sscan_segment,
		    &x->seg[k]) != 0)
			fatalx("pthread_create");
	if (x->audio && pthread_create(&tid[k], NULL, sscan_audio,
	    &x->au) != 0)
		fatalx("pthread_create");
	for (k = 0; k < x->nseg; k++)
		pthread_join(tid[k], NULL);
	if (x->audio)
		pthread_join(tid[k], NULL);
	for (k = 0; k < x->nseg; k++)
		if (x->seg[k].err != NULL) {
			*cause = xstrdup(x->seg[k].err);
			return -1;
		}
	if (x->audio && x->au.err != NULL) {
		*cause = xstrdup(x->au.err);
		return -1;
	}
	return 0;
}

/* The cuts as the script's frames, through its plan and the source file
 * of its scene-detection script; -1 when that cannot be done. */
static int
sscan_map_file(const struct sscan *x, int64_t *cuts, size_t n,
    int64_t **out, size_t *nout)
{
	struct avs_plan	*p, *q = NULL;
	char		*err = NULL;
	int		 k, rv = -1;

	if ((p = avs_eval(x->path, media_script_source_probe, &err)) != NULL)
		q = avs_eval(x->scd, media_script_source_probe, &err);
	for (k = 0; q != NULL && k < q->ninputs && !q->video[k]; k++)
		;
	if (q != NULL && k < q->ninputs)
		rv = avs_scd_map(p, q->inputs[k], cuts, n, out, nout);
	if (err != NULL)
		log_debug("%s: %s", x->path, err);
	free(err);
	avs_plan_free(p);
	avs_plan_free(q);
	return rv;
}

/*
 * The scene changes found on the scene-detection script as the script's
 * frames: mapped through the source when it was made from the source
 * line, else by number, those past the script's end left out.
 */
static void
sscan_map(struct sscan *x, struct media_scan *out)
{
	int64_t	*mapped;
	size_t	 n, i;

	if ((x->how & AVS_SCD_SOURCE) &&
	    sscan_map_file(x, out->cuts, out->ncuts, &mapped, &n) == 0) {
		free(out->cuts);
		out->cuts = mapped;
		out->ncuts = n;
		return;
	}
	if (x->frames == x->info.frames)
		return;
	for (i = 0; i < out->ncuts && out->cuts[i] < x->info.frames; i++)
		;
	log_warnx("%s: %lld frames, where the script has %lld: its scene "
	    "changes are taken by frame number, %zu past the script's end "
	    "left out", x->scd, (long long)x->frames,
	    (long long)x->info.frames, out->ncuts - i);
	out->ncuts = i;
}

/* The scene-detection script (scd "source"), written in dir or in a
 * folder of ours; without one, the script's own frames. */
static int
sscan_scd(struct sscan *x, const char *dir, char **cause)
{
	const char	*tmp = getenv("TMPDIR");
	char		*why = NULL;

	if (dir == NULL) {
		xasprintf(&x->tmpdir, "%s/distenc-scd.XXXXXX",
		    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
		if (mkdtemp(x->tmpdir) == NULL) {
			xasprintf(cause, "%s: %s", x->tmpdir, strerror(errno));
			free(x->tmpdir);
			x->tmpdir = NULL;
			return -1;
		}
		dir = x->tmpdir;
	}
	x->scd = avs_scd_script(x->path, x->prof->scd_downscale, dir, &x->how,
	    &why);
	if (x->scd == NULL)
		log_warnx("%s: scenes detected on the script's own frames",
		    why);
	else
		log_info("scenes: detected on %s", x->scd);
	free(why);
	return 0;
}

/* Gather the segments' cuts, in order, and the frame list. */
static void
sscan_gather(struct sscan *x, struct media_scan *out)
{
	int64_t	i;
	int	k;

	for (k = 0; k < x->nseg; k++) {
		if (x->seg[k].ncuts == 0)
			continue;
		out->cuts = xreallocarray(out->cuts, out->ncuts +
		    x->seg[k].ncuts, sizeof(*out->cuts));
		memcpy(out->cuts + out->ncuts, x->seg[k].cuts,
		    x->seg[k].ncuts * sizeof(*out->cuts));
		out->ncuts += x->seg[k].ncuts;
	}
	if (x->scd != NULL)
		sscan_map(x, out);
	else if (x->nseg > 0 && x->frames == x->info.frames) {
		/* the costs of the script's own frames */
		out->cost = xreallocarray(NULL, x->frames + 1,
		    sizeof(*out->cost));
		for (k = 0; k < x->nseg; k++)
			memcpy(out->cost + x->seg[k].lo, x->seg[k].cost,
			    (x->seg[k].hi - x->seg[k].lo) *
			    sizeof(*out->cost));
	}
	out->frames = x->info.frames;
	out->pts = xreallocarray(NULL, out->frames, sizeof(*out->pts));
	for (i = 0; i < out->frames; i++)
		out->pts[i] = i;
}

static void
sscan_free(struct sscan *x)
{
	int	k;

	for (k = 0; k < SSCAN_MAX_SEGMENTS; k++) {
		script_close(x->seg[k].s);
		free(x->seg[k].cuts);
		free(x->seg[k].cost);
		free(x->seg[k].err);
	}
	for (k = 0; k < MEDIA_MAX_AUDIO; k++)
		meter_free(x->au.meter[k], NULL);
	if (x->au.src.script != NULL)
		script_source_close(&x->au.src);
	free(x->au.err);
	if (x->scd != NULL && (x->how & AVS_SCD_WRITTEN) &&
	    unlink(x->scd) == -1)
		log_warn("removing %s", x->scd);
	if (x->tmpdir != NULL && rmdir(x->tmpdir) == -1)
		log_warn("removing %s", x->tmpdir);
	free(x->scd);
	free(x->tmpdir);
}

/*
 * media_scan of a script at path: its frames, their scene changes when
 * detect is set, its audio's loudness when audio is set.  dir is where a
 * scene-detection script may be written (NULL: a folder of ours).
 */
int
script_scan(const char *path, const struct profile *prof, int detect,
    int audio, const char *dir, struct media_scan *out, volatile int *stop,
    char **cause)
{
	struct sscan		 x;
	struct media_script	*s;
	int			 rv = -1;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.path = path;
	x.prof = prof;
	x.stop = stop;
	if ((s = script_open(path, 1, &x.info, cause)) == NULL)
		return -1;
	script_close(s);
	if (detect && prof->scd == SCD_SOURCE && sscan_scd(&x, dir,
	    cause) != 0)
		goto out;
	if ((detect && sscan_segments(&x, cause) != 0) ||
	    (audio && x.info.has_audio && sscan_audio_open(&x, out,
	    cause) != 0) || sscan_run(&x, cause) != 0)
		goto out;
	sscan_gather(&x, out);
	rv = 0;
out:
	sscan_free(&x);
	return rv;
}
