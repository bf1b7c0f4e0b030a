/*
 * The batch command's run: each input's output path, up to --jobs
 * workers at a time, a status line on a terminal, a summary line per
 * input; with a token directory, only the inputs this host claims.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "chunkopt.h"
#include "fsutil.h"
#include "log.h"
#include "xmalloc.h"

struct input	*inputs;
int		 ninputs;
int		 tty;
struct tokdir	*tokens;

static const struct config *run_conf;

double
mono_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The token directory changed: look at other hosts' inputs again. */
void
inputs_recheck(void)
{
	int	n;

	for (n = 0; n < ninputs; n++)
		if (!inputs[n].started && !inputs[n].finished)
			inputs[n].until = 0;
}
/* An absolute form of path, its directory resolved where it exists. */
char *
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
input_common(void)
{
	size_t	len, i;
	int	n;

	len = strrchr(inputs[0].abs, '/') - inputs[0].abs;
	for (n = 1; n < ninputs; n++) {
		for (i = 0; i < len && inputs[n].abs[i] == inputs[0].abs[i];
		    i++)
			;
		if (i < len || inputs[n].abs[len] != '/')
			while (i > 0 && inputs[0].abs[i] != '/')
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
input_outputs(const char *outdir)
{
	size_t	 common = input_common();
	char	*rel, *dot, *slash;
	int	 n, m;

	for (n = 0; n < ninputs; n++) {
		inputs[n].rel = xstrdup(inputs[n].abs + common + 1);
		rel = xstrdup(inputs[n].rel);
		dot = strrchr(rel, '.');
		slash = strrchr(rel, '/');
		if (dot != NULL && dot != rel && (slash == NULL || dot > slash + 1))
			*dot = '\0';
		xasprintf(&inputs[n].output, "%s/%s.mkv", outdir, rel);
		free(rel);
		slash = strrchr(inputs[n].path, '/');
		xasprintf(&inputs[n].prefix, "%s: ",
		    slash ? slash + 1 : inputs[n].path);
		for (m = 0; m < n && inputs[n].error == NULL; m++) {
			if (strcmp(inputs[m].abs, inputs[n].abs) == 0)
				xasprintf(&inputs[n].error, "given twice");
			else if (strcmp(inputs[m].output, inputs[n].output) == 0)
				xasprintf(&inputs[n].error, "output %s is "
				    "also %s's", inputs[n].output,
				    inputs[m].path);
		}
		if (inputs[n].error == NULL &&
		    input_abs_same(inputs[n].abs, inputs[n].output))
			xasprintf(&inputs[n].error, "the output would replace "
			    "the source");
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
status_draw(void)
{
	struct winsize	 ws;
	struct worker	*w;
	char		 line[1024], eta[32];
	size_t		 off = 0, width = 80;
	int		 n;

	if (!tty)
		return;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		width = ws.ws_col;
	if (width >= sizeof(line))
		width = sizeof(line) - 1;
	line[0] = '\0';
	for (n = 0; n < ninputs && off < sizeof(line); n++) {
		w = &inputs[n].w;
		if (!inputs[n].started || inputs[n].finished ||
		    !w->have_progress)
			continue;
		fmt_eta(w->progress.eta, eta, sizeof(eta));
		off += snprintf(line + off, sizeof(line) - off, "%s[%.*s %s "
		    "%lld/%lld %.1f fps ETA %s]", off ? " " : "",
		    (int)strlen(inputs[n].prefix) - 2, inputs[n].prefix,
		    job_stage_name(w->progress.stage),
		    (long long)w->progress.frame, (long long)w->progress.total,
		    w->progress.fps, eta);
	}
	line[width - 1 < off ? width - 1 : off] = '\0';
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
}

/* A worker's log line, printed above the status line. */
static void
status_print(struct worker *w, const char *line)
{
	(void)w;
	if (tty)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "%s\n", line);
}

/* Start the next input's worker. */
static void
run_start(struct input *in, const struct config *conf,
    const struct profile *prof, int overwrite)
{
	in->started = 1;
	in->job.source = in->path;
	in->job.output = in->output;
	in->job.conf = conf;
	in->job.prof = prof;
	in->job.overwrite = overwrite;
	chunkopt_job(&in->job);
	if (tokens != NULL) {
		in->job.id = in->id;
		in->job.tokens = tok_path(tokens);
		in->job.node = tok_node(tokens);
		if (in->helping)
			in->job.step = JOB_STEP_HELP;
	}
	if (in->error != NULL) {
		in->finished = 1;
		in->w.state = WORKER_FAILED;
		snprintf(in->w.text, sizeof(in->w.text), "%s", in->error);
		return;
	}
	if (worker_start(&in->w, &in->job, in->prefix, 0) == -1) {
		in->finished = 1;
		in->w.state = WORKER_FAILED;
		snprintf(in->w.text, sizeof(in->w.text), "cannot start a "
		    "worker: %s", strerror(errno));
	}
}

/* An input's worker ended: its result, and its marker. */
static void
run_reaped(struct input *in, int status)
{
	worker_reap(&in->w, status);
	in->finished = 1;
	if (tokens == NULL || input_helped(in, run_conf))
		return;
	if (in->lost) {
		/* Another host has it now: look at it again later. */
		in->lost = 0;
		in->started = in->finished = 0;
		in->until = mono_now() + 1;
		return;
	}
	input_mark(in);
}

/*
 * Wait up to timeout seconds for output from the running workers (or a
 * change in the token directory); collect finished ones.
 */
static int
run_poll(int running, double timeout)
{
	struct pollfd	 pfd[257];
	int		 map[257], n, k = 0, status;

	if (tokens != NULL && tok_fd(tokens) != -1) {
		pfd[k].fd = tok_fd(tokens);
		pfd[k].events = POLLIN;
		map[k++] = -1;
	}
	for (n = 0; n < ninputs && k < 257; n++)
		if (inputs[n].started && !inputs[n].finished) {
			pfd[k].fd = inputs[n].w.fd;
			pfd[k].events = POLLIN;
			map[k++] = n;
		}
	if (poll(pfd, k, (int)(timeout * 1000) + 1) == -1 && errno != EINTR)
		fatal("poll");
	for (n = 0; n < k; n++) {
		if (pfd[n].revents != 0 && map[n] == -1) {
			if (tok_read_events(tokens))
				inputs_recheck();
			continue;
		}
		if (pfd[n].revents == 0 ||
		    worker_read(&inputs[map[n]].w, status_print) != 0)
			continue;
		while (waitpid(inputs[map[n]].w.pid, &status, 0) == -1)
			if (errno != EINTR)
				fatal("waitpid");
		run_reaped(&inputs[map[n]], status);
		running--;
	}
	status_draw();
	return running;
}

/* The next input to start now, or -1; *wait: seconds until one may be. */
static int
input_next(double *wait)
{
	double	now = mono_now();
	int	n;

	*wait = 3600;
	for (n = 0; n < ninputs; n++) {
		if (inputs[n].started || inputs[n].finished)
			continue;
		if (inputs[n].until <= now)
			return n;
		if (inputs[n].until - now < *wait)
			*wait = inputs[n].until - now;
	}
	return -1;
}

/* Inputs not finished (here or elsewhere). */
static int
inputs_left(void)
{
	int	n, left = 0;

	for (n = 0; n < ninputs; n++)
		left += !inputs[n].finished;
	return left;
}

/* Run every input, up to jobs at a time, until all end or a signal. */
void
run_all(const struct config *conf, const struct profile *prof, int overwrite)
{
	double	wait;
	int	running = 0, told = 0, n;

	run_conf = conf;
	for (;;) {
		if (tokens != NULL)
			tok_renew(tokens, input_lost, NULL);
		while (!worker_stop && running < conf->jobs &&
		    (n = input_next(&wait)) != -1) {
			if (tokens != NULL && !input_claim(&inputs[n]) &&
			    !input_helpable(&inputs[n], prof, mono_now()))
				continue;
			run_start(&inputs[n], conf, prof, overwrite);
			if (!inputs[n].finished)
				running++;
			else if (tokens != NULL)
				input_mark(&inputs[n]);
		}
		if (running == 0 && (worker_stop || inputs_left() == 0))
			break;
		if (worker_stop && told < worker_stop) {
			for (n = 0; n < ninputs; n++)
				if (inputs[n].started && !inputs[n].finished)
					kill(inputs[n].w.pid, SIGTERM);
			told = worker_stop;
		}
		input_next(&wait);
		if (tokens != NULL && tok_renew_due(tokens) < wait)
			wait = tok_renew_due(tokens);
		running = run_poll(running, running > 0 && wait > 0.5 ? 0.5 :
		    wait);
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
}

/* One line per input on stdout, names escaped; the number that failed. */
int
summary(void)
{
	struct input	*in;
	char		 src[PATH_MAX * 4], out[PATH_MAX * 4];
	char		 line[PATH_MAX * 8 + 8];
	int		 n, done = 0, skipped = 0, failed = 0;

	for (n = 0; n < ninputs; n++) {
		in = &inputs[n];
		log_escape(in->path, src, sizeof(src));
		log_escape(in->output ? in->output : "", out, sizeof(out));
		if (in->other == TOK_ISDONE) {
			log_escape(in->otext, out, sizeof(out));
			printf("done: %s -> %s\n", src, out);
			done++;
		} else if (in->other == TOK_ISFAILED) {
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

