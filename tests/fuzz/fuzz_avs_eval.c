/*
 * libFuzzer target: the AviSynth evaluator on any script, its sources
 * stubbed to one small clip (64x48 yuv420p, 25 fps, 100 frames, with
 * audio) so that no media file is read.  A plan or a cause, never both;
 * a plan's picture and frame count are sane.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avs.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 dir[] = "/tmp/fuzz-avs.XXXXXX";
static char	 path[64];

/* Every source is the same small clip. */
static int
stub_probe(const char *file, struct avs_source_info *si, char **cause)
{
	(void)file;
	(void)cause;
	memset(si, 0, sizeof(*si));
	si->width = 64;
	si->height = 48;
	si->fps_num = 25;
	si->fps_den = 1;
	si->frames = 100;
	snprintf(si->pix_fmt, sizeof(si->pix_fmt), "yuv420p");
	si->depth = 8;
	si->log2_chroma_w = 1;
	si->log2_chroma_h = 1;
	si->has_audio = 1;
	si->duration = 4.0;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct avs_plan	*plan;
	char		*cause = NULL;
	FILE		*fp;

	if (path[0] == '\0') {
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof(path), "%s/fuzz.avs", dir);
	}
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	plan = avs_eval(path, stub_probe, &cause);
	if (plan == NULL) {
		if (cause == NULL)
			abort();	/* every refusal says why */
	} else {
		if (cause != NULL || plan->width <= 0 || plan->height <= 0 ||
		    plan->frames < 0 || plan->fps_num <= 0 ||
		    plan->fps_den <= 0)
			abort();
	}
	avs_plan_free(plan);
	free(cause);
	return 0;
}
