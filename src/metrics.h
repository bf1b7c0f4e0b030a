/*
 * Prometheus text exposition (format 0.0.4): families with their HELP
 * and TYPE lines, samples with escaped label values, written to a memory
 * buffer and replaced atomically in a file (for node_exporter's textfile
 * collector).
 */
#ifndef METRICS_H
#define METRICS_H

#include <stdio.h>

struct metrics {
	FILE	*fp;
	char	*text;
	size_t	 len;
};

void	 metrics_open(struct metrics *);
void	 metrics_family(struct metrics *, const char *, const char *,
	    const char *);
void	 metrics_sample(struct metrics *, const char *, const char *,
	    const char *, double);
int	 metrics_write(struct metrics *, const char *, char **);

#endif
