/*
 * libFuzzer target: token, marker and node files (tok_parse) on any bytes.
 * What parses is in range (lease, attempt, times as this protocol writes
 * them) and must format and parse again, to the same kind, node and
 * start.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tok_file	 f, g;
	char		*cause = NULL, buf[8192];
	size_t		 n;

	if (tok_parse((const char *)data, size, &f, &cause) != 0) {
		if (cause == NULL)
			abort();	/* every refusal says why */
		free(cause);
		return 0;
	}
	if (cause != NULL || f.lease < 0 || f.lease > TOK_LEASE_MAX ||
	    f.attempt < 0 || f.attempt > TOK_ATTEMPT_MAX || f.pid < 0 ||
	    f.start < 0 || f.start > TOK_TIME_MAX || f.retry_at < 0 ||
	    f.retry_at > TOK_TIME_MAX)
		abort();
	if (memchr(f.node, '\0', sizeof(f.node)) == NULL ||
	    memchr(f.text, '\0', sizeof(f.text)) == NULL)
		abort();
	n = tok_format(&f, buf, sizeof(buf));
	if (n == 0 || n >= sizeof(buf))
		return 0;
	if (tok_parse(buf, n, &g, &cause) != 0)
		abort();	/* what was read can be written and read */
	/* The fields a kind writes are its own: compare those all have. */
	if (g.kind != f.kind || strcmp(g.node, f.node) != 0 ||
	    g.start != f.start)
		abort();
	return 0;
}
