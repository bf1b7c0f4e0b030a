/*
 * Node names: each host's name in a shared token directory, written in
 * its token files and checked wherever one is given (settings, command
 * line, files read back).
 */
#include "config.h"

#include <stddef.h>

#include "node.h"

/* A node name: 1 to 63 of [A-Za-z0-9._-], not starting with a dot. */
int
node_valid(const char *s)
{
	size_t	i;

	if (s[0] == '\0' || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= NODE_MAX - 1)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	}
	return 1;
}
