/*
 * distenc: the batch command.  Every input goes through the whole
 * pipeline (probe, crop detection, two-pass x265 or, with a chunked
 * profile, scene-based chunks encoded in parallel, loudness-normalised
 * audio, verification, atomic publication), up to --jobs at a time, each
 * in its own worker process.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunkopt.h"
#include "conf.h"
#include "fsutil.h"
#include "job.h"
#include "log.h"
#include "media.h"
#include "worker.h"
#include "xmalloc.h"

struct input {
	char		*path;		/* as given */
	char		*abs;		/* absolute */
	char		*output;
	char		*prefix;	/* for log lines: "name: " */
	struct job	 job;
	struct worker	 w;
	int		 started;
	int		 finished;
	char		*error;		/* failed before starting */
};

static struct input	*inputs;
static int		 ninputs;
static int		 tty;

static const struct option longopts[] = {
	{ "config",	required_argument,	NULL, 'c' },
	{ "crop-only",	no_argument,		NULL, 'C' },
	{ "dump-config", no_argument,		NULL, 'D' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "inputs",	required_argument,	NULL, 'i' },
	{ "jobs",	required_argument,	NULL, 'j' },
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
	CHUNKOPT_LONGOPTS,
	{ NULL,		0,			NULL, 0 }
};

static void
usage_text(FILE *fp)
{
	fprintf(fp,
"usage: distenc [-fhvV] [-c file] [-p profile] [-o dir] [-s dir] [-j n]\n"
"               [--crop-only] [--dump-config] [--scenes-only]\n"
"               [chunk options] -i file [file ...]\n"
"\n"
"Encode each input to HEVC (two-pass x265) or, with a chunked profile such\n"
"as av1, to AV1 (libaom) in chunks cut at scene changes and encoded in\n"
"parallel, in Matroska, with black bars cropped, audio loudness-normalised,\n"
"and every stream, chapter and attachment kept.  Outputs mirror the\n"
"inputs' paths below their common directory, with the extension .mkv.\n"
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
"      --scenes-only       only detect and print each input's scene\n"
"                          changes and chunks\n"
"  -t, --token-dir DIR     share the work with other hosts through a\n"
"                          token directory: not yet available\n"
"  -v, --verbose           more detail (twice: FFmpeg and x265 too)\n"
"  -V, --version           print the version and exit\n"
"  -h, --help              this text\n"
"\n"
"Chunk options (chunked profiles; they override the profile):\n"
"      --preset NAME       aom preset: 1080p (default) or 720p\n"
"      --q N               constant quality, cq-level 0..63 (default 14)\n"
"      --min-chunk-length N  merge scenes to at least N frames (64)\n"
"      --max-chunk-length N  split chunks longer than N frames (0: never)\n"
"      --max-parallel-encodes N  chunk encoders at once (default: --jobs)\n"
"      --threads N         threads per encoder (any profile)\n"
"      --noiselevel N      film grain synthesis strength, 0 off\n"
"      --graintable FILE   film grain table (the noise level is not used)\n"
"      --scd MODE          scene changes: qpfile, source or script\n"
"      --ffmpeg-scd 0|1|2  the same as qpfile, source, script\n"
"      --scdthresh X       scene detection threshold (default 0.3)\n"
"      --downscale-scd     detect scenes on frames halved in size\n"
"      --chunk-step STEP   one unit of the work: plan, chunk:K (the plan\n"
"                          and chunk K) or join (all chunks there)\n"
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
		rel = xstrdup(inputs[n].abs + common + 1);
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

/* Wait for output from the running workers and collect finished ones. */
static int
run_poll(int running)
{
	struct pollfd	 pfd[256];
	int		 map[256], n, k = 0, status;

	for (n = 0; n < ninputs && k < 256; n++)
		if (inputs[n].started && !inputs[n].finished) {
			pfd[k].fd = inputs[n].w.fd;
			pfd[k].events = POLLIN;
			map[k++] = n;
		}
	if (poll(pfd, k, 500) == -1 && errno != EINTR)
		fatal("poll");
	for (n = 0; n < k; n++) {
		if (pfd[n].revents == 0 ||
		    worker_read(&inputs[map[n]].w, status_print) != 0)
			continue;
		while (waitpid(inputs[map[n]].w.pid, &status, 0) == -1)
			if (errno != EINTR)
				fatal("waitpid");
		worker_reap(&inputs[map[n]].w, status);
		inputs[map[n]].finished = 1;
		running--;
	}
	status_draw();
	return running;
}

/* Run every input, up to jobs at a time, until all end or a signal. */
static void
run_all(const struct config *conf, const struct profile *prof, int overwrite)
{
	int	next = 0, running = 0, told = 0, n;

	while (next < ninputs || running > 0) {
		while (!worker_stop && running < conf->jobs && next < ninputs) {
			run_start(&inputs[next], conf, prof, overwrite);
			if (!inputs[next++].finished)
				running++;
		}
		if (running == 0)
			break;
		if (worker_stop && told < worker_stop) {
			for (n = 0; n < ninputs; n++)
				if (inputs[n].started && !inputs[n].finished)
					kill(inputs[n].w.pid, SIGTERM);
			told = worker_stop;
		}
		running = run_poll(running);
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
		if (!in->started) {
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

/* Encode every input; the exit status. */
static int
run(const struct config *conf, const struct profile *prof, int overwrite)
{
	struct sigaction	sa;
	int			failed;

	input_outputs(conf->output_dir);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	tty = isatty(STDERR_FILENO);
	run_all(conf, prof, overwrite);
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

/* The inputs' paths as an array. */
static char **
input_paths(void)
{
	char	**paths;
	int	  n;

	paths = xcalloc(ninputs + 1, sizeof(*paths));
	for (n = 0; n < ninputs; n++)
		paths[n] = inputs[n].path;
	return paths;
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
	const char		*statsdir = NULL;
	char			*cause = NULL, *end;
	int			 ch, verbose = 0, overwrite = 0, jobs = 0;
	int			 cropflag = 0, dump = 0, rv, worker = 0;
	int			 scenes = 0;
	struct profile		*cprof;
	char			**paths;
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
			log_warnx("--token-dir: sharing work between hosts is "
			    "not yet available in this version");
			return 2;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("distenc %s\n", PACKAGE_VERSION);
			return 0;
		case CHUNKOPT_SCENES_ONLY:
			scenes = 1;
			break;
		default:
			if (ch < CHUNKOPT_FIRST)
				usage();
			if (chunkopt_parse(ch, optarg) != 0)
				return 2;
		}
	}
	for (; optind < argc; optind++)
		add_input(argv[optind]);
	log_setverbose(verbose);
	if (worker)
		worker_mode(woutput, wlog, wprefix);
	conf = setup_conf(cfile, outdir, statsdir, jobs);
	if (dump) {
		conf_dump(conf, stdout);
		rv = 0;
	} else if ((prof = cprof = conf_profile(conf, pname)) == NULL) {
		log_warnx("no profile %s in %s", pname,
		    cfile ? cfile : "the built-in configuration");
		rv = 2;
	} else if (ninputs == 0) {
		usage_text(stderr);
		rv = 2;
	} else if (chunkopt_apply(cprof, (paths = input_paths()), ninputs) != 0) {
		free(paths);
		rv = 2;
	} else if (free(paths), cropflag)
		rv = crop_only(prof);
	else if (scenes) {
		paths = input_paths();
		rv = chunkopt_scenes_only(prof, paths, ninputs);
		free(paths);
	}
	else if (fs_mkdirs(conf->output_dir, &cause) != 0) {
		log_warnx("output directory %s: %s", conf->output_dir, cause);
		free(cause);
		rv = 1;
	} else
		rv = run(conf, prof, overwrite || conf->overwrite);
	conf_free(conf);
	return rv;
}
