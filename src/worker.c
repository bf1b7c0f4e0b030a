/*
 * Worker processes, the parent's side: start one per job (forked, or
 * forked and executed), and turn the lines of its stderr pipe and its
 * exit status back into progress and a result.  No FFmpeg here: the
 * daemon links this without the media libraries.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "worker.h"
#include "xmalloc.h"

volatile sig_atomic_t worker_stop;
/* Fork with the child's stderr a pipe to w->fd; 0 in the child. */
pid_t
worker_fork(struct worker *w)
{
	pid_t	parent = getpid();
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
#ifdef __linux__
		/* A parent killed outright (kill -9) must not leave its
		 * workers encoding for a claim nobody renews: they get the
		 * SIGTERM that makes them clean up. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 ||
		    getppid() != parent)
			_exit(1);
#endif
		if (dup2(p[1], STDERR_FILENO) == -1)
			_exit(1);
		close(p[1]);
		return 0;
	}
	close(p[1]);
	w->fd = p[0];
	w->state = WORKER_RUNNING;
	return w->pid;
}

/*
 * Start a worker program: path with argv, niced, with input (its job's
 * configuration) on its stdin.
 */
int
worker_exec(struct worker *w, const char *path, char *const argv[],
    const char *input, size_t len, int niceness)
{
	ssize_t	n;
	size_t	off = 0;
	int	in[2];

	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	switch (worker_fork(w)) {
	case -1:
		close(in[0]);
		close(in[1]);
		return -1;
	case 0:
		dup2(in[0], STDIN_FILENO);
		signal(SIGHUP, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		if (niceness != 0)
			setpriority(PRIO_PROCESS, 0, niceness);
		execv(path, argv);
		fprintf(stderr, "%cR failed cannot run %s: %s\n", WORKER_CTL,
		    path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	while (off < len && (n = write(in[1], input + off, len - off)) != 0) {
		if (n == -1 && errno != EINTR)
			break;
		off += n > 0 ? n : 0;
	}
	close(in[1]);
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
		else if (strcmp(what, "helped") == 0)
			w->state = WORKER_HELPED;
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
worker_read(struct worker *w, void (*print)(struct worker *, const char *))
{
	ssize_t	 n;
	char	*nl, *line;

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
