/*
 * Running a job in a worker process: the log and progress go up the
 * stderr pipe to the parent (the distenc command, or the daemon through
 * "distenc --worker"), the result as a last control line.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "media.h"
#include "pool.h"
#include "worker.h"
#include "xmalloc.h"

static volatile int job_stop;

/* SIGINT and SIGTERM in a worker: stop the job, clean up, exit. */
static void
worker_onsignal(int sig)
{
	(void)sig;
	job_stop = 1;
}

/* Send progress to the parent. */
static void
worker_progress(void *arg, const struct job_progress *p)
{
	(void)arg;
	fprintf(stderr, "%cP %d %lld %lld %.2f %.0f %.3f %d %d\n", WORKER_CTL,
	    p->stage, (long long)p->frame, (long long)p->total, p->fps, p->eta,
	    p->duration, p->chunks, p->chunks_done);
}

/* Open the job's own log file in log_dir, named after its output. */
static FILE *
worker_joblog(const struct job *j)
{
	FILE	*fp;
	char	*path, *base, *dot, *cause = NULL;

	if (j->log != NULL) {
		if ((fp = fopen(j->log, "a")) == NULL)
			log_warn("%s", j->log);
		return fp;
	}
	if (*j->conf->log_dir == '\0')
		return NULL;
	if (fs_mkdirs(j->conf->log_dir, &cause) != 0) {
		log_warnx("log directory: %s", cause);
		free(cause);
		return NULL;
	}
	base = strrchr(j->output, '/');
	base = xstrdup(base != NULL ? base + 1 : j->output);
	if ((dot = strrchr(base, '.')) != NULL && dot != base)
		*dot = '\0';
	xasprintf(&path, "%s/%s.log", j->conf->log_dir, base);
	if ((fp = fopen(path, "a")) == NULL)
		log_warn("%s", path);
	else
		log_info("log: %s", path);
	free(path);
	free(base);
	return fp;
}

/*
 * The job's profile with its automatic threads and chunk encoders
 * resolved: its share of this host's processors.
 */
static void
worker_share(struct job *j)
{
	static struct profile	prof;
	int			n = j->sharing > 0 ? j->sharing : 1;

	if (j->prof->threads > 0 && (!j->prof->chunked ||
	    j->prof->parallel_encodes > 0))
		return;
	prof = *j->prof;
	conf_share(&prof, j->conf, n);
	j->prof = &prof;
	if (prof.chunked)
		log_info("processors: %d, jobs at once: %d; %d chunk encoder%s "
		    "of %d thread%s", conf_processors(), n,
		    prof.parallel_encodes, prof.parallel_encodes == 1 ? "" : "s",
		    prof.threads, prof.threads == 1 ? "" : "s");
	else
		log_info("processors: %d, jobs at once: %d; %d encoder "
		    "thread%s", conf_processors(), n, prof.threads,
		    prof.threads == 1 ? "" : "s");
}

/* The worker process: run the job and report how it ended. */
void
worker_run(struct job *j, const char *prefix)
{
	struct sigaction	sa;
	FILE			*joblog;
	char			text[1024];
	int			rv;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_onsignal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGHUP, SIG_IGN);	/* the parent's handlers write to */
	signal(SIGCHLD, SIG_DFL);	/* its own signal pipe */
	setvbuf(stderr, NULL, _IOLBF, 0);
	log_setdest(LOG_TO_STDERR);
	log_setprefix(prefix);
	media_quiet();
	j->stop = &job_stop;
	j->progress = worker_progress;
	if ((joblog = worker_joblog(j)) != NULL) {
		log_setjobfile(joblog);
		log_info("job: %s -> %s, profile %s", j->source, j->output,
		    j->prof->name);
	}
	worker_share(j);
	rv = job_run(j);
	if (rv == 0 && j->res.skipped)
		fprintf(stderr, "%cR skipped\n", WORKER_CTL);
	else if (rv == 0 && j->res.declined[0] != '\0') {
		log_escape(j->res.declined, text, sizeof(text));
		fprintf(stderr, "%cR declined %s\n", WORKER_CTL, text);
	}
	else if (rv == 0 && j->res.joined_by[0] != '\0') {
		log_escape(j->res.note, text, sizeof(text));
		fprintf(stderr, "%cR %s joined by node %s: %s\n", WORKER_CTL,
		    j->step == JOB_STEP_HELP ? "helped" : "done",
		    j->res.joined_by, text);
	} else if (rv == 0 && j->step == JOB_STEP_HELP && !j->res.joined) {
		log_escape(j->res.note, text, sizeof(text));
		fprintf(stderr, "%cR helped %s\n", WORKER_CTL, text);
	} else if (rv == 0) {
		job_summary(j, text, sizeof(text));
		fprintf(stderr, "%cR done %s\n", WORKER_CTL, text);
	} else {
		log_setprefix(NULL);
		log_about(j->source, j->error, text, sizeof(text));
		log_warnx("failed: %s", text);
		log_escape(j->error, text, sizeof(text));
		fprintf(stderr, "%cR %s %s\n", WORKER_CTL, j->transient ?
		    "transient" : "failed", text);
	}
	if (joblog != NULL)
		fclose(joblog);
	fflush(stderr);
	_exit(rv == 0 ? 0 : 1);
}

/* What a forked worker runs. */
struct worker_child {
	struct job	*job;
	const char	*prefix;
};

/* In a forked worker: run its job. */
static int
worker_child(void *arg)
{
	struct worker_child	*wc = arg;

	worker_run(wc->job, wc->prefix);
}

/* Fork a worker for a job in a pool; arg is the pool slot's. */
int
worker_start(struct pool *p, struct worker *w, struct job *j,
    const char *prefix, void *arg)
{
	struct worker_child	wc = { j, prefix };

	memset(w, 0, sizeof(*w));
	if ((w->pid = pool_fork(p, worker_child, &wc, arg)) == -1)
		return -1;
	w->state = WORKER_RUNNING;
	return 0;
}
