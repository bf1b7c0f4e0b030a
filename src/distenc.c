/*
 * distenc: the batch command.  Every input goes through the whole
 * pipeline (probe, crop detection, two-pass x265 or, with a chunked
 * profile, scene-based chunks encoded in parallel, loudness-normalised
 * audio, verification, atomic publication), up to --jobs at a time, each
 * in its own worker process.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs.h"
#include "batch.h"
#include "chunkopt.h"
#include "conf.h"
#include "fsutil.h"
#include "log.h"
#include "media.h"
#include "slurm.h"
#include "xmalloc.h"

/* The worker options without a letter of their own. */
enum {
	OPT_WORKER_ID = 2001,
	OPT_WORKER_TOKENS,
	OPT_WORKER_NODE,
	OPT_WORKER_HELP,
	OPT_WORKER_SHARING,
	OPT_SLURM,
	OPT_SLURM_OPT,
	OPT_SLURM_JOB,
	OPT_EXPLAIN
};

static const struct option longopts[] = {
	{ "config",	required_argument,	NULL, 'c' },
	{ "crop-only",	no_argument,		NULL, 'C' },
	{ "dump-config", no_argument,		NULL, 'D' },
	{ "explain",	no_argument,		NULL, OPT_EXPLAIN },
	{ "check-config", no_argument,		NULL, 'n' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "inputs",	required_argument,	NULL, 'i' },
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "lease",	required_argument,	NULL, 'E' },
	{ "node",	required_argument,	NULL, 'N' },
	{ "output-dir",	required_argument,	NULL, 'o' },
	{ "overwrite",	no_argument,		NULL, 'f' },
	{ "profile",	required_argument,	NULL, 'p' },
	{ "slurm",	no_argument,		NULL, OPT_SLURM },
	{ "slurm-opt",	required_argument,	NULL, OPT_SLURM_OPT },
	/* In a job that --slurm submitted: see slurm_job(). */
	{ "slurm-job",	required_argument,	NULL, OPT_SLURM_JOB },
	{ "stats-dir",	required_argument,	NULL, 's' },
	{ "token-dir",	required_argument,	NULL, 't' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	/* distencd's workers: "distenc --worker", see worker_mode(). */
	{ WORKER_OPT,	no_argument,		NULL, 'W' },
	{ WORKER_OPT_OUTPUT, required_argument,	NULL, 'O' },
	{ WORKER_OPT_LOG, required_argument,	NULL, 'L' },
	{ WORKER_OPT_PREFIX, required_argument,	NULL, 'P' },
	{ WORKER_OPT_ID, required_argument,	NULL, OPT_WORKER_ID },
	{ WORKER_OPT_TOKENS, required_argument,	NULL, OPT_WORKER_TOKENS },
	{ WORKER_OPT_NODE, required_argument,	NULL, OPT_WORKER_NODE },
	{ WORKER_OPT_HELP, no_argument,		NULL, OPT_WORKER_HELP },
	{ WORKER_OPT_SHARING, required_argument, NULL, OPT_WORKER_SHARING },
	CHUNKOPT_LONGOPTS,
	{ NULL,		0,			NULL, 0 }
};

