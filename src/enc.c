/*
 * The encoder backends by name, and what every backend takes as input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "xmalloc.h"

static const struct enc_ops *const enc_backends[] = {
	&enc_x265_ops,
	&enc_aom_ops
};

/* The encoder for a profile's encoder name. */
const struct enc_ops *
enc_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(enc_backends) / sizeof(enc_backends[0]); i++)
		if (strcmp(enc_backends[i]->name, name) == 0)
			return enc_backends[i];
	return NULL;
}

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
