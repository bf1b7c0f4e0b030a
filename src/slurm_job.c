/*
 * Inside a Slurm job: "distenc --slurm-job STEP DIR" runs the input's
 * distenc command (DIR/argv) for one step and records how it went in
 * DIR/STEP.state.  The steps:
 *	encode	a two-pass profile: the whole job
 *	plan	--chunk-step plan; then, knowing the number of chunks N, the
 *		array of chunk jobs (0..N-1, %parallel_encodes when set,
 *		after this job succeeds) and the join job after the array
 *	chunk	--chunk-step chunk:K, K the array task's index; a chunk there
 *		already is not encoded again, so a task run twice exits 0;
 *		a failed chunk is requeued, slurm.chunk_retries times at most
 *	join	--chunk-step join: join, verify, publish
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "slurm.h"
#include "slurm_local.h"
#include "xmalloc.h"

#define ARGV_MAX_BYTES	(64 * 1024)

/*
 * The step's distenc command from DIR/argv, NUL-separated; the program is
 * always this one, whatever the file names.
 */
static int
job_command(const char *dir, struct slurm_argv *a, char **cause)
{
	char	*path, *text, *p;
	size_t	 len;

	xasprintf(&path, "%s/argv", dir);
	text = fs_read_small(path, ARGV_MAX_BYTES, &len, cause);
	free(path);
	if (text == NULL)
		return -1;
	path = slurm_self();
	slurm_arg(a, "%s", path);
	free(path);
	for (p = text + strlen(text) + 1; p < text + len; p += strlen(p) + 1)
		slurm_arg(a, "%s", p);
	free(text);
	if (a->n < 2) {
		xasprintf(cause, "%s/argv: no command", dir);
		return -1;
	}
	return 0;
}

/* The text after the last line of out that starts with word, or NULL. */
static char *
job_line(const char *out, const char *word)
{
	const char	*line, *last = NULL;
	char		*text, escaped[1024];
	size_t		 n = strlen(word);

	for (line = out; *line != '\0'; line += strcspn(line, "\n")) {
		if (*line == '\n')
			line++;
		if (strncmp(line, word, n) == 0)
			last = line + n;
	}
	if (last == NULL)
		return NULL;
	xasprintf(&text, "%.*s", (int)strcspn(last, "\n"), last);
	log_escape(text, escaped, sizeof(escaped));
	free(text);
	return xstrdup(escaped);
}

/*
 * How a distenc run went: "done", "skipped: " and why (a rule, or the
 * size guard, declined the input: a success all the same), or "failed: "
 * and why.
 */
static char *
job_outcome(const char *out, int status)
{
	char	*text, *reason;

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if ((reason = job_line(out, "skipped: ")) == NULL)
			return xstrdup("done");
		xasprintf(&text, "skipped: %s", reason);
		free(reason);
		return text;
	}
	if ((reason = job_line(out, "failed: ")) != NULL) {
		xasprintf(&text, "failed: %s", reason);
		free(reason);
	} else if (WIFSIGNALED(status))
		xasprintf(&text, "failed: killed by signal %d",
		    WTERMSIG(status));
	else
		xasprintf(&text, "failed: exit status %d",
		    WEXITSTATUS(status));
	return text;
}

/*
 * Run the step's distenc with an option and its value (NULL: none), its
 * output copied to ours; how it went in *outcome (to free).  0 when it
 * succeeded.
 */
static int
job_distenc(const char *dir, const char *opt, const char *arg,
    char **outcome)
{
	struct slurm_argv	 a = { { NULL }, 0 };
	char			*out, *cause = NULL;
	int			 st;

	if (job_command(dir, &a, &cause) != 0) {
		xasprintf(outcome, "failed: %s", cause);
		free(cause);
		slurm_argv_free(&a);
		return -1;
	}
	if (opt != NULL) {
		slurm_arg(&a, "%s", opt);
		slurm_arg(&a, "%s", arg);
	}
	if ((st = slurm_spawn(a.v, 1, &out, &cause)) == -1) {
		xasprintf(outcome, "failed: %s", cause);
		free(cause);
	} else
		*outcome = job_outcome(out, st);
	free(out);
	slurm_argv_free(&a);
	return strcmp(*outcome, "done") == 0 ? 0 : -1;
}

