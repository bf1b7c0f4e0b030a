/*
 * Worker processes: fork one per job, run the job with the log and
 * progress sent up a pipe, and turn the pipe's lines and the exit status
 * back into a result in the parent.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "media.h"
#include "worker.h"
#include "xmalloc.h"

volatile sig_atomic_t worker_stop;
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
	fprintf(stderr, "%cP %d %lld %lld %.2f %.0f\n", WORKER_CTL, p->stage,
	    (long long)p->frame, (long long)p->total, p->fps, p->eta);
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

/* The worker process: run the job and report how it ended. */
static void __attribute__((noreturn))
worker_child(struct job *j, const char *prefix, int niceness)
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
	if (niceness != 0 && setpriority(PRIO_PROCESS, 0, niceness) == -1)
		log_warn("nice %d", niceness);
	media_quiet();
	j->stop = &job_stop;
	j->progress = worker_progress;
	if ((joblog = worker_joblog(j)) != NULL) {
		log_setjobfile(joblog);
		log_info("job: %s -> %s, profile %s", j->source, j->output,
		    j->prof->name);
	}
	rv = job_run(j);
	if (rv == 0 && j->res.skipped)
		fprintf(stderr, "%cR skipped\n", WORKER_CTL);
	else if (rv == 0) {
		job_summary(j, text, sizeof(text));
		fprintf(stderr, "%cR done %s\n", WORKER_CTL, text);
	} else {
		log_setprefix(NULL);
		log_warnx("failed: %s: %s", j->source, j->error);
		log_escape(j->error, text, sizeof(text));
		fprintf(stderr, "%cR %s %s\n", WORKER_CTL, j->transient ?
		    "transient" : "failed", text);
	}
	if (joblog != NULL)
		fclose(joblog);
	fflush(stderr);
	_exit(rv == 0 ? 0 : 1);
}

/* Fork a worker for a job. */
int
worker_start(struct worker *w, struct job *j, const char *prefix,
    int niceness)
{
	int	p[2];

	memset(w, 0, sizeof(*w));
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	fflush(NULL);
	if ((w->pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (w->pid == 0) {
		close(p[0]);
		if (dup2(p[1], STDERR_FILENO) == -1)
			_exit(1);
		close(p[1]);
		worker_child(j, prefix, niceness);
	}
	close(p[1]);
	w->fd = p[0];
	w->state = WORKER_RUNNING;
	return 0;
}

/* Act on one control line from a worker. */
static void
worker_control(struct worker *w, const char *line)
{
	struct job_progress	*p = &w->progress;
	long long		 frame, total;
	int			 stage;
	char			 what[16];

	if (line[0] == 'P' && sscanf(line, "P %d %lld %lld %lf %lf", &stage,
	    &frame, &total, &p->fps, &p->eta) == 5) {
		p->stage = stage;
		p->frame = frame;
		p->total = total;
		w->have_progress = 1;
	} else if (line[0] == 'R' && sscanf(line, "R %15s", what) == 1) {
		line += 2 + strlen(what);
		line += *line == ' ';
		snprintf(w->text, sizeof(w->text), "%s", line);
		if (strcmp(what, "done") == 0)
			w->state = WORKER_DONE;
		else if (strcmp(what, "skipped") == 0)
			w->state = WORKER_SKIPPED;
		else {
			w->state = WORKER_FAILED;
			w->transient = strcmp(what, "transient") == 0;
		}
	}
}

/*
 * Read what a worker wrote: log lines go to print, control lines update
 * the worker.  Returns 0 at end of file, 1 while open.
 */
int
worker_read(struct worker *w, void (*print)(struct worker *, const char *),
    void *arg)
{
	ssize_t	 n;
	char	*nl, *line;

	(void)arg;
	n = read(w->fd, w->buf + w->len, sizeof(w->buf) - 1 - w->len);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n > 0)
		w->len += n;
	w->buf[w->len] = '\0';
	line = w->buf;
	while ((nl = strchr(line, '\n')) != NULL ||
	    (n <= 0 && *line != '\0') || w->len == sizeof(w->buf) - 1) {
		if (nl != NULL)
			*nl = '\0';
		if (line[0] == WORKER_CTL)
			worker_control(w, line + 1);
		else
			print(w, line);
		if (nl == NULL) {
			line += strlen(line);
			break;
		}
		line = nl + 1;
	}
	w->len -= line - w->buf;
	memmove(w->buf, line, w->len);
	return n > 0;
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
	close(w->fd);
	w->fd = -1;
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

/* The parent's SIGINT and SIGTERM: stop taking work, tell the workers. */
void
worker_signal(int sig)
{
	(void)sig;
	worker_stop++;
}
