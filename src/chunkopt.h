/*
 * The command line of a chunked job: the options of the original chunked
 * AV1 tool, applied over the chosen profile.
 */
#ifndef CHUNKOPT_H
#define CHUNKOPT_H

#include <getopt.h>

#include "conf.h"

#define CHUNKOPT_FIRST	1000	/* getopt values from here on */

#define CHUNKOPT_LONGOPTS \
	{ "preset",		required_argument, NULL, 1000 }, \
	{ "q",			required_argument, NULL, 1001 }, \
	{ "min-chunk-length",	required_argument, NULL, 1002 }, \
	{ "max-parallel-encodes", required_argument, NULL, 1003 }, \
	{ "threads",		required_argument, NULL, 1004 }, \
	{ "noiselevel",		required_argument, NULL, 1005 }, \
	{ "graintable",		required_argument, NULL, 1006 }, \
	{ "scd",		required_argument, NULL, 1007 }, \
	{ "ffmpeg-scd",		required_argument, NULL, 1008 }, \
	{ "scdthresh",		required_argument, NULL, 1009 }, \
	{ "downscale-scd",	no_argument,	   NULL, 1010 }, \
	{ "max-chunk-length",	required_argument, NULL, 1011 }, \
	{ "scenes-only",	no_argument,	   NULL, 1012 }, \
	{ "chunk-step",		required_argument, NULL, 1013 }

#define CHUNKOPT_SCENES_ONLY	1012

int	 chunkopt_parse(int, const char *);
int	 chunkopt_apply(struct profile *);
struct job;
void	 chunkopt_job(struct job *);
int	 chunkopt_scenes_only(const struct profile *, char *const *, int);

#endif
