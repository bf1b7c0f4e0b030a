/* x264/x265 QP files: the scene changes they list. */
#ifndef QPFILE_H
#define QPFILE_H

#include <stddef.h>
#include <stdint.h>

int	 qpfile_parse(const char *, size_t, int64_t, int64_t **, size_t *,
	    char **);

#endif