/* Record a step's outcome; 0 when it succeeded. */
static int
job_state(const char *dir, const char *step, const char *outcome)
{
	char	*name, *text, *cause = NULL;

	xasprintf(&name, "%s.state", step);
	xasprintf(&text, "%s\n", outcome);
	if (slurm_record(dir, name, text, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
	}
	log_info("%s: %s", step, outcome);
	free(text);
	free(name);
	return strncmp(outcome, "done", 4) == 0 ||
	    strncmp(outcome, "skipped: ", 9) == 0 ? 0 : 1;
}

/* The step's configuration, as submitted. */
static struct config *
job_conf(const char *dir, char **cause)
{
	struct config	*conf;
	char		*path;

	xasprintf(&path, "%s/distenc.conf", dir);
	conf = conf_load(path, cause);
	free(path);
	return conf;
}

/* The number of chunks in the plan of the input's work directory. */
static int
job_nchunks(const struct config *conf, const char *dir, char **cause)
{
	const char	*id = strrchr(dir, '/') != NULL ?
			    strrchr(dir, '/') + 1 : dir;
	char		*path, *text, *line;
	size_t		 len;
	int		 n = 0;

	xasprintf(&path, "%s/%s/plan", conf->work_dir, id);
	text = fs_read_small(path, 64 << 20, &len, cause);
	free(path);
	if (text == NULL)
		return -1;
	for (line = text; *line != '\0'; line += strcspn(line, "\n")) {
		if (*line == '\n')
			line++;
		if (strncmp(line, "chunk ", 6) == 0)
			n++;
	}
	free(text);
	if (n == 0)
		xasprintf(cause, "the plan has no chunk");
	return n > 0 ? n : -1;
}

/*
 * Submit the chunk array (after this plan job succeeds) and the join job
 * (after every chunk succeeds).  0, or -1 with *cause.
 */
static int
job_submit_rest(struct config *conf, const char *dir, int n, char **ids,
    char **cause)
{
	const struct profile	*prof = conf_profile(conf, NULL);
	struct slurm_argv	 a = { { NULL }, 0 };
	const char		*self = getenv("SLURM_JOB_ID");
	char			*array = NULL, *join = NULL;
	int			 rv;

	slurm_sbatch_args(&a, conf, dir, "chunk", prof != NULL ?
	    prof->threads : 0);
	if (prof != NULL && prof->parallel_encodes > 0)
		slurm_arg(&a, "--array=0-%d%%%d", n - 1,
		    prof->parallel_encodes);
	else
		slurm_arg(&a, "--array=0-%d", n - 1);
	slurm_arg(&a, "--requeue");
	if (self != NULL)
		slurm_arg(&a, "--dependency=afterok:%s", self);
	slurm_arg(&a, "--kill-on-invalid-dep=yes");
	rv = slurm_sbatch(&a, dir, "chunk", &array, cause);
	slurm_argv_free(&a);
	if (rv == 0) {
		slurm_sbatch_args(&a, conf, dir, "join", 0);
		slurm_arg(&a, "--dependency=afterok:%s", array);
		slurm_arg(&a, "--kill-on-invalid-dep=yes");
		rv = slurm_sbatch(&a, dir, "join", &join, cause);
		slurm_argv_free(&a);
	}
	if (rv == 0)
		xasprintf(ids, "chunk array %s, join %s", array, join);
	free(array);
	free(join);
	return rv;
}

/* The plan job: plan, then submit the chunks and their joining. */
static int
job_plan(const char *dir)
{
	struct config	*conf = NULL;
	char		*outcome, *cause = NULL, *ids = NULL;
	int		 n;

	if (job_distenc(dir, "--chunk-step", "plan", &outcome) == 0) {
		free(outcome);
		outcome = NULL;
		if ((conf = job_conf(dir, &cause)) == NULL ||
		    (n = job_nchunks(conf, dir, &cause)) < 0 ||
		    job_submit_rest(conf, dir, n, &ids, &cause) != 0)
			xasprintf(&outcome, "failed: %s", cause);
		else
			xasprintf(&outcome, "done: %d chunks; jobs %s", n,
			    ids);
	}
	conf_free(conf);
	n = job_state(dir, "plan", outcome);
	free(outcome);
	free(cause);
	free(ids);
	return n;
}

/*
 * A failed chunk: requeue this array task, as long as it has been
 * restarted fewer than slurm.chunk_retries times.
 */
static void
job_requeue(const char *dir, const char *task)
{
	struct slurm_argv	 a = { { NULL }, 0 };
	struct config		*conf;
	const char		*array = getenv("SLURM_ARRAY_JOB_ID");
	const char		*restarts = getenv("SLURM_RESTART_COUNT");
	char			*out, *cause = NULL;
	int			 n = restarts != NULL ? atoi(restarts) : 0;

	if (array == NULL || (conf = job_conf(dir, &cause)) == NULL) {
		free(cause);
		return;
	}
	if (n >= conf->slurm.chunk_retries) {
		log_warnx("chunk %s: failed %d times: not requeued", task,
		    n + 1);
		conf_free(conf);
		return;
	}
	log_info("chunk %s: failed: requeued (retry %d of %d)", task, n + 1,
	    conf->slurm.chunk_retries);
	conf_free(conf);
	slurm_arg(&a, "scontrol");
	slurm_arg(&a, "requeue");
	slurm_arg(&a, "%s_%s", array, task);
	if (slurm_spawn(a.v, 1, &out, &cause) == -1)
		log_warnx("%s", cause);
	free(out);
	free(cause);
	slurm_argv_free(&a);
}

/* An array task: the chunk of its index. */
static int
job_chunk(const char *dir)
{
	const char	*task = getenv("SLURM_ARRAY_TASK_ID");
	char		*outcome, arg[64];
	int		 rv;

	if (task == NULL || *task == '\0' ||
	    task[strspn(task, "0123456789")] != '\0' || strlen(task) > 9) {
		log_warnx("--slurm-job chunk: not an array task "
		    "(SLURM_ARRAY_TASK_ID)");
		return 1;
	}
	log_info("chunk %s: started, restarted %s times", task,
	    getenv("SLURM_RESTART_COUNT") != NULL ?
	    getenv("SLURM_RESTART_COUNT") : "0");
	snprintf(arg, sizeof(arg), "chunk:%s", task);
	rv = job_distenc(dir, "--chunk-step", arg, &outcome);
	log_info("chunk %s: %s", task, outcome);
	if (rv != 0)
		job_requeue(dir, task);
	free(outcome);
	return rv != 0;
}

/*
 * distenc --slurm-job STEP DIR, run by Slurm: one step of the input whose
 * directory is DIR.  The exit status.
 */
int
slurm_job(const char *step, const char *dir)
{
	char	*outcome;
	int	 rv;

	if (strcmp(step, "plan") == 0)
		return job_plan(dir);
	if (strcmp(step, "chunk") == 0)
		return job_chunk(dir);
	if (strcmp(step, "join") == 0)
		job_distenc(dir, "--chunk-step", "join", &outcome);
	else if (strcmp(step, "encode") == 0)
		job_distenc(dir, NULL, NULL, &outcome);
	else {
		log_warnx("--slurm-job: %s is not plan, chunk, join or encode",
		    step);
		return 2;
	}
	rv = job_state(dir, step, outcome);
	free(outcome);
	return rv;
}
