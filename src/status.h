/*
 * Status files a user (or distencctl) can read: one JSON file per job and
 * one for the daemon, written with jansson and replaced atomically.
 */
#ifndef STATUS_H
#define STATUS_H

#include <stdint.h>
#include <time.h>

struct status_job {
	const char	*id;
	const char	*source;
	const char	*relative;
	const char	*profile;
	const char	*node;
	const char	*state;
	const char	*stage;		/* NULL when not running */
	const char	*output;
	const char	*error;
	const char	*log;
	const char	*summary;
	const char	*reason;	/* why skipped, NULL */
	double		 progress;	/* 0..1 */
	int64_t		 frame;
	int64_t		 frames;
	double		 duration;	/* seconds of media, 0 unknown */
	double		 fps;
	double		 eta;		/* seconds, < 0 unknown */
	int		 attempts;
	time_t		 created;
	time_t		 started;
	time_t		 finished;
};

struct status_daemon {
	const char	*node;
	const char	*version;
	const char	*spool_dir;
	const char	*watching;
	long		 pid;
	time_t		 started;
	int		 slots;
	int		 busy;
	int		 queue;
	int		 queued;
	int		 running;
	int		 waiting;
	int		 done;
	int		 failed;
	int		 elsewhere;	/* claimed by other hosts */
	int		 cancelled;
	const char	*state;		/* running, paused, draining, stopping */
	const char	*control;	/* the control socket, or NULL */
	const char	*hours;		/* active hours: in or out, until */
	int		 skipped;	/* by a rule or the size guard */
	const char	*token_dir;	/* NULL: working alone */
	const char	*tokens;	/* "ready", or why not */
};

int	 status_job_write(const char *, const struct status_job *, char **);
int	 status_job_read(const char *, char **, char **, int *, char **,
	    char **);
int	 status_daemon_write(const char *, const struct status_daemon *,
	    char **);

#endif
