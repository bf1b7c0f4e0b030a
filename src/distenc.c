/*
 * distenc: the batch command.  Every input goes through the whole
 * pipeline (probe, crop detection, two-pass x265 or, with a chunked
 * profile, scene-based chunks encoded in parallel, loudness-normalised
 * audio, verification, atomic publication), up to --jobs at a time, each
 * in its own worker process.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "chunkopt.h"
#include "conf.h"
#include "fsutil.h"
#include "log.h"
#include "media.h"
#include "slurm.h"
#include "xmalloc.h"

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
	{ "slurm",	no_argument,		NULL, 2005 },
	{ "slurm-opt",	required_argument,	NULL, 2006 },
	/* In a job that --slurm submitted: see slurm_job(). */
	{ "slurm-job",	required_argument,	NULL, 2007 },
	{ "stats-dir",	required_argument,	NULL, 's' },
	{ "token-dir",	required_argument,	NULL, 't' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	/* distencd's workers: "distenc --worker", see worker_mode(). */
	{ "worker",	no_argument,		NULL, 'W' },
	{ "worker-output", required_argument,	NULL, 'O' },
	{ "worker-log",	required_argument,	NULL, 'L' },
	{ "worker-prefix", required_argument,	NULL, 'P' },
	{ "worker-id",	required_argument,	NULL, 2001 },
	{ "worker-tokens", required_argument,	NULL, 2002 },
	{ "worker-node", required_argument,	NULL, 2003 },
	{ "worker-help", no_argument,		NULL, 2004 },
	CHUNKOPT_LONGOPTS,
	{ NULL,		0,			NULL, 0 }
};

static void
usage_text(FILE *fp)
{
	fprintf(fp,
"usage: distenc [-fhvV] [-c file] [-p profile] [-o dir] [-s dir] [-j n]\n"
"               [-t dir [--node name] [--lease seconds]]\n"
"               [--slurm [--slurm-opt options]]\n"
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
"  -t, --token-dir DIR     share the work with the other hosts that run\n"
"                          this command with the same inputs and DIR (on\n"
"                          NFS, SMB, sshfs): each input is encoded once\n"
"      --node NAME         this host's name there (default: host name)\n"
"      --lease SECONDS     how long a claim of a host that stopped\n"
"                          renewing it holds (default 300)\n"
"      --slurm             submit each input to a Slurm cluster as jobs\n"
"                          (work_dir must be shared by its nodes)\n"
"      --slurm-opt OPTIONS more sbatch options, split at spaces\n"
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

/* What distencd tells its worker on the command line. */
struct worker_args {
	const char	*output;
	const char	*log;
	const char	*prefix;	/* of log lines */
	const char	*id;		/* the job's id */
	const char	*tokens;	/* token directory: chunks are shared */
	const char	*node;
	int		 help;		/* another host's job: its chunks */
};

/*
 * distencd's worker: run one job, its configuration (the daemon's, with
 * the job's profile as the default) read from stdin, the log and result
 * sent up stderr to the daemon.
 */
static void __attribute__((noreturn))
worker_mode(const struct worker_args *wa)
{
	struct config	*conf;
	struct job	 j;
	char		*cause = NULL, text[1024];

	if (ninputs != 1 || wa->output == NULL ||
	    (wa->tokens != NULL && (wa->id == NULL || wa->node == NULL)))
		usage();
	if ((conf = conf_load("/dev/stdin", &cause)) == NULL) {
		log_escape(cause, text, sizeof(text));
		fprintf(stderr, "%cR failed configuration: %s\n", WORKER_CTL,
		    text);
		exit(1);
	}
	memset(&j, 0, sizeof(j));
	j.source = inputs[0].path;
	j.output = wa->output;
	j.log = wa->log;
	j.id = wa->id;
	j.tokens = wa->tokens;
	j.node = wa->node;
	j.step = wa->help ? JOB_STEP_HELP : JOB_STEP_ALL;
	j.conf = conf;
	j.prof = conf_profile(conf, NULL);
	j.overwrite = conf->overwrite;
	if (wa->prefix != NULL)
		xasprintf(&cause, "%s: ", wa->prefix);
	worker_run(&j, wa->prefix != NULL ? cause : "", 0);
}

/* --slurm: hand the inputs to the cluster; the exit status. */
static int
run_slurm(struct config *conf, const char *pname, const char *opts,
    int overwrite)
{
	struct slurm_input	*in;
	int			 n, rv;

	input_outputs(conf->output_dir);
	in = xcalloc(ninputs, sizeof(*in));
	for (n = 0; n < ninputs; n++) {
		in[n].path = inputs[n].abs;
		in[n].output = inputs[n].output;
	}
	rv = slurm_submit(conf, pname, opts, in, ninputs, overwrite);
	free(in);
	return rv;
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
	const char		*statsdir = NULL, *tokdir = NULL;
	const char		*nodename = NULL;
	char			*cause = NULL, *end;
	int			 ch, verbose = 0, overwrite = 0, jobs = 0;
	int			 cropflag = 0, dump = 0, rv, worker = 0;
	int			 lease = 0;
	int			 scenes = 0, slurm = 0;
	char			*slurmopt = NULL, *opt;
	const char		*slurmjob = NULL;
	struct profile		*cprof;
	char			**paths;
	struct worker_args	 wa;

	log_init("distenc", 0, LOG_TO_STDERR);
	memset(&wa, 0, sizeof(wa));
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
			wa.output = optarg;
			break;
		case 'L':
			wa.log = optarg;
			break;
		case 'P':
			wa.prefix = optarg;
			break;
		case 2001:
			wa.id = optarg;
			break;
		case 2002:
			wa.tokens = optarg;
			break;
		case 2003:
			wa.node = optarg;
			break;
		case 2004:
			wa.help = 1;
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
		case 2005:
			slurm = 1;
			break;
		case 2006:
			xasprintf(&opt, "%s %s", slurmopt ? slurmopt : "",
			    optarg);
			free(slurmopt);
			slurmopt = opt;
			break;
		case 2007:
			slurmjob = optarg;
			break;
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
		worker_mode(&wa);
	if (slurmjob != NULL && ninputs != 1)
		usage();
	if (slurmjob != NULL)
		return slurm_job(slurmjob, inputs[0].path);
	conf = setup_conf(cfile, outdir, statsdir, jobs);
	setup_tokens(conf, tokdir, nodename, lease);
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
	} else if (chunkopt_apply(cprof) != 0)
		rv = 2;
	else if (cropflag)
		rv = crop_only(prof);
	else if (scenes) {
		paths = input_paths();
		rv = chunkopt_scenes_only(prof, paths, ninputs);
		free(paths);
	}
	else if (slurm)
		rv = run_slurm(conf, pname, slurmopt, overwrite ||
		    conf->overwrite);
	else if (fs_mkdirs(conf->output_dir, &cause) != 0) {
		log_warnx("output directory %s: %s", conf->output_dir, cause);
		free(cause);
		rv = 1;
	} else
		rv = run(conf, prof, overwrite || conf->overwrite);
	conf_free(conf);
	free(slurmopt);
	return rv;
}
