/*
 * distenc: the batch command.  Every input goes through the whole
 * pipeline (probe, crop detection, two-pass x265, loudness-normalised
 * audio, verification, atomic publication), up to --jobs at a time, each
 * in its own worker process.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "fsutil.h"
#include "job.h"
#include "jobid.h"
#include "log.h"
#include "media.h"
#include "token.h"
#include "worker.h"
#include "xmalloc.h"

struct input {
	char		*path;		/* as given */
	char		*abs;		/* absolute */
	char		*output;
	char		*prefix;	/* for log lines: "name: " */
	char		*rel;		/* below the inputs' common directory */
	char		 id[JOBID_MAX];	/* its task in a token directory */
	struct job	 job;
	struct worker	 w;
	int		 started;
	int		 finished;
	char		*error;		/* failed before starting */
	/* With a token directory: */
	double		 until;		/* not to be tried before (monotonic) */
	int		 lost;		/* its claim was lost while running */
	int		 other;		/* TOK_ISDONE or TOK_ISFAILED elsewhere */
	char		*otext;		/* what the other host said */
	char		 holder[TOK_NODE_MAX];
};

static struct input	*inputs;
static int		 ninputs;
static int		 tty;
static struct tokdir	*tokens;
static int		 retry_delay = 60;

static void	input_mark(struct input *);

static double
mono_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The token directory changed: look at other hosts' inputs again. */
static void
inputs_recheck(void)
{
	int	n;

	for (n = 0; n < ninputs; n++)
		if (!inputs[n].started && !inputs[n].finished)
			inputs[n].until = 0;
}

static const struct option longopts[] = {
	{ "config",	required_argument,	NULL, 'c' },
	{ "crop-only",	no_argument,		NULL, 'C' },
	{ "dump-config", no_argument,		NULL, 'D' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "inputs",	required_argument,	NULL, 'i' },
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "lease",	required_argument,	NULL, 'E' },
	{ "node",	required_argument,	NULL, 'N' },
	{ "output-dir",	required_argument,	NULL, 'o' },
	{ "overwrite",	no_argument,		NULL, 'f' },
	{ "profile",	required_argument,	NULL, 'p' },
	{ "stats-dir",	required_argument,	NULL, 's' },
	{ "token-dir",	required_argument,	NULL, 't' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	/* distencd's workers: "distenc --worker", see worker_mode(). */
	{ "worker",	no_argument,		NULL, 'W' },
	{ "worker-output", required_argument,	NULL, 'O' },
	{ "worker-log",	required_argument,	NULL, 'L' },
	{ "worker-prefix", required_argument,	NULL, 'P' },
	{ NULL,		0,			NULL, 0 }
};

static void
usage_text(FILE *fp)
{
	fprintf(fp,
"usage: distenc [-fhvV] [-c file] [-p profile] [-o dir] [-s dir] [-j n]\n"
"               [-t dir [--node name] [--lease seconds]]\n"
"               [--crop-only] [--dump-config] -i file [file ...]\n"
"\n"
"Encode each input to HEVC (two-pass x265) in Matroska, with black bars\n"
"cropped, audio loudness-normalised, and every stream, chapter and\n"
"attachment kept.  Outputs mirror the inputs' paths below their common\n"
"directory, with the extension .mkv.\n"
"\n"
"  -i, --inputs FILE...    files to encode (also taken as plain arguments)\n"
"  -o, --output-dir DIR    where finished files go (made if missing)\n"
"  -s, --stats-dir DIR     x265 two-pass stats; a RAM drive such as\n"
"                          /dev/shm is best (removed after each encode)\n"
"  -j, --jobs N            parallel jobs on this host (each about two\n"
"                          cores and 2 GB)\n"
"  -c, --config FILE       libconfig file (default: built-in settings)\n"
"  -p, --profile NAME      encoding profile from the configuration\n"
"  -f, --overwrite         replace existing outputs (default: skip them)\n"
"      --crop-only         only detect and print each input's crop\n"
"      --dump-config       print the effective configuration and exit\n"
"  -t, --token-dir DIR     share the work with the other hosts that run\n"
"                          this command with the same inputs and DIR (on\n"
"                          NFS, SMB, sshfs): each input is encoded once\n"
"      --node NAME         this host's name there (default: host name)\n"
"      --lease SECONDS     how long a claim of a host that stopped\n"
"                          renewing it holds (default 300)\n"
"  -v, --verbose           more detail (twice: FFmpeg and x265 too)\n"
"  -V, --version           print the version and exit\n"
"  -h, --help              this text\n"
"\n"
"Exit status: 0 when every input was encoded or skipped, 1 when any\n"
"failed, 2 for a usage or configuration error.\n");
}

