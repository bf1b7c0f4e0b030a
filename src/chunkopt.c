/*
 * The options of a chunked job (--preset, --q, --min-chunk-length,
 * --max-parallel-encodes, --threads, --noiselevel, --graintable, --scd or
 * the original --ffmpeg-scd, --scdthresh, --downscale-scd) read from the
 * command line and applied over the profile; and --scenes-only, which
 * prints each input's scene changes and chunks.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "chunkopt.h"
#include "job.h"
#include "log.h"
#include "media.h"
#include "xmalloc.h"

static struct {
	const char	*preset;
	int		 q, min, max, parallel, threads, noise;
	const char	*grain;
	int		 scd;
	double		 thresh;
	int		 downscale;
	int		 chunkonly;	/* an option only for chunked jobs */
	enum job_step	 step;
	long		 step_chunk;
} opt = { NULL, -1, -1, -1, -1, -1, -1, NULL, -1, -1, 0, 0, JOB_STEP_ALL,
    -1 };

/* A whole number in lo..hi, or -1 after saying why. */
static int
chunkopt_int(const char *name, const char *arg, int lo, int hi)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		log_warnx("--%s: %s is not %d..%d", name, arg, lo, hi);
		return -1;
	}
	return v;
}

/* The scene detection mode of --scd or --ffmpeg-scd. */
static int
chunkopt_scd(int ch, const char *arg)
{
	static const char *const names[] = { "qpfile", "source", "script" };
	int			 i;

	for (i = 0; i < 3; i++)
		if ((ch == 1007 && strcmp(arg, names[i]) == 0) ||
		    (ch == 1008 && arg[0] == '0' + i && arg[1] == '\0'))
			return i;
	log_warnx("--%s: %s is not %s", ch == 1007 ? "scd" : "ffmpeg-scd",
	    arg, ch == 1007 ? "qpfile, source or script" : "0, 1 or 2");
	return -1;
}

/* --chunk-step plan, chunk:K or join. */
static int
chunkopt_step(const char *arg)
{
	char	*end;

	if (strcmp(arg, "plan") == 0)
		opt.step = JOB_STEP_PLAN;
	else if (strcmp(arg, "join") == 0)
		opt.step = JOB_STEP_JOIN;
	else if (strncmp(arg, "chunk:", 6) == 0 && arg[6] != '\0') {
		opt.step = JOB_STEP_CHUNK;
		opt.step_chunk = strtol(arg + 6, &end, 10);
		if (*end != '\0' || opt.step_chunk < 0) {
			log_warnx("--chunk-step: bad chunk number in %s", arg);
			return -1;
		}
	} else {
		log_warnx("--chunk-step: %s is not plan, chunk:K or join", arg);
		return -1;
	}
	return 0;
}

/* A job's unit of work from --chunk-step. */
void
chunkopt_job(struct job *j)
{
	j->step = opt.step;
	j->step_chunk = opt.step_chunk;
}

