/*
 * The batch command's run: each input's output path, up to --jobs
 * workers at a time in a pool, a status line on a terminal, a summary
 * line per input; with a token directory, only the inputs this host
 * claims (batch_tokens.c).  The loop here owns every descriptor.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "chunkopt.h"
#include "fsutil.h"
#include "log.h"
#include "pool.h"
#include "xmalloc.h"

#define STOP_SECONDS	9	/* workers' grace after SIGINT or SIGTERM */

/* An absolute form of path, its directory resolved where it exists. */
static char *
input_abs(const char *path)
{
	char	*dir, *base, *p, real[PATH_MAX], *out;

	dir = fs_dirname(path);
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : (char *)path;
	if (realpath(dir, real) != NULL)
		xasprintf(&out, "%s/%s", strcmp(real, "/") == 0 ? "" : real,
		    base);
	else if (path[0] == '/')
		out = xstrdup(path);
	else {
		if (getcwd(real, sizeof(real)) == NULL)
			fatal("getcwd");
		xasprintf(&out, "%s/%s", real, path);
	}
	free(dir);
	while ((p = strstr(out, "//")) != NULL)
		memmove(p, p + 1, strlen(p));
	return out;
}

/* The length of the directory that holds every input. */
static size_t
input_common(const struct batch *b)
{
	const char	*first = b->inputs[0].abs, *abs;
	size_t		 len, i;
	int		 n;

	len = strrchr(first, '/') - first;
	for (n = 1; n < b->ninputs; n++) {
		abs = b->inputs[n].abs;
		for (i = 0; i < len && abs[i] == first[i]; i++)
			;
		if (i < len || abs[len] != '/')
			while (i > 0 && first[i] != '/')
				i--;
		len = i;
	}
	return len;
}

/* Whether two paths name one file (or would). */
static int
input_abs_same(const char *a, const char *b)
{
	struct stat	 sa, sb;
	char		*ab;
	int		 same;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	ab = input_abs(b);
	same = strcmp(a, ab) == 0;
	free(ab);
	return same;
}

/* Each input's output path: its place below the common directory. */
void
batch_outputs(struct batch *b, const char *outdir)
{
	struct input	*in, *other;
	size_t		 common = input_common(b);
	char		*rel, *dot, *slash;
	int		 n, m;

	for (n = 0; n < b->ninputs; n++) {
		in = &b->inputs[n];
		in->rel = xstrdup(in->abs + common + 1);
		rel = xstrdup(in->rel);
		dot = strrchr(rel, '.');
		slash = strrchr(rel, '/');
		if (dot != NULL && dot != rel &&
		    (slash == NULL || dot > slash + 1))
			*dot = '\0';
		xasprintf(&in->output, "%s/%s.mkv", outdir, rel);
		free(rel);
		slash = strrchr(in->path, '/');
		xasprintf(&in->prefix, "%s: ", slash ? slash + 1 : in->path);
		for (m = 0; m < n && in->error == NULL; m++) {
			other = &b->inputs[m];
			if (strcmp(other->abs, in->abs) == 0)
				xasprintf(&in->error, "given twice");
			else if (strcmp(other->output, in->output) == 0)
				xasprintf(&in->error, "output %s is also %s's",
				    in->output, other->path);
		}
		if (in->error == NULL && input_abs_same(in->abs, in->output))
			xasprintf(&in->error, "the output would replace the "
			    "source");
	}
}

/* h:mm:ss for an ETA. */
static void
fmt_eta(double s, char *buf, size_t len)
{
	long	t = s < 0 ? -1 : (long)(s + 0.5);

	if (t < 0)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
}

/* The terminal's status line: one entry per running job. */
static void
status_draw(const struct batch *b)
{
	struct winsize	 ws;
	struct worker	*w;
	char		 line[1024], eta[32];
	size_t		 off = 0, width = 80;
	int		 n;

	if (!b->tty)
		return;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		width = ws.ws_col;
	if (width >= sizeof(line))
		width = sizeof(line) - 1;
	line[0] = '\0';
	for (n = 0; n < b->ninputs && off < sizeof(line); n++) {
		w = &b->inputs[n].w;
		if (!b->inputs[n].started || b->inputs[n].finished ||
		    !w->have_progress)
			continue;
		fmt_eta(w->progress.eta, eta, sizeof(eta));
		off += snprintf(line + off, sizeof(line) - off, "%s[%.*s %s "
		    "%lld/%lld %.1f fps ETA %s]", off ? " " : "",
		    (int)strlen(b->inputs[n].prefix) - 2, b->inputs[n].prefix,
		    job_stage_name(w->progress.stage),
		    (long long)w->progress.frame, (long long)w->progress.total,
		    w->progress.fps, eta);
	}
	line[width - 1 < off ? width - 1 : off] = '\0';
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
}

/* A line from a worker: progress or its result, else printed. */
static void
batch_line(void *ctx, void *arg, const char *line)
{
	const struct batch	*b = ctx;
	struct input		*in = arg;

	if (worker_control(&in->w, line))
		return;
	if (b->tty)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "%s\n", line);
}

