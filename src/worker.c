/*
 * Worker processes, the parent's side: start one per job in a pool
 * (executed here, forked in worker_job.c), and turn the control lines of
 * its stderr and its exit status back into progress and a result.  No
 * FFmpeg here: the daemon links this without the media libraries.
 */
#include "config.h"

#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pool.h"
#include "worker.h"

static volatile sig_atomic_t worker_stop;

/*
 * Start a worker program in a pool: path with argv, with input (its
 * job's configuration) on its stdin; arg is the pool slot's.
 */
int
worker_exec(struct pool *p, struct worker *w, const char *path,
    char *const argv[], const char *input, size_t len, void *arg)
{
	memset(w, 0, sizeof(*w));
	if ((w->pid = pool_exec(p, path, argv, input, len, arg)) == -1)
		return -1;
	w->state = WORKER_RUNNING;
	return 0;
}

/* In a worker's child: its program could not be run (the pool's hook). */
void
worker_exec_failed(const char *path, int err)
{
	fprintf(stderr, "%cR failed cannot run %s: %s\n", WORKER_CTL, path,
	    strerror(err));
}

/* Act on one control line from a worker. */
static void
worker_ctl(struct worker *w, const char *line)
{
	struct job_progress	*p = &w->progress;
	long long		 frame, total;
	int			 stage;
	char			 what[16];

	if (line[0] == WORKER_PROGRESS && sscanf(line, "P %d %lld %lld %lf %lf %lf %d %d",
	    &stage, &frame, &total, &p->fps, &p->eta, &p->duration, &p->chunks,
	    &p->chunks_done) == 8) {
		p->stage = stage;
		p->frame = frame;
		p->total = total;
		w->have_progress = 1;
	} else if (line[0] == WORKER_RESULT && sscanf(line, "R %15s", what) == 1) {
		line += 2 + strlen(what);
		line += *line == ' ';
		snprintf(w->text, sizeof(w->text), "%s", line);
		if (strcmp(what, "done") == 0)
			w->state = WORKER_DONE;
		else if (strcmp(what, "skipped") == 0)
			w->state = WORKER_SKIPPED;
		else if (strcmp(what, "declined") == 0)
			w->state = WORKER_DECLINED;
		else if (strcmp(what, "helped") == 0)
			w->state = WORKER_HELPED;
		else {
			w->state = WORKER_FAILED;
			w->kind = strcmp(what, "transient") == 0 ?
			    TASK_TRANSIENT : TASK_FINAL;
		}
	}
}

/*
 * A line from a worker: when it was a control line, acted on, its letter
 * (WORKER_PROGRESS, WORKER_RESULT); else 0.
 */
int
worker_control(struct worker *w, const char *line)
{
	if (line[0] != WORKER_CTL || line[1] == '\0')
		return 0;
	worker_ctl(w, line + 1);
	return (unsigned char)line[1];
}

/* A signal's name, SIGSEGV for 11. */
static const char *
worker_signame(int sig)
{
	static char	buf[32];
	const char	*abbrev = NULL;

#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	abbrev = sigabbrev_np(sig);
#endif
	if (abbrev != NULL)
		snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	else
		snprintf(buf, sizeof(buf), "%d", sig);
	return buf;
}

/* Collect a finished worker; a signal or silent exit is a failure. */
void
worker_reap(struct worker *w, int status)
{
	if (WIFSIGNALED(status)) {
		snprintf(w->text, sizeof(w->text), "worker killed by signal "
		    "%s (%s)", worker_signame(WTERMSIG(status)),
		    strsignal(WTERMSIG(status)));
		w->state = WORKER_FAILED;
	} else if (w->state == WORKER_RUNNING) {
		snprintf(w->text, sizeof(w->text), "worker exited with status "
		    "%d without a result", WEXITSTATUS(status));
		w->state = WORKER_FAILED;
	}
}

/* How a worker that helped another host's job ended, for its task. */
enum task_help
worker_helped(const struct worker *w, int stopping)
{
	switch (w->state) {
	case WORKER_DONE:
		return TASK_HELP_JOINED;
	case WORKER_HELPED:
		return TASK_HELP_HELPED;
	case WORKER_SKIPPED:
	case WORKER_DECLINED:
		return TASK_HELP_NOTHING;
	default:
		return stopping ? TASK_HELP_STOPPED : TASK_HELP_FAILED;
	}
}

/* The parent's SIGINT and SIGTERM: stop taking work, tell the workers. */
void
worker_signal(int sig)
{
	(void)sig;
	worker_stop++;
}

/* How many times the parent was told to stop (SIGINT, SIGTERM). */
int
worker_stopped(void)
{
	return worker_stop;
}
