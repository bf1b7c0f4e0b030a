/*
 * What a library says on stderr while one call runs: libx265 and others
 * print the real reason of a failure there and return only NULL.
 */
#ifndef ERRCAP_H
#define ERRCAP_H

#include <stddef.h>

struct errcap {
	int	saved;		/* the real stderr, -1 when not capturing */
	int	fd;		/* the capture */
};

void	 errcap_begin(struct errcap *);
char	*errcap_end(struct errcap *, const char *);

#endif