/* An input's worker ended: its result, and its marker. */
static void
batch_ended(void *ctx, void *arg, pid_t pid, int status)
{
	struct batch	*b = ctx;
	struct input	*in = arg;

	(void)pid;
	if (worker_stopped() && WIFSIGNALED(status))
		in->w.kind = TASK_TRANSIENT;	/* interrupted */
	worker_reap(&in->w, status);
	in->finished = 1;
	if (b->tokens == NULL || batch_tok_helped(b, in))
		return;
	if (in->task.lost) {
		/* Another host has it now: look at it again later. */
		in->task.lost = 0;
		in->started = in->finished = 0;
		in->task.until = pool_now() + 1;
		return;
	}
	batch_tok_mark(b, in);
}

/*
 * A worker killed at the end of the stop's grace period: what it left
 * removed, its input interrupted.
 */
static void
batch_killed(void *ctx, void *arg, pid_t pid)
{
	struct batch	*b = ctx;
	struct input	*in = arg;

	job_leftovers(in->path, in->output, b->conf->stats_dir, (long)pid);
	batch_ended(ctx, arg, pid, SIGKILL);	/* as killed by it */
}

static const struct pool_ops batch_pool_ops = {
	.line = batch_line,
	.ended = batch_ended,
};

/* Inputs not finished (here or elsewhere). */
static int
inputs_left(const struct batch *b)
{
	int	n, left = 0;

	for (n = 0; n < b->ninputs; n++)
		left += !b->inputs[n].finished;
	return left;
}

/* Start an input's worker (help: on another host's chunks). */
static void
batch_start(struct batch *b, struct input *in, int help)
{
	int	left, slots;

	in->started = 1;
	in->job.source = in->path;
	in->job.rel = in->rel;
	in->job.output = in->output;
	in->job.conf = b->conf;
	in->job.prof = b->prof;
	left = inputs_left(b);
	slots = conf_jobs(b->conf);
	in->job.sharing = left < slots ? left : slots;
	in->job.overwrite = b->overwrite;
	chunkopt_job(&in->job);
	if (b->tokens != NULL) {
		in->job.id = in->id;
		in->job.tokens = tok_path(b->tokens);
		in->job.node = tok_node(b->tokens);
		if (help)
			in->job.step = JOB_STEP_HELP;
	}
	if (in->error != NULL) {
		in->finished = 1;
		in->w.state = WORKER_FAILED;
		snprintf(in->w.text, sizeof(in->w.text), "%s", in->error);
		return;
	}
	if (worker_start(b->pool, &in->w, &in->job, in->prefix, in) == -1) {
		in->finished = 1;
		in->w.state = WORKER_FAILED;
		snprintf(in->w.text, sizeof(in->w.text), "cannot start a "
		    "worker: %s", strerror(errno));
	} else if (help)
		task_helping(&in->task, (long)in->w.pid);
}

/*
 * Wait up to timeout seconds for output from the running workers (or a
 * change in the token directory); collect finished ones.
 */
static void
batch_poll(struct batch *b, double timeout)
{
	struct pollfd	 pfd[1 + 256];
	int		 k = 0, n;

	if (b->tokens != NULL && tok_fd(b->tokens) != -1) {
		pfd[k].fd = tok_fd(b->tokens);
		pfd[k].events = POLLIN;
		pfd[k++].revents = 0;
	}
	n = pool_pollfds(b->pool, pfd + k, 256);
	if (poll(pfd, k + n, (int)(timeout * 1000) + 1) == -1 &&
	    errno != EINTR)
		fatal("poll");
	if (k > 0 && pfd[0].revents != 0 && tok_read_events(b->tokens))
		batch_tok_recheck(b);
	pool_dispatch(b->pool, pfd + k, n);
	status_draw(b);
}

/* The next input to start now, or -1; *wait: seconds until one may be. */
static int
input_next(const struct batch *b, double *wait)
{
	double	now = pool_now();
	int	n;

	*wait = 3600;
	for (n = 0; n < b->ninputs; n++) {
		if (b->inputs[n].started || b->inputs[n].finished)
			continue;
		if (b->inputs[n].task.until <= now)
			return n;
		if (b->inputs[n].task.until - now < *wait)
			*wait = b->inputs[n].task.until - now;
	}
	return -1;
}

/* Start inputs while slots are free: claimed, or to help with. */
static void
batch_start_all(struct batch *b)
{
	struct input	*in;
	double		 wait;
	int		 n, help;

	while (!worker_stopped() && pool_idle(b->pool) > 0 &&
	    (n = input_next(b, &wait)) != -1) {
		in = &b->inputs[n];
		help = 0;
		if (b->tokens != NULL && !batch_tok_claim(in) &&
		    !(help = batch_tok_helpable(b, in, pool_now())))
			continue;
		batch_start(b, in, help);
		if (in->finished && b->tokens != NULL)
			batch_tok_mark(b, in);
	}
}

