/*
 * One job: a source file through the whole pipeline to one published,
 * verified Matroska file.  probe, crop detection, the encode (two-pass
 * x265 with the audio measured in pass 1 and normalised in pass 2, or
 * chunks cut at scene changes, encoded in parallel and joined),
 * verification, and atomic publication.
 */
#ifndef JOB_H
#define JOB_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "crop.h"

#define JOB_MAX_AUDIO	32

enum job_stage {
	JOB_PROBE,
	JOB_CROP,
	JOB_PASS1,
	JOB_PASS2,
	JOB_VERIFY,
	JOB_PUBLISH,
	JOB_SCENES,		/* chunked: scene changes and plan */
	JOB_CHUNKS,		/* chunked: encoding the chunks */
	JOB_JOIN		/* chunked: joining them */
};

/* What to do of a chunked job: all of it, or one unit of its work. */
enum job_step {
	JOB_STEP_ALL,
	JOB_STEP_PLAN,		/* the plan only */
	JOB_STEP_CHUNK,		/* the plan (made or read) and chunk k */
	JOB_STEP_JOIN,		/* join chunks that are all there, publish */
	JOB_STEP_HELP		/* another host's job: claim and encode its
				 * chunks; join them if the last is ours */
};

struct job_progress {
	enum job_stage	 stage;
	int64_t		 frame;
	int64_t		 total;		/* 0 unknown */
	double		 fps;
	double		 eta;		/* seconds for the whole job, -1 */
	double		 duration;	/* seconds of media, 0 unknown */
	int		 chunks;	/* of a chunked job, 0 none */
	int		 chunks_done;
};

struct job_loudness {
	double	i;
	double	lra;
	double	tp;
	int	valid;
};

struct job_result {
	int			 skipped;	/* output existed */
	struct crop		 crop;
	char			 crop_why[512];
	int			 src_width;
	int			 src_height;
	int			 width;		/* encoded */
	int			 height;
	int			 depth;
	int			 kbps;		/* target */
	double			 actual_kbps;	/* video, measured */
	int64_t			 frames;
	double			 seconds;	/* wall time */
	int			 naudio;	/* normalised tracks */
	struct job_loudness	 before[JOB_MAX_AUDIO];
	struct job_loudness	 after[JOB_MAX_AUDIO];
	/* chunked jobs shared through a token directory */
	int			 helped;	/* chunks encoded here */
	int			 joined;	/* joined and published here */
	char			 joined_by[64];	/* or by that node */
	char			 note[1024];	/* what a helper did */
	/* streams and dynamic HDR: "" when nothing to say */
	char			 streams[160];	/* kept of each kind */
	char			 dynamic_hdr[128]; /* base layer only */
	char			 warning[1024];	/* what the user should know */
	/* what a rule or the size guard decided */
	char			 rule[160];	/* the rule that decided, "" */
	char			 declined[512];	/* why not encoded, "" */
	const char		*bound;		/* which bound set the rate */
	int			 remuxed;	/* the source's video copied */
};

struct job {
	const char		*source;
	const char		*rel;		/* for rules, or NULL */
	const char		*output;	/* final path */
	const char		*log;		/* job log, NULL: from log_dir */
	const char		*id;		/* job id, NULL: from source */
	const char		*tokens;	/* token directory for chunks */
	const char		*node;		/* this host's name in it */
	enum job_step		 step;		/* chunked jobs */
	long			 step_chunk;	/* JOB_STEP_CHUNK: which */
	const struct config	*conf;
	const struct profile	*prof;
	int			 sharing;	/* jobs at once here (conf_share) */
	int			 overwrite;
	volatile int		*stop;		/* set by a signal */
	void			(*progress)(void *, const struct job_progress *);
	void			*arg;

	struct job_result	 res;
	char			*error;		/* why it failed */
	int			 transient;	/* worth retrying */
};

/* Pass 1's analysis for pass 2 (pass_reuse): the stats' name and this. */
#define JOB_ANALYSIS_SUFFIX	".analysis"

int		 job_run(struct job *);
int		 job_explain(struct job *, FILE *);
const char	*job_stage_name(enum job_stage);
void		 job_summary(const struct job *, char *, size_t);
void		 job_leftovers(const char *, const char *, const char *, long);
char		*job_stats_path(const char *, const char *, long);
char		*job_tmp_path(const char *, long);
char		*job_remux_path(const char *, long);
void		 job_stats_unlink(const char *);

#endif