static void __attribute__((noreturn))
usage(void)
{
	usage_text(stderr);
	exit(2);
}

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
static void
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
	if (tokens == NULL)
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

/* An input's id in the token directory, from its file as it is now. */
static void
input_id(struct input *in)
{
	struct stat	sb;

	if (in->error != NULL)
		return;
	if (stat(in->abs, &sb) == -1)
		xasprintf(&in->error, "%s", strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		xasprintf(&in->error, "not a regular file");
	else
		jobid_make(in->rel, sb.st_size, sb.st_mtim.tv_sec, in->id,
		    sizeof(in->id));
}

/* Another host has the input's claim, or finished or failed it. */
static void
input_elsewhere(struct input *in, int r, const struct tok_seen *seen)
{
	const struct tok_file	*f = &seen->f;

	if (r == TOK_ISDONE || r == TOK_ISFAILED) {
		in->finished = 1;
		in->other = r;
		if (r == TOK_ISDONE)
			xasprintf(&in->otext, "%s (by node %s%s%s)", f->text,
			    f->node, f->summary[0] ? ": " : "", f->summary);
		else
			xasprintf(&in->otext, "failed on node %s: %s", f->node,
			    f->text);
		return;
	}
	in->until = seen->until;
	if (strcmp(in->holder, f->node) != 0)
		log_info("%s%s node %s%s%s", in->prefix, r == TOK_HELD ?
		    "claimed by" : "failed for now on", f->node[0] ? f->node :
		    "?", r == TOK_WAIT ? ": " : "", r == TOK_WAIT ? f->text :
		    "");
	snprintf(in->holder, sizeof(in->holder), "%s", f->node);
}

/* Claim an input in the token directory: 1 when it is this host's. */
static int
input_claim(struct input *in)
{
	struct tok_seen	 seen;
	char		*cause = NULL;
	int		 r;

	if (in->error != NULL)
		return 1;	/* fails at once, touching no token */
	r = tok_claim(tokens, in->id, in->rel, &seen, &cause);
	if (r == TOK_CLAIMED)
		return 1;
	if (r == TOK_ERROR) {
		in->error = cause;
		return 1;
	}
	input_elsewhere(in, r, &seen);
	return 0;
}

/* Write the marker of an input this host finished. */
static void
input_mark(struct input *in)
{
	struct worker	*w = &in->w;
	char		*cause = NULL;
	int		 rv = 0;

	if (tok_held(tokens, in->id) == -1)
		return;
	if (w->state == WORKER_DONE || w->state == WORKER_SKIPPED)
		rv = tok_done(tokens, in->id, in->output, w->text, &cause);
	else if (worker_stop && w->transient)
		tok_release(tokens, in->id);	/* interrupted */
	else
		rv = tok_fail(tokens, in->id, w->text, w->transient,
		    retry_delay, &cause);
	if (rv != 0) {
		log_warnx("%stoken directory: %s", in->prefix, cause);
		free(cause);
	}
	if (w->state == WORKER_FAILED && w->transient && !worker_stop) {
		/* Any host may take it again once its retry time comes. */
		log_warnx("%s%s: to be retried", in->prefix, w->text);
		in->started = in->finished = 0;
		in->until = 0;
	}
}

/* A claim found lost while its input was encoded. */
static void
input_lost(void *arg, const char *task, const char *why)
{
	int	n;

	(void)arg;
	for (n = 0; n < ninputs; n++)
		if (strcmp(inputs[n].id, task) == 0 && inputs[n].started &&
		    !inputs[n].finished) {
			log_warnx("%sclaim lost: %s: stopping", inputs[n].prefix,
			    why);
			inputs[n].lost = 1;
			kill(inputs[n].w.pid, SIGTERM);
		}
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
static void
run_all(const struct config *conf, const struct profile *prof, int overwrite)
{
	double	wait;
	int	running = 0, told = 0, n;

	for (;;) {
		if (tokens != NULL)
			tok_renew(tokens, input_lost, NULL);
		while (!worker_stop && running < conf->jobs &&
		    (n = input_next(&wait)) != -1) {
			if (tokens != NULL && !input_claim(&inputs[n]))
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
static int
summary(void)
{
	struct input	*in;
	char		 src[PATH_MAX * 4], out[PATH_MAX * 4];
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
			printf("failed: %s: %s\n", src, out);
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
			printf("failed: %s: %s\n", src, in->w.text);
			failed++;
		}
	}
	fflush(stdout);
	log_info("%d done, %d skipped, %d failed", done, skipped, failed);
	return failed;
}

/* --crop-only: probe and detect each input's crop, print it. */
static int
crop_only(const struct profile *prof)
{
	struct media_info	 mi;
	struct crop		 c;
	char			 why[512], *cause = NULL;
	int			 n, failed = 0;

	media_quiet();
	for (n = 0; n < ninputs; n++) {
		if (media_probe(inputs[n].path, &mi, &cause) != 0 ||
		    media_crop(inputs[n].path, &mi, prof, &c, why, sizeof(why),
		    &cause) != 0) {
			log_warnx("%s: %s", inputs[n].path, cause);
			free(cause);
			cause = NULL;
			failed++;
			continue;
		}
		printf("%s: crop %dx%d+%d+%d (%s)\n", inputs[n].path,
		    mi.width - c.left - c.right, mi.height - c.top - c.bottom,
		    c.left, c.top, why);
	}
	return failed ? 1 : 0;
}

/* Where this host remembers a token directory's marker. */
static char *
tokens_record(const char *dir)
{
	const char	*state = getenv("XDG_STATE_HOME"), *home;
	char		*path;

	if (state != NULL && *state == '/')
		xasprintf(&path, "%s/distenc/token-%016" PRIx64, state,
		    jobid_hash(dir, strlen(dir), 0));
	else if ((home = getenv("HOME")) != NULL && *home == '/')
		xasprintf(&path, "%s/.local/state/distenc/token-%016" PRIx64,
		    home, jobid_hash(dir, strlen(dir), 0));
	else
		path = NULL;
	return path;
}

/* Share the work through the token directory: 0, or -1 (do nothing). */
static int
tokens_open(const struct config *conf)
{
	char	 node[256], *dir, *record, *cause = NULL;
	int	 n;

	if (*conf->node != '\0')
		snprintf(node, sizeof(node), "%s", conf->node);
	else if (gethostname(node, sizeof(node)) == -1)
		snprintf(node, sizeof(node), "localhost");
	if (!tok_node_valid(node)) {
		log_warnx("node name %s (the host name) cannot be used in a "
		    "token directory: give one with --node", node);
		return -1;
	}
	dir = input_abs(conf->token_dir);
	record = tokens_record(dir);
	tokens = tok_open(dir, node, conf->lease, conf->max_attempts, 0,
	    record);
	free(record);
	free(dir);
	if (tok_ready(tokens, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return -1;
	}
	tok_sweep(tokens);
	retry_delay = conf->retry_delay;
	for (n = 0; n < ninputs; n++)
		input_id(&inputs[n]);
	return 0;
}

/* Encode every input; the exit status. */
static int
run(const struct config *conf, const struct profile *prof, int overwrite)
{
	struct sigaction	sa;
	int			failed;

	input_outputs(conf->output_dir);
	if (*conf->token_dir != '\0' && tokens_open(conf) != 0) {
		tok_close(tokens);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	tty = isatty(STDERR_FILENO);
	run_all(conf, prof, overwrite);
	tok_close(tokens);
	tokens = NULL;
	failed = summary();
	return failed || worker_stop ? 1 : 0;
}

/*
 * distencd's worker: run one job, its configuration (the daemon's, with
 * the job's profile as the default) read from stdin, the log and result
 * sent up stderr to the daemon.
 */
static void __attribute__((noreturn))
worker_mode(const char *output, const char *log, const char *prefix)
{
	struct config	*conf;
	struct job	 j;
	char		*cause = NULL, text[1024];

	if (ninputs != 1 || output == NULL)
		usage();
	if ((conf = conf_load("/dev/stdin", &cause)) == NULL) {
		log_escape(cause, text, sizeof(text));
		fprintf(stderr, "%cR failed configuration: %s\n", WORKER_CTL,
		    text);
		exit(1);
	}
	memset(&j, 0, sizeof(j));
	j.source = inputs[0].path;
	j.output = output;
	j.log = log;
	j.conf = conf;
	j.prof = conf_profile(conf, NULL);
	j.overwrite = conf->overwrite;
	if (prefix != NULL)
		xasprintf(&cause, "%s: ", prefix);
	worker_run(&j, prefix != NULL ? cause : "", 0);
}

/* Load the configuration and apply the command line's overrides. */
static struct config *
setup_conf(const char *path, const char *outdir, const char *statsdir,
    int jobs)
{
	struct config	*conf;
	char		*cause = NULL;

	if (path == NULL)
		conf = conf_default();
	else if ((conf = conf_load(path, &cause)) == NULL) {
		log_warnx_lines("", cause);
		free(cause);
		exit(2);
	}
	if (outdir != NULL) {
		free(conf->output_dir);
		conf->output_dir = xstrdup(outdir);
	}
	if (statsdir != NULL) {
		free(conf->stats_dir);
		conf->stats_dir = xstrdup(statsdir);
	}
	if (jobs > 0)
		conf->jobs = jobs;
	return conf;
}

/* The command line's token settings over the configuration's. */
static void
setup_tokens(struct config *conf, const char *dir, const char *node,
    int lease)
{
	if (dir != NULL) {
		free(conf->token_dir);
		conf->token_dir = xstrdup(dir);
	}
	if (node != NULL) {
		free(conf->node);
		conf->node = xstrdup(node);
	}
	if (lease > 0)
		conf->lease = lease;
}

static void
add_input(const char *path)
{
	inputs = xreallocarray(inputs, ninputs + 1, sizeof(*inputs));
	memset(&inputs[ninputs], 0, sizeof(*inputs));
	inputs[ninputs].path = xstrdup(path);
	inputs[ninputs].abs = input_abs(path);
	ninputs++;
}

int
main(int argc, char *argv[])
{
	struct config		*conf;
	const struct profile	*prof;
	const char		*cfile = NULL, *pname = NULL, *outdir = NULL;
	const char		*statsdir = NULL, *tokdir = NULL;
	const char		*nodename = NULL;
	char			*cause = NULL, *end;
	int			 ch, verbose = 0, overwrite = 0, jobs = 0;
	int			 cropflag = 0, dump = 0, rv, worker = 0;
	int			 lease = 0;
	const char		*woutput = NULL, *wlog = NULL, *wprefix = NULL;

	log_init("distenc", 0, LOG_TO_STDERR);
	while ((ch = getopt_long(argc, argv, "c:fhi:j:o:p:s:t:vV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfile = optarg;
			break;
		case 'C':
			cropflag = 1;
			break;
		case 'D':
			dump = 1;
			break;
		case 'W':
			worker = 1;
			break;
		case 'O':
			woutput = optarg;
			break;
		case 'L':
			wlog = optarg;
			break;
		case 'P':
			wprefix = optarg;
			break;
		case 'f':
			overwrite = 1;
			break;
		case 'h':
			usage_text(stdout);
			return 0;
		case 'i':
			add_input(optarg);
			break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end != '\0' || jobs < 1 || jobs > 64) {
				log_warnx("--jobs: %s is not 1..64", optarg);
				return 2;
			}
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'p':
			pname = optarg;
			break;
		case 's':
			statsdir = optarg;
			break;
		case 't':
			tokdir = optarg;
			break;
		case 'N':
			if (!tok_node_valid(optarg)) {
				log_warnx("--node: %s: use 1 to 63 of A-Z a-z "
				    "0-9 . _ -", optarg);
				return 2;
			}
			nodename = optarg;
			break;
		case 'E':
			lease = strtol(optarg, &end, 10);
			if (*end != '\0' || lease < 4 || lease > 86400) {
				log_warnx("--lease: %s is not 4..86400 seconds",
				    optarg);
				return 2;
			}
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("distenc %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	for (; optind < argc; optind++)
		add_input(argv[optind]);
	log_setverbose(verbose);
	if (worker)
		worker_mode(woutput, wlog, wprefix);
	conf = setup_conf(cfile, outdir, statsdir, jobs);
	setup_tokens(conf, tokdir, nodename, lease);
	if (dump) {
		conf_dump(conf, stdout);
		rv = 0;
	} else if ((prof = conf_profile(conf, pname)) == NULL) {
		log_warnx("no profile %s in %s", pname,
		    cfile ? cfile : "the built-in configuration");
		rv = 2;
	} else if (ninputs == 0) {
		usage_text(stderr);
		rv = 2;
	} else if (cropflag)
		rv = crop_only(prof);
	else if (fs_mkdirs(conf->output_dir, &cause) != 0) {
		log_warnx("output directory %s: %s", conf->output_dir, cause);
		free(cause);
		rv = 1;
	} else
		rv = run(conf, prof, overwrite || conf->overwrite);
	conf_free(conf);
	return rv;
}
