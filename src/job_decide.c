/*
 * What a job does with its source, decided from what probing found: the
 * rule that decides its profile or that it is skipped, the bounds its
 * bitrate takes from the source's, and the size guard over the encoded
 * video against the source's.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"
#include "job_local.h"
#include "log.h"
#include "media.h"
#include "rate.h"
#include "rules.h"

/* Dolby Vision and HDR10+: refused, or the base layer with a warning. */
static int
job_dynamic_hdr(struct job_ctx *c)
{
	struct job_result	*r = &c->job->res;
	char			 why[512];

	switch (dynhdr_decide(&c->mi.dyn, c->job->prof->dynamic_hdr, why,
	    sizeof(why))) {
	case DYNHDR_REFUSE:
		return job_fail(c, 0, "%s", why);
	case DYNHDR_BASE:
		log_warnx("probe: %s", why);
		dynhdr_describe(&c->mi.dyn, r->dynamic_hdr,
		    sizeof(r->dynamic_hdr));
		break;
	}
	return 0;
}

/* Probe the source and log what it is. */
static int
job_probe(struct job_ctx *c)
{
	job_stage(c, JOB_PROBE);
	if (media_probe(c->job->source, &c->mi, &c->err) != 0)
		return job_fail_err(c);
	c->probed = 1;
	c->job->res.src_width = c->mi.width;
	c->job->res.src_height = c->mi.height;
	log_info("probe: %s %dx%d %s %d-bit, %.3f fps, %.1fs, %d audio, "
	    "%d subtitle, %d chapters", c->mi.codec, c->mi.width,
	    c->mi.height, media_pix_fmt_name(c->mi.pix_fmt), c->mi.depth,
	    media_rate(c->mi.fps), c->mi.duration / 1e6, c->mi.naudio,
	    c->mi.nsubtitle, c->mi.nchapter);
	if (c->mi.rotation != 0)
		log_info("probe: the display matrix turns the picture %d "
		    "degrees clockwise: it is encoded upright", c->mi.rotation);
	if (c->mi.has_mastering || c->mi.has_cll)
		log_info("probe: HDR10 metadata: mastering display %s, "
		    "MaxCLL %u, MaxFALL %u", c->mi.has_mastering ? "yes" : "no",
		    c->mi.cll.MaxCLL, c->mi.cll.MaxFALL);
	return 0;
}

/*
 * Once the profile is settled: the streams its rules keep, each logged
 * with why, and what it does with dynamic HDR.
 */
static int
job_streams(struct job_ctx *c)
{
	streams_choose(c->mi.streams, c->mi.nstreams, c->mi.vindex,
	    c->job->prof, c->mi.choice);
	media_log_streams(&c->mi);
	streams_summary(c->mi.streams, c->mi.choice, c->mi.nstreams,
	    c->job->res.streams, sizeof(c->job->res.streams));
	return job_dynamic_hdr(c);
}

/*
 * The source's video bitrate and size: from the container, else measured
 * from its packets (a script has none to measure: left unknown), or as
 * an earlier step of the job measured them (job_rate.c).  The packets
 * are read (the whole file, without decoding) only when the rules (need)
 * or the profile's bounds and size guard use them.
 */
static void
job_source_rate(struct job_ctx *c, int need)
{
	const struct profile	*prof = c->job->prof;
	char			*cause = NULL;

	need = need || prof->max_source_share > 0 ||
	    prof->max_output_share > 0;
	if (c->mi.vbitrate == 0 && !c->mi.script && need &&
	    job_rate_reuse(c) != 0) {
		if (probe_video_bytes(c->job->source, &c->mi, &cause) != 0) {
			log_warnx("source video bitrate unknown: %s", cause);
			free(cause);
		} else
			log_info("probe: video bitrate measured from the "
			    "packets (the container does not state it)");
	}
	if (c->mi.vbitrate > 0)
		log_info("probe: video %.0f kbps, %lld bytes (from the %s), "
		    "%s, %s", c->mi.vbitrate / 1000.0,
		    (long long)c->mi.vbytes, c->mi.vbitrate_from,
		    rules_hdr_name(c->mi.hdr), c->mi.interlaced ?
		    "field order interlaced" : "field order progressive");
}

/* The path the rules match: relative to the spool or the inputs' root. */
static const char *
job_rel(const struct job *j)
{
	const char	*spool = j->conf->spool_dir, *slash;
	size_t		 n = strlen(spool);

	if (j->rel != NULL)
		return j->rel;
	if (n > 0 && strncmp(j->source, spool, n) == 0 && j->source[n] == '/')
		return j->source + n + 1;
	slash = strrchr(j->source, '/');
	return slash != NULL ? slash + 1 : j->source;
}

