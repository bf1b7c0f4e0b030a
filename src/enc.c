/*
 * What every encoder backend uses: the pixel format it takes, and its
 * parameter string applied.  The backends by name are in enc_find.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "xmalloc.h"

/* The pixel format an encoder takes at a bit depth. */
enum AVPixelFormat
enc_pix_fmt(int depth)
{
	return depth > 8 ? AV_PIX_FMT_YUV420P10 : AV_PIX_FMT_YUV420P;
}

/*
 * Apply a "key=value:key=value" parameter string (a key alone means
 * "1") with a backend's set(e, key, value, cause); stops at the first
 * error.
 */
int
enc_set_params(struct encoder *e, const char *params,
    int (*set)(struct encoder *, const char *, const char *, char **),
    char **cause)
{
	char	*copy, *item, *next, *eq;
	int	 rv = 0;

	copy = xstrdup(params);
	for (item = copy; rv == 0 && item != NULL && *item != '\0';
	    item = next) {
		if ((next = strchr(item, ':')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(item, '=')) != NULL)
			*eq++ = '\0';
		rv = set(e, item, eq != NULL ? eq : "1", cause);
	}
	free(copy);
	return rv;
}