/* Run every input, up to jobs at a time, until all end or a signal. */
static void
batch_run_all(struct batch *b)
{
	double	wait;
	int	told = 0;

	for (;;) {
		if (b->tokens != NULL)
			tok_renew(b->tokens, batch_tok_lost, b);
		batch_start_all(b);
		if (pool_busy(b->pool) == 0 &&
		    (worker_stopped() || inputs_left(b) == 0))
			break;
		if (worker_stopped() && !told) {
			pool_stop(b->pool, STOP_SECONDS);
			told = 1;
		}
		if (told && pool_stop_left(b->pool) <= 0) {
			log_warnx("%d worker%s still running %d s after being "
			    "told to stop: killing them", pool_busy(b->pool),
			    pool_busy(b->pool) == 1 ? "" : "s", STOP_SECONDS);
			pool_kill_all(b->pool, batch_killed);
			continue;
		}
		input_next(b, &wait);
		if (b->tokens != NULL && tok_renew_due(b->tokens) < wait)
			wait = tok_renew_due(b->tokens);
		if (told && pool_stop_left(b->pool) < wait)
			wait = pool_stop_left(b->pool);
		batch_poll(b, pool_busy(b->pool) > 0 && wait > 0.5 ? 0.5 :
		    wait);
	}
	if (b->tty)
		fprintf(stderr, "\r\033[K");
}

/* One line per input on stdout, names escaped; the number that failed. */
static int
batch_summary(const struct batch *b)
{
	const struct input	*in;
	char		 src[PATH_MAX * 4], out[PATH_MAX * 4];
	char		 line[PATH_MAX * 8 + 8];
	int		 n, done = 0, skipped = 0, failed = 0;

	for (n = 0; n < b->ninputs; n++) {
		in = &b->inputs[n];
		log_escape(in->path, src, sizeof(src));
		log_escape(in->output ? in->output : "", out, sizeof(out));
		if (in->other == TASK_DONE && in->oskipped) {
			log_escape(in->otext, out, sizeof(out));
			printf("skipped: %s: %s\n", src, out);
			skipped++;
		} else if (in->other == TASK_DONE) {
			log_escape(in->otext, out, sizeof(out));
			printf("done: %s -> %s\n", src, out);
			done++;
		} else if (in->other == TASK_FAILED) {
			log_escape(in->otext, out, sizeof(out));
			log_about(src, out, line, sizeof(line));
			printf("failed: %s\n", line);
			failed++;
		} else if (!in->started) {
			printf("failed: %s: not started: interrupted\n", src);
			failed++;
		} else if (in->w.state == WORKER_DONE) {
			printf("done: %s -> %s (%s)\n", src, out, in->w.text);
			done++;
		} else if (in->w.state == WORKER_SKIPPED) {
			printf("skipped: %s: %s exists\n", src, out);
			skipped++;
		} else if (in->w.state == WORKER_DECLINED) {
			printf("skipped: %s: %s\n", src, in->w.text);
			skipped++;
		} else {
			log_about(src, in->w.text, line, sizeof(line));
			printf("failed: %s\n", line);
			failed++;
		}
	}
	fflush(stdout);
	log_info("%d done, %d skipped, %d failed", done, skipped, failed);
	return failed;
}


/* An input to encode. */
void
batch_add(struct batch *b, const char *path)
{
	b->inputs = xreallocarray(b->inputs, b->ninputs + 1,
	    sizeof(*b->inputs));
	memset(&b->inputs[b->ninputs], 0, sizeof(*b->inputs));
	b->inputs[b->ninputs].path = xstrdup(path);
	b->inputs[b->ninputs].abs = input_abs(path);
	b->ninputs++;
}

/* Free the inputs (at exit, for leak checkers). */
void
batch_free(struct batch *b)
{
	struct input	*in;
	int		 n;

	for (n = 0; n < b->ninputs; n++) {
		in = &b->inputs[n];
		free(in->path);
		free(in->abs);
		free(in->output);
		free(in->prefix);
		free(in->rel);
		free(in->error);
		free(in->otext);
	}
	free(b->inputs);
	b->inputs = NULL;
	b->ninputs = 0;
}

/* Encode every input; the exit status. */
int
batch_run(struct batch *b, const struct config *conf,
    const struct profile *prof, int overwrite)
{
	struct sigaction	 sa;
	char			*dir;
	int			 failed, rv = 0;

	b->conf = conf;
	b->prof = prof;
	b->overwrite = overwrite;
	batch_outputs(b, conf->output_dir);
	if (*conf->token_dir != '\0') {
		dir = input_abs(conf->token_dir);
		rv = batch_tok_open(b, dir);
		free(dir);
	}
	if (rv != 0) {
		tok_close(b->tokens);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	b->tty = isatty(STDERR_FILENO);
	b->pool = pool_new(conf_jobs(conf), POOL_PIPE | POOL_ORPHAN,
	    &batch_pool_ops, b);
	batch_run_all(b);
	pool_free(b->pool);
	b->pool = NULL;
	tok_close(b->tokens);
	b->tokens = NULL;
	failed = batch_summary(b);
	return failed || worker_stopped() ? 1 : 0;
}