/* What the rules see of the source. */
static void
job_facts(struct job_ctx *c, struct rules_facts *f, const char **langs)
{
	int	i, n = c->mi.naudio < MEDIA_MAX_AUDIO ? c->mi.naudio :
		    MEDIA_MAX_AUDIO;

	memset(f, 0, sizeof(*f));
	f->codec = c->mi.codec;
	f->width = c->mi.width;
	f->height = c->mi.height;
	f->fps = media_rate(c->mi.fps);
	f->depth = c->mi.depth;
	f->hdr = c->mi.hdr;
	f->interlaced = c->mi.interlaced;
	f->kbps = (int)(c->mi.vbitrate / 1000);
	f->duration = c->mi.duration / 1e6;
	f->path = job_rel(c->job);
	for (i = 0; i < n; i++)
		langs[i] = c->mi.languages[i];
	f->languages = langs;
	f->nlanguages = n;
}

/*
 * Whether the source is interlaced, for a rule that asks: the interlace
 * detection's verdict (idet on sampled frames, with what the stream says;
 * telecined film counts), its counts kept for the deinterlacer; a script,
 * not sampled, by its field order.  -1 with the job's error.
 */
static int
job_rules_interlaced(struct job_ctx *c)
{
	enum deint_kind	 kind;
	char		 why[512];

	if (c->mi.script)
		return c->mi.interlaced;
	if (media_interlace(c->job->source, &c->mi, c->job->prof->threads,
	    &c->deint_k, &c->err) != 0)
		return job_fail_err(c);
	c->deint_sampled = 1;
	kind = deint_decide(&c->deint_k, DEINT_AUTO, why, sizeof(why));
	log_info("rules: interlace: %s", why);
	snprintf(c->deint_why, sizeof(c->deint_why), "%s", why);
	return kind != DEINT_PROGRESSIVE;
}

/*
 * Probe the source and apply the rules: the first that holds sets the
 * job's profile, or declines the job (skipped, 1).  0 to encode, -1 with
 * the job's error.
 */
int
job_decide(struct job_ctx *c)
{
	struct job		*j = c->job;
	const struct conf_rule	*r;
	const struct profile	*prof;
	struct rules_facts	 f;
	const char		*langs[MEDIA_MAX_AUDIO];
	size_t			 i;
	int			 sample = 0;

	if (job_probe(c) != 0)
		return -1;
	for (i = 0; i < j->conf->nrules; i++)
		sample |= j->conf->rules[i].interlaced != RULE_ANY;
	for (i = 0; i < j->conf->nrules; i++)
		if (j->conf->rules[i].min_video_bitrate != 0 ||
		    j->conf->rules[i].max_video_bitrate != 0)
			break;
	job_source_rate(c, i < j->conf->nrules);
	if (j->conf->nrules == 0)
		return job_streams(c);
	job_facts(c, &f, langs);
	if (sample && (f.interlaced = job_rules_interlaced(c)) == -1)
		return -1;
	if ((r = rules_match(j->conf, &f, &i)) == NULL) {
		log_info("rules: none holds: profile %s", j->prof->name);
		return job_streams(c);
	}
	rules_name(r, i, j->res.rule, sizeof(j->res.rule));
	if (*r->skip != '\0') {
		snprintf(j->res.declined, sizeof(j->res.declined), "%s: %s",
		    j->res.rule, r->skip);
		log_info("rules: %s holds: skipped: %s", j->res.rule, r->skip);
		return 1;
	}
	if ((prof = conf_get_profile(j->conf, r->profile)) == NULL)
		return job_fail(c, 0, "%s: no profile %s", j->res.rule,
		    r->profile);
	j->prof = prof;
	log_info("rules: %s holds: profile %s", j->res.rule, prof->name);
	if (c->mi.vbitrate == 0)
		job_source_rate(c, 0);	/* for this profile's bounds */
	return job_streams(c);
}

/*
 * The bitrate to aim at, from the profile's (kbps, 0 for constant
 * quality), bounded by the source's: in ABR capped at max_source_share
 * of the source's video bitrate and floored at min_bitrate; in CRF the
 * cap alone, as x265's VBV maximum (0: none).  The log says which bound
 * applied.
 */
