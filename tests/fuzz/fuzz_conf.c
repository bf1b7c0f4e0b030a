/*
 * libFuzzer target: the configuration and sidecar checks.  The bytes are
 * read as a configuration file (libconfig text through the table's
 * checks) and as a sidecar over the built-in defaults: either a result
 * or a cause, never both, and every cause names the file and a line.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 dir[] = "/tmp/fuzz-conf.XXXXXX";
static char	 path[64];

/* Write the input where the readers will find it. */
static int
put(const uint8_t *data, size_t size)
{
	FILE	*fp;

	if (path[0] == '\0') {
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof(path), "%s/in.conf", dir);
	}
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	return 0;
}

/* A cause starts with the file's name and a line: "PATH:N: ...". */
static void
check_cause(const char *cause)
{
	size_t	len = strlen(path);

	if (cause == NULL || strncmp(cause, path, len) != 0 ||
	    cause[len] != ':')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	*def;
	struct config		*c;
	struct profile		*pr;
	char			*cause = NULL;

	/* @include reads other files: what the administrator writes. */
	if (memmem(data, size, "@include", 8) != NULL ||
	    memchr(data, '\0', size) != NULL)
		return 0;
	put(data, size);
	if ((c = conf_load(path, &cause)) == NULL)
		check_cause(cause);
	else if (cause != NULL)
		abort();
	conf_free(c);
	free(cause);
	cause = NULL;

	/* The defaults, made once: a sidecar check only reads them. */
	if (def == NULL)
		def = conf_default();
	if ((pr = conf_sidecar(def, conf_profile(def, NULL), path,
	    &cause)) == NULL)
		check_cause(cause);
	else if (cause != NULL)
		abort();
	conf_profile_free(pr);
	free(cause);
	return 0;
}
