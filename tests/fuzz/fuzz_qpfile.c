/*
 * libFuzzer target: x264/x265 QP files (qpfile_parse).  The cuts given
 * back are in order, inside the film, never the first frame.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "qpfile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t	*cuts = NULL, frames = 5000;
	size_t	 n = 0, i;
	char	*cause = NULL;

	if (qpfile_parse((const char *)data, size, frames, &cuts, &n,
	    &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		free(cuts);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (cuts[i] <= 0 || cuts[i] >= frames ||
		    (i > 0 && cuts[i] <= cuts[i - 1]))
			abort();
	free(cuts);
	free(cause);
	return 0;
}