int
job_bitrate(struct job_ctx *c, int kbps)
{
	const struct profile	*prof = c->job->prof;
	enum rate_bound		 b;
	int			 src = (int)(c->mi.vbitrate / 1000), out;

	if (prof->rate_control == RC_CRF &&
	    strcmp(prof->encoder, "x265") == 0) {
		out = prof->max_source_share > 0 && src > 0 ?
		    (int)lround(prof->max_source_share * src) : 0;
		c->job->res.bound = out > 0 ? "source cap (VBV)" : "none";
		if (out > 0)
			log_info("bitrate: crf %g, VBV maximum %d kbps (%g of "
			    "the source's %d kbps)", prof->crf, out,
			    prof->max_source_share, src);
		else
			log_info("bitrate: crf %g, no VBV cap", prof->crf);
		return out;
	}
	if (kbps == 0)
		return 0;
	out = rate_bound(kbps, src, prof->max_source_share, prof->min_bitrate,
	    &b);
	if (b == RATE_SOURCE_CAP)
		log_info("bitrate: %d kbps capped to %d kbps (%g of the "
		    "source's %d kbps)", kbps, out, prof->max_source_share,
		    src);
	else if (b == RATE_FLOOR)
		log_info("bitrate: %d kbps raised to the floor min_bitrate %d "
		    "kbps", kbps, out);
	else
		log_info("bitrate: %d kbps, within the bounds (source %s)",
		    out, src > 0 ? "known" : "bitrate unknown");
	c->job->res.bound = b == RATE_SOURCE_CAP ? "source cap" :
	    b == RATE_FLOOR ? "floor" : "none";
	return out;
}

/*
 * The size guard, after the encode (after the join for a chunked job):
 * when the encoded video is larger than max_output_share of the source's,
 * do what when_larger says.  0 to go on with the encoded video, 1 when
 * the job is declined (skip), 2 to remux the source's video instead.
 */
int
job_guard(struct job_ctx *c)
{
	const struct profile	*prof = c->job->prof;
	double			 limit;
	int64_t			 src = c->mi.vbytes;

	if (prof->max_output_share == 0)
		return 0;
	if (src <= 0) {
		log_info("size guard: the source's video size is unknown: "
		    "not checked");
		return 0;
	}
	limit = prof->max_output_share * src;
	if (c->vbytes <= limit) {
		log_info("size guard: video %lld bytes, %.0f%% of the "
		    "source's %lld bytes", (long long)c->vbytes,
		    100.0 * c->vbytes / src, (long long)src);
		return 0;
	}
	log_warnx("size guard: video %lld bytes is more than %g of the "
	    "source's %lld bytes: %s", (long long)c->vbytes,
	    prof->max_output_share, (long long)src,
	    prof->when_larger == LARGER_SKIP ? "skipped" :
	    prof->when_larger == LARGER_REMUX ? "the source's video is "
	    "copied instead" : "kept (when_larger is keep)");
	if (prof->when_larger == LARGER_KEEP)
		return 0;
	if (prof->when_larger == LARGER_REMUX)
		return 2;
	snprintf(c->job->res.declined, sizeof(c->job->res.declined),
	    "size guard: video %lld bytes would be more than %g of the "
	    "source's %lld bytes", (long long)c->vbytes,
	    prof->max_output_share, (long long)src);
	return 1;
}

/*
 * The size guard's remux: the temporary output written again from the
 * source's own video, with the rest of the job (audio normalised to the
 * loudness measured, the other streams copied); it is then verified as
 * an encode is.
 */
int
job_remux(struct job_ctx *c)
{
	struct job		*j = c->job;
	struct concat_spec	 cs;
	struct audio_loudness	 loud[JOB_MAX_AUDIO];
	int64_t			 frames = 0;
	char			*video;
	int			 i, rv;

	memset(&cs, 0, sizeof(cs));
	memset(loud, 0, sizeof(loud));
	for (i = 0; i < j->res.naudio && i < JOB_MAX_AUDIO; i++) {
		loud[i].i = j->res.before[i].i;
		loud[i].lra = j->res.before[i].lra;
		loud[i].tp = j->res.before[i].tp;
		loud[i].valid = j->res.before[i].valid;
	}
	cs.source = j->source;
	cs.output = c->tmp;
	cs.prof = j->prof;
	cs.mi = &c->mi;
	cs.loud = loud;
	cs.naudio = c->mi.naudio < JOB_MAX_AUDIO ? c->mi.naudio :
	    JOB_MAX_AUDIO;
	video = job_remux_path(j->output, getpid());
	rv = media_remux(&cs, video, &frames, j->stop, &c->err);
	free(video);
	if (rv != 0)
		return job_fail_err(c);
	memset(&j->res.crop, 0, sizeof(j->res.crop));
	j->res.width = c->mi.width;
	j->res.height = c->mi.height;
	j->res.frames = frames;
	c->vbytes = c->mi.vbytes;
	if (c->vspan > 0)
		j->res.actual_kbps = c->vbytes * 8.0 / 1000 / (c->vspan / 1e6);
	j->res.remuxed = 1;
	log_info("remuxed: the source's video (%lld frames) with the rest "
	    "of the job", (long long)frames);
	return 0;
}
