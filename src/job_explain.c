/*
 * distenc --explain: what a job would do with its source, without
 * encoding: what probing found (dynamic HDR too), the rule that decides,
 * the profile, the crop, the interlace verdict, the rate and its bound,
 * the size guard, and each stream kept or dropped with why.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "job.h"
#include "job_local.h"
#include "log.h"
#include "media.h"
#include "rules.h"
#include "xmalloc.h"

/* Dolby Vision or HDR10+: what it is, and what the profile does. */
static void
explain_dynamic_hdr(const struct job_ctx *c, FILE *fp)
{
	char	why[512];

	if (dynhdr_decide(&c->mi.dyn, c->job->prof->dynamic_hdr, why,
	    sizeof(why)) != DYNHDR_NONE)
		fprintf(fp, "  dynamic HDR: %s\n", why);
}

/* Each stream, kept or dropped, and why (streams.c's choice). */
static void
explain_streams(const struct job_ctx *c, FILE *fp)
{
	const struct media_info		*mi = &c->mi;
	const struct stream_desc	*d;
	const struct stream_choice	*k;
	int				 i;

	fprintf(fp, "  streams kept: video, %d audio (%s), %d subtitle, "
	    "%d attachment, %d chapters\n",
	    streams_count(mi->streams, mi->choice, mi->nstreams, STREAM_AUDIO),
	    c->job->prof->audio_codec, streams_count(mi->streams, mi->choice,
	    mi->nstreams, STREAM_SUBTITLE), streams_count(mi->streams,
	    mi->choice, mi->nstreams, STREAM_ATTACHMENT) +
	    streams_count(mi->streams, mi->choice, mi->nstreams,
	    STREAM_COVER), mi->nchapter);
	for (i = 0; i < mi->nstreams; i++) {
		d = &mi->streams[i];
		k = &mi->choice[i];
		fprintf(fp, "    stream %d: %s%s%s%s%s%s: %s (%s)\n", i,
		    streams_kind_name(d->kind), *d->lang ? " " : "", d->lang,
		    *d->title ? " \"" : "", d->title, *d->title ? "\"" : "",
		    streams_action_name(k->action), k->why ? k->why : "");
	}
}

/* What probing found, as the rules see it. */
static void
explain_probe(const struct job_ctx *c, FILE *fp)
{
	const struct media_info	*mi = &c->mi;
	int			 i;

	fprintf(fp, "  probe: %s %dx%d, %d-bit, %.3f fps, %.1fs, HDR %s, %s\n",
	    mi->codec, mi->width, mi->height, mi->depth, media_rate(mi->fps),
	    mi->duration / 1e6, rules_hdr_name(mi->hdr), mi->interlaced ?
	    "interlaced (field order)" : "progressive (field order)");
	if (mi->vbitrate > 0)
		fprintf(fp, "  source video: %.0f kbps, %lld bytes (from the "
		    "%s)\n", mi->vbitrate / 1000.0, (long long)mi->vbytes,
		    mi->vbitrate_from);
	else
		fprintf(fp, "  source video: bitrate unknown\n");
	fprintf(fp, "  audio languages:");
	for (i = 0; i < mi->naudio && i < MEDIA_MAX_AUDIO; i++)
		fprintf(fp, " %s", *mi->languages[i] ? mi->languages[i] :
		    "und");
	fprintf(fp, "%s\n", mi->naudio == 0 ? " none" : "");
	explain_dynamic_hdr(c, fp);
	if (c->deint_sampled)	/* for a rule */
		fprintf(fp, "  interlace: %s\n", c->deint_why);
}

/* The encode it would run: profile, crop, rate, guard, streams. */
static void
explain_encode(const struct job_ctx *c, FILE *fp)
{
	const struct job	*j = c->job;
	const struct profile	*prof = j->prof;
	const struct job_result	*r = &j->res;

	fprintf(fp, "  crop: %d:%d:%d:%d -> %dx%d (%s)\n", r->crop.top,
	    r->crop.bottom, r->crop.left, r->crop.right, r->width,
	    r->height, r->crop_why);
	if (*c->deint_why != '\0')
		fprintf(fp, "  deinterlace: %s\n", c->deint_why);
	if (prof->rate_control == RC_CRF && strcmp(prof->encoder, "x265") == 0)
		fprintf(fp, "  video: x265 crf %g, one pass%s", prof->crf,
		    r->kbps > 0 ? "" : "\n");
	else if (r->kbps > 0)
		fprintf(fp, "  video: %s, two-pass", prof->encoder);
	else
		fprintf(fp, "  video: %s, constant quality\n", prof->encoder);
	if (r->kbps > 0)
		fprintf(fp, ", %s%d kbps (bound: %s)\n", prof->rate_control ==
		    RC_CRF ? "VBV maximum " : "", r->kbps, r->bound != NULL ?
		    r->bound : "none");
	if (prof->max_output_share > 0 && c->mi.vbytes > 0)
		fprintf(fp, "  size guard: above %.0f bytes (%g of the "
		    "source's video): %s\n", prof->max_output_share *
		    c->mi.vbytes, prof->max_output_share, prof->when_larger ==
		    LARGER_SKIP ? "skip" : prof->when_larger == LARGER_REMUX ?
		    "remux" : "keep");
	else
		fprintf(fp, "  size guard: off\n");
	explain_streams(c, fp);
}

/*
 * Print what a job would do with its source; 0, or -1 with the job's
 * error (the source cannot be read).
 */
int
job_explain(struct job *j, FILE *fp)
{
	struct job_ctx	*c;
	int		 rv;

	memset(&j->res, 0, sizeof(j->res));
	c = xcalloc(1, sizeof(*c));
	c->job = j;
	c->tmpfd = -1;
	fprintf(fp, "%s:\n", j->source);
	/* what was probed, also for a source refused (dynamic HDR) */
	if ((rv = job_decide(c)) != -1 || c->probed)
		explain_probe(c, fp);
	if (rv != -1)
		fprintf(fp, "  rule: %s\n", *j->res.rule ? j->res.rule :
		    "none holds (the profile by directory or default)");
	if (rv == 1)
		fprintf(fp, "  action: skip (%s)\n", j->res.declined);
	else if (rv == 0 && (c->ops = enc_find(j->prof->encoder)) == NULL)
		rv = job_fail(c, 0, "no encoder %s", j->prof->encoder);
	else if (rv == 0) {
		fprintf(fp, "  action: encode, profile %s\n", j->prof->name);
		if ((rv = job_analyse(c)) == 0)
			explain_encode(c, fp);
	}
	if (rv == -1)
		fprintf(fp, "  error: %s\n", j->error);
	free(c->err);
	free(c);
	return rv == -1 ? -1 : 0;
}
