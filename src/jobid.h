/* Job ids: the same on every host and across restarts for one source. */
#ifndef JOBID_H
#define JOBID_H

#include <stddef.h>
#include <stdint.h>

#define JOBID_MAX	(80 + 1 + 16 + 1)

uint64_t jobid_hash(const void *, size_t, uint64_t);
void	 jobid_make(const char *, int64_t, int64_t, char *, size_t);

#endif
