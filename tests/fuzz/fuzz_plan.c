/*
 * libFuzzer target: chunk plans (plan_parse), which another host writes
 * into the shared work directory.  What parses is in range (a picture an
 * encoder can take, chunks that cover the film's frames once each, in
 * order, with increasing timestamps) and must format and parse again to
 * the same plan.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan	 p, q;
	char		*text, *again, *cause = NULL;
	size_t		 k;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (plan_parse(text, &p, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		free(text);
		return 0;
	}
	if (p.nchunks == 0 || p.width <= 0 || p.height <= 0 ||
	    p.width > PLAN_MAX_SIDE || p.height > PLAN_MAX_SIDE ||
	    (p.depth != 8 && p.depth != 10 && p.depth != 12) ||
	    p.frames <= 0 || p.frames > PLAN_MAX_FRAMES || p.duration < 0)
		abort();
	for (k = 0; k < 4; k++)
		if (p.crop[k] < 0 || p.crop[k] > PLAN_MAX_SIDE)
			abort();
	for (k = 0; k < p.nchunks; k++)
		if (p.chunks[k].frames <= 0 || p.chunks[k].first !=
		    (k == 0 ? 0 : p.chunks[k - 1].first +
		    p.chunks[k - 1].frames) ||
		    (k > 0 && p.chunks[k].pts <= p.chunks[k - 1].pts) ||
		    p.chunks[k].cost < 0 || p.chunks[k].cost > PLAN_MAX_COST ||
		    (k == 0 && p.chunks[k].split))
			abort();
	if (p.chunks[p.nchunks - 1].first + p.chunks[p.nchunks - 1].frames !=
	    p.frames)
		abort();
	again = plan_format(&p);
	if (plan_parse(again, &q, &cause) != 0)
		abort();
	if (q.nchunks != p.nchunks || q.frames != p.frames ||
	    memcmp(q.chunks, p.chunks, p.nchunks * sizeof(*p.chunks)) != 0)
		abort();
	plan_clear(&q);
	plan_clear(&p);
	free(again);
	free(text);
	return 0;
}
