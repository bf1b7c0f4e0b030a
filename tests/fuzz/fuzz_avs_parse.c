/* libFuzzer target: the AviSynth script lexer and parser on any bytes. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "avs.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct avs_node	*tree;
	char		*cause = NULL;

	tree = avs_parse((const char *)data, size, "fuzz.avs", &cause);
	if (tree != NULL && cause != NULL)
		abort();	/* a tree or a cause, never both */
	avs_node_free(tree);
	free(cause);
	return 0;
}
