/*
 * The encoder backends by name: above them, as enc.c (what every backend
 * uses) is below them.
 */
#include "config.h"

#include <string.h>

#include "enc.h"

static const struct enc_ops *const enc_backends[] = {
	&enc_x265_ops,
	&enc_aom_ops,
	&enc_svt_ops
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