static void
usage_text(FILE *fp)
{
	fprintf(fp,
"usage: distenc [-fhnvV] [-c file] [-p profile] [-o dir] [-s dir] [-j n]\n"
"               [-t dir [--node name] [--lease seconds]]\n"
"               [--slurm [--slurm-opt options]]\n"
"               [--crop-only] [--dump-config] [--scenes-only] [--explain]\n"
"               [chunk options] -i file|dir [file|dir ...]\n"
"\n"
"Encode each input to HEVC (two-pass x265) or AV1 (SVT-AV1) or, with a\n"
"chunked profile such as av1 or av1-svt, to AV1 (libaom or SVT-AV1) in\n"
"chunks cut at scene changes and encoded in parallel, in Matroska, with\n"
"black bars cropped, audio loudness-normalised, and every stream, chapter\n"
"and attachment kept.  Outputs mirror the inputs' paths below their\n"
"common directory, with the extension .mkv.\n"
"\n"
"  -i, --inputs FILE...    files to encode (also taken as plain arguments);\n"
"                          a directory stands for the files below it that\n"
"                          the include and exclude patterns make jobs\n"
"  -o, --output-dir DIR    where finished files go (made if missing)\n"
"  -s, --stats-dir DIR     x265 two-pass stats; a RAM drive such as\n"
"                          /dev/shm is best (removed after each encode)\n"
"  -j, --jobs N            parallel jobs on this host (default: one per\n"
"                          processor, at most one per 2 GB of memory)\n"
"  -c, --config FILE       libconfig file (default: built-in settings)\n"
"  -p, --profile NAME      encoding profile from the configuration\n"
"  -f, --overwrite         replace existing outputs (default: skip them)\n"
"      --crop-only         only detect and print each input's crop\n"
"      --dump-config       print the effective configuration and exit\n"
"  -n, --check-config      only check the configuration (-c) and exit\n"
"      --explain           print, for each input, what probing found, the\n"
"                          rule that decides and what would be done\n"
"                          (profile, crop, interlacing, bitrate, each\n"
"                          stream kept or dropped); no encode\n"
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
"      --max-parallel-encodes N  chunk encoders at once (default: --jobs\n"
"                          if given, else the job's share of the processors)\n"
"      --threads N         threads per encoder (any profile; default: the\n"
"                          job's share of the processors)\n"
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
crop_only(const struct batch *b, const struct profile *prof)
{
	struct media_info	 mi;
	struct crop		 c;
	char			 why[512], *cause = NULL;
	int			 n, failed = 0;

	media_quiet();
	for (n = 0; n < b->ninputs; n++) {
		if (media_probe(b->inputs[n].path, &mi, &cause) != 0 ||
		    media_crop(b->inputs[n].path, &mi, prof, &c, why,
		    sizeof(why), &cause) != 0) {
			log_warnx("%s: %s", b->inputs[n].path, cause);
			free(cause);
			cause = NULL;
			failed++;
			continue;
		}
		printf("%s: crop %dx%d+%d+%d (%s)\n", b->inputs[n].path,
		    mi.width - c.left - c.right, mi.height - c.top - c.bottom,
		    c.left, c.top, why);
	}
	return failed ? 1 : 0;
}

/* --explain: what each input's job would do, without encoding. */
static int
explain(const struct batch *b, const struct config *conf,
    const struct profile *prof)
{
	struct job	 j;
	int		 n, failed = 0;

	media_quiet();
	for (n = 0; n < b->ninputs; n++) {
		memset(&j, 0, sizeof(j));
		j.source = b->inputs[n].path;
		j.conf = conf;
		j.prof = prof;
		if (job_explain(&j, stdout) != 0)
			failed++;
		free(j.error);
	}
	return failed ? 1 : 0;
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
	int		 sharing;	/* jobs at once on the host */
};

/* What a script in the daemon's spool may reach. */
static void
worker_limit(const struct config *conf)
{
	const char	**roots, *dir;
	char		 *off = NULL;
	size_t		  i;

	roots = xcalloc(conf->nscript_paths + 1, sizeof(*roots));
	roots[0] = conf->spool_dir;
	for (i = 0; i < conf->nscript_paths; i++)
		roots[i + 1] = conf->script_paths[i];
	if (!conf->avisynth_plus)
		off = xstrdup("avisynth_plus is off");
	else if ((dir = conf_plus_exec_dir(conf)) != NULL)
		xasprintf(&off, "%s is not mounted noexec (avisynth_plus)",
		    dir);
	avs_access_limit(roots, conf->nscript_paths + 1, off);
	free(off);
	free(roots);
}

/*
 * distencd's worker: run one job, its configuration (the daemon's, with
 * the job's profile as the default) read from stdin, the log and result
 * sent up stderr to the daemon.
 */
static void __attribute__((noreturn))
worker_mode(const struct batch *b, const struct worker_args *wa)
{
	struct config	*conf;
	struct job	 j;
	char		*cause = NULL, text[1024];

	if (b->ninputs != 1 || wa->output == NULL ||
	    (wa->tokens != NULL && (wa->id == NULL || wa->node == NULL)))
		usage();
	if ((conf = conf_load("/dev/stdin", &cause)) == NULL) {
		log_escape(cause, text, sizeof(text));
		fprintf(stderr, "%cR failed configuration: %s\n", WORKER_CTL,
		    text);
		exit(1);
	}
	worker_limit(conf);
	memset(&j, 0, sizeof(j));
	j.source = b->inputs[0].path;
	j.output = wa->output;
	j.log = wa->log;
	j.id = wa->id;
	j.tokens = wa->tokens;
	j.node = wa->node;
	j.step = wa->help ? JOB_STEP_HELP : JOB_STEP_ALL;
	j.conf = conf;
	j.prof = conf_profile(conf, NULL);
	j.sharing = wa->sharing;
	j.overwrite = conf->overwrite;
	if (wa->prefix != NULL)
		xasprintf(&cause, "%s: ", wa->prefix);
	worker_run(&j, wa->prefix != NULL ? cause : "");
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
input_paths(const struct batch *b)
{
	char	**paths;
	int	  n;

	paths = xcalloc(b->ninputs + 1, sizeof(*paths));
	for (n = 0; n < b->ninputs; n++)
		paths[n] = b->inputs[n].path;
	return paths;
}

/* The command line. */
struct opts {
	const char		*cfile;
	const char		*pname;
	const char		*outdir;
	const char		*statsdir;
	const char		*tokdir;
	const char		*nodename;
	int			 verbose;
	int			 overwrite;
	int			 jobs;
	int			 lease;
	int			 crop;
	int			 dump;
	int			 scenes;
	int			 explain;
	int			 check;
	int			 worker;
	int			 slurm;
	char			*slurmopt;	/* --slurm-opt, joined */
	const char		*slurmjob;
	struct worker_args	 wa;
};

/* A number option's value in min..max, or -1 (said). */
static int
opt_number(const char *name, const char *arg, int min, int max,
    const char *unit)
{
	char	*end;
	long	 v;

	v = strtol(arg, &end, 10);
	if (*end != '\0' || v < min || v > max) {
		log_warnx("--%s: %s is not %d..%d%s", name, arg, min, max,
		    unit);
		return -1;
	}
	return v;
}

/* A worker option (distencd's): 0, or -1 when ch is none. */
static int
opt_worker(int ch, struct worker_args *wa)
{
	switch (ch) {
	case 'O':
		wa->output = optarg;
		break;
	case 'L':
		wa->log = optarg;
		break;
	case 'P':
		wa->prefix = optarg;
		break;
	case OPT_WORKER_ID:
		wa->id = optarg;
		break;
	case OPT_WORKER_TOKENS:
		wa->tokens = optarg;
		break;
	case OPT_WORKER_NODE:
		wa->node = optarg;
		break;
	case OPT_WORKER_HELP:
		wa->help = 1;
		break;
	case OPT_WORKER_SHARING:
		if ((wa->sharing = opt_number(WORKER_OPT_SHARING, optarg, 1, 64,
		    "")) == -1)
			usage();
		break;
	default:
		return -1;
	}
	return 0;
}

/* A token option: 0, 2 when bad, -1 when ch is none. */
static int
opt_tokens(int ch, struct opts *o)
{
	switch (ch) {
	case 't':
		o->tokdir = optarg;
		break;
	case 'N':
		if (!node_valid(optarg)) {
			log_warnx("--node: %s: use 1 to 63 of A-Z a-z 0-9 . _ "
			    "-", optarg);
			return 2;
		}
		o->nodename = optarg;
		break;
	case 'E':
		if ((o->lease = opt_number("lease", optarg, 4, 86400,
		    " seconds")) == -1)
			return 2;
		break;
	default:
		return -1;
	}
	return 0;
}

/* Add a --slurm-opt's words to those given before. */
static void
opt_append(char **all, const char *more)
{
	char	*joined;

	xasprintf(&joined, "%s %s", *all != NULL ? *all : "", more);
	free(*all);
	*all = joined;
}

/* --slurm: hand the inputs to the cluster; the exit status. */
static int
run_slurm(const struct opts *o, struct batch *b, struct config *conf)
{
	struct slurm_input	*in;
	int			 n, rv;

	batch_outputs(b, conf->output_dir);
	in = xcalloc(b->ninputs, sizeof(*in));
	for (n = 0; n < b->ninputs; n++) {
		in[n].path = b->inputs[n].abs;
		in[n].output = b->inputs[n].output;
	}
	rv = slurm_submit(conf, o->pname, o->slurmopt, in, b->ninputs,
	    o->overwrite || conf->overwrite);
	free(in);
	return rv;
}

/* One option: -1 to go on, or the exit status. */
static int
opt_parse(int ch, struct opts *o, struct batch *b)
{
	int	rv;

	if ((rv = opt_tokens(ch, o)) != -1)
		return rv == 0 ? -1 : rv;
	if (opt_worker(ch, &o->wa) == 0)
		return -1;
	switch (ch) {
	case 'c':
		o->cfile = optarg;
		break;
	case 'C':
		o->crop = 1;
		break;
	case 'D':
		o->dump = 1;
		break;
	case 'W':
		o->worker = 1;
		break;
	case 'f':
		o->overwrite = 1;
		break;
	case 'n':
		o->check = 1;
		break;
	case OPT_EXPLAIN:
		o->explain = 1;
		break;
	case 'h':
		usage_text(stdout);
		return 0;
	case 'i':
		batch_add(b, optarg);
		break;
	case 'j':
		if ((o->jobs = opt_number("jobs", optarg, 1, 64, "")) == -1)
			return 2;
		break;
	case 'o':
		o->outdir = optarg;
		break;
	case 'p':
		o->pname = optarg;
		break;
	case 's':
		o->statsdir = optarg;
		break;
	case 'v':
		o->verbose++;
		break;
	case 'V':
		printf("distenc %s\n", PACKAGE_VERSION);
		return 0;
	case CHUNKOPT_SCENES_ONLY:
		o->scenes = 1;
		break;
	case OPT_SLURM:
		o->slurm = 1;
		break;
	case OPT_SLURM_OPT:
		opt_append(&o->slurmopt, optarg);
		break;
	case OPT_SLURM_JOB:
		o->slurmjob = optarg;
		break;
	default:
		if (ch < CHUNKOPT_FIRST)
			usage();
		if (chunkopt_parse(ch, optarg) != 0)
			return 2;
	}
	return -1;
}

/* Do what the command line asks with the configuration: exit status. */
static int
run_mode(const struct opts *o, struct batch *b, struct config *conf)
{
	struct profile	*prof;
	char		**paths, *cause = NULL;
	int		  rv;

	if (o->dump) {
		conf_dump(conf, stdout);
		return 0;
	}
	if (o->check) {
		printf("%s: configuration OK\n", o->cfile != NULL ? o->cfile :
		    "built-in");
		return 0;
	}
	if ((prof = conf_profile(conf, o->pname)) == NULL) {
		log_warnx("no profile %s in %s", o->pname,
		    o->cfile ? o->cfile : "the built-in configuration");
		return 2;
	}
	if (b->ninputs == 0) {
		usage_text(stderr);
		return 2;
	}
	batch_walk(b, conf);
	if (b->ninputs == 0) {
		log_warnx("no file below the directories given is a job (see "
		    "include and exclude in distenc.conf(5))");
		return 0;
	}
	if (chunkopt_apply(prof) != 0)
		return 2;
	if (o->crop || o->explain || o->scenes)
		conf_share(prof, conf, 1);	/* an input at a time, alone */
	if (o->crop)
		return crop_only(b, prof);
	if (o->explain)
		return explain(b, conf, prof);
	if (o->scenes) {
		paths = input_paths(b);
		rv = chunkopt_scenes_only(prof, paths, b->ninputs);
		free(paths);
		return rv;
	}
	if (o->slurm)
		return run_slurm(o, b, conf);
	if (fs_mkdirs(conf->output_dir, &cause) != 0) {
		log_warnx("output directory %s: %s", conf->output_dir, cause);
		free(cause);
		return 1;
	}
	return batch_run(b, conf, prof, o->overwrite || conf->overwrite);
}

int
main(int argc, char *argv[])
{
	struct config	*conf;
	struct opts	 o;
	struct batch	 batch, *b = &batch;
	int		 ch, rv;

	log_init("distenc", 0, LOG_TO_STDERR);
	memset(&o, 0, sizeof(o));
	memset(b, 0, sizeof(*b));
	rv = -1;
	while (rv == -1 && (ch = getopt_long(argc, argv,
	    "c:fhi:j:no:p:s:t:vV", longopts, NULL)) != -1)
		rv = opt_parse(ch, &o, b);
	if (rv == -1) {
		for (; optind < argc; optind++)
			batch_add(b, argv[optind]);
		log_setverbose(o.verbose);
		if (o.worker)
			worker_mode(b, &o.wa);
		if (o.slurmjob != NULL && b->ninputs != 1)
			usage();
		if (o.slurmjob != NULL)
			rv = slurm_job(o.slurmjob, b->inputs[0].path);
		else {
			conf = setup_conf(o.cfile, o.outdir, o.statsdir,
			    o.jobs);
			setup_tokens(conf, o.tokdir, o.nodename, o.lease);
			rv = run_mode(&o, b, conf);
			conf_free(conf);
		}
	}
	batch_free(b);
	free(o.slurmopt);
	return rv;
}
