/*
 * Job ids: "<readable>-<hash>".  The readable part is the source's path
 * relative to the spool with every byte outside [A-Za-z0-9._-] written as
 * '_' and cut to 80 bytes; the hash is 64-bit FNV-1a over the relative
 * path, the size and the mtime, so a changed file is a new job and any
 * name, however hostile, gives a safe file name.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "jobid.h"

#define FNV_OFFSET	UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME	UINT64_C(0x100000001b3)

/* FNV-1a over len bytes, continuing from h (FNV_OFFSET to start). */
uint64_t
jobid_hash(const void *data, size_t len, uint64_t h)
{
	const unsigned char	*p = data;

	if (h == 0)
		h = FNV_OFFSET;
	while (len-- > 0) {
		h ^= *p++;
		h *= FNV_PRIME;
	}
	return h;
}

/* The id of the source at rel (relative path) with this size and mtime. */
void
jobid_make(const char *rel, int64_t size, int64_t mtime, char *out,
    size_t len)
{
	char		 num[64], readable[81];
	uint64_t	 h;
	size_t		 i;
	unsigned char	 c;

	h = jobid_hash(rel, strlen(rel) + 1, 0);
	snprintf(num, sizeof(num), "%" PRId64, size);
	h = jobid_hash(num, strlen(num) + 1, h);
	snprintf(num, sizeof(num), "%" PRId64, mtime);
	h = jobid_hash(num, strlen(num), h);
	for (i = 0; rel[i] != '\0' && i < sizeof(readable) - 1; i++) {
		c = rel[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
			readable[i] = c;
		else
			readable[i] = '_';
	}
	readable[i] = '\0';
	if (readable[0] == '.')
		readable[0] = '_';	/* never a hidden name */
	snprintf(out, len, "%s-%016" PRIx64, readable, h);
}