/* Take one option; 0, or -1 for a bad value. */
int
chunkopt_parse(int ch, const char *arg)
{
	char	*end;

	opt.chunkonly |= ch != 1004 && ch != CHUNKOPT_SCENES_ONLY;
	switch (ch) {
	case 1000:
		if (conf_aom_preset(arg) == NULL) {
			log_warnx("--preset: %s is not 1080p or 720p", arg);
			return -1;
		}
		opt.preset = arg;
		return 0;
	case 1001:
		return (opt.q = chunkopt_int("q", arg, 0, 63)) < 0 ? -1 : 0;
	case 1002:
		return (opt.min = chunkopt_int("min-chunk-length", arg, 1,
		    100000)) < 0 ? -1 : 0;
	case 1003:
		return (opt.parallel = chunkopt_int("max-parallel-encodes",
		    arg, 1, 64)) < 0 ? -1 : 0;
	case 1004:
		return (opt.threads = chunkopt_int("threads", arg, 1,
		    256)) < 0 ? -1 : 0;
	case 1005:
		return (opt.noise = chunkopt_int("noiselevel", arg, 0,
		    50)) < 0 ? -1 : 0;
	case 1006:
		opt.grain = arg;
		return 0;
	case 1007:
	case 1008:
		return (opt.scd = chunkopt_scd(ch, arg)) < 0 ? -1 : 0;
	case 1009:
		opt.thresh = strtod(arg, &end);
		if (*arg == '\0' || *end != '\0' || !(opt.thresh >= 0.001 &&
		    opt.thresh <= 1.0)) {
			log_warnx("--scdthresh: %s is not 0.001..1", arg);
			return -1;
		}
		return 0;
	case 1010:
		opt.downscale = 1;
		return 0;
	case 1011:
		return (opt.max = chunkopt_int("max-chunk-length", arg, 0,
		    1000000)) < 0 ? -1 : 0;
	case 1013:
		return chunkopt_step(arg);
	}
	return 0;
}

/* Replace a string setting. */
static void
chunkopt_str(char **to, const char *value)
{
	if (value == NULL)
		return;
	free(*to);
	*to = xstrdup(value);
}

/* Apply the options to prof; -1 (said why) when they do not fit it. */
int
chunkopt_apply(struct profile *prof)
{
	if (opt.chunkonly && !prof->chunked) {
		log_warnx("profile %s is not chunked: the chunk options are "
		    "for chunked profiles such as av1", prof->name);
		return -1;
	}
	chunkopt_str(&prof->aom_preset, opt.preset);
	chunkopt_str(&prof->grain_table, opt.grain);
	if (opt.q >= 0)
		prof->q = opt.q;
	if (opt.min >= 0)
		prof->min_chunk_length = opt.min;
	if (opt.max >= 0)
		prof->max_chunk_length = opt.max;
	if (opt.parallel >= 0)
		prof->parallel_encodes = opt.parallel;
	if (opt.threads >= 0)
		prof->threads = opt.threads;
	if (opt.noise >= 0)
		prof->noise_level = opt.noise;
	if (opt.scd >= 0)
		prof->scd = opt.scd;
	if (opt.thresh >= 0)
		prof->scd_threshold = opt.thresh;
	if (opt.downscale)
		prof->scd_downscale = 1;
	return 0;
}

/* Print one input's scene changes and chunks. */
static int
chunkopt_scenes(const struct profile *prof, const char *path)
{
	struct media_scan	 scan;
	struct chunk		*c = NULL;
	size_t			 i, n = 0;
	char			*cause = NULL;

	if (media_scan(path, prof, 1, 0, NULL, &scan, NULL, &cause) != 0 ||
	    chunk_plan(scan.cuts, scan.ncuts, scan.frames,
	    prof->min_chunk_length, prof->max_chunk_length, &c, &n,
	    &cause) != 0) {
		log_warnx("%s: %s", path, cause);
		free(cause);
		media_scan_free(&scan);
		return -1;
	}
	printf("%s: %lld frames, %zu scene changes:", path,
	    (long long)scan.frames, scan.ncuts);
	for (i = 0; i < scan.ncuts; i++)
		printf(" %lld", (long long)scan.cuts[i]);
	printf("\n%s: %zu chunks:", path, n);
	for (i = 0; i < n; i++)
		printf(" %lld+%lld", (long long)c[i].first,
		    (long long)c[i].frames);
	printf("\n");
	free(c);
	media_scan_free(&scan);
	return 0;
}

/* --scenes-only: detect and print each input's scenes and chunks. */
int
chunkopt_scenes_only(const struct profile *prof, char *const *inputs, int n)
{
	int	i, failed = 0;

	media_quiet();
	for (i = 0; i < n; i++)
		if (chunkopt_scenes(prof, inputs[i]) != 0)
			failed++;
	return failed ? 1 : 0;
}
