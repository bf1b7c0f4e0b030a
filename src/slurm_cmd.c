/*
 * Slurm's programs (sbatch, scontrol, squeue, sacct) run through
 * posix_spawn with their arguments as an array, never through a shell:
 * their command line is a stable interface across Slurm versions, where
 * libslurm's API and soname change with each release.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "slurm_local.h"
#include "xmalloc.h"

#define SPAWN_KEEP	(64 * 1024)	/* of a program's output, the end */

extern char	**environ;

/* Append one argument, formatted. */
void
slurm_arg(struct slurm_argv *a, const char *fmt, ...)
{
	va_list	ap;

	if (a->n >= SLURM_MAX_ARGS)
		fatalx("too many arguments for %s", a->v[0]);
	va_start(ap, fmt);
	if (vasprintf(&a->v[a->n], fmt, ap) == -1)
		fatalx("vasprintf");
	va_end(ap);
	a->v[++a->n] = NULL;
}

void
slurm_argv_free(struct slurm_argv *a)
{
	int	i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
	a->v[0] = NULL;
}

/* Read a program's output to its end, keeping the last SPAWN_KEEP bytes. */
static char *
spawn_read(int fd, int echo)
{
	char	*buf, chunk[4096];
	size_t	 len = 0;
	ssize_t	 n;

	buf = xmalloc(2 * SPAWN_KEEP + sizeof(chunk) + 1);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (echo) {
			fwrite(chunk, 1, n, stdout);
			fflush(stdout);
		}
		memcpy(buf + len, chunk, n);
		len += n;
		if (len > 2 * SPAWN_KEEP) {
			memmove(buf, buf + len - SPAWN_KEEP, SPAWN_KEEP);
			len = SPAWN_KEEP;
		}
	}
	buf[len] = '\0';
	return buf;
}

/*
 * Run argv (found in PATH), stdin /dev/null, its stdout and stderr into
 * *out (to free) and, with echo, to our stdout too: its wait status, or -1
 * with *cause when it could not be started.
 */
int
slurm_spawn(char *const *argv, int echo, char **out, char **cause)
{
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	int				 p[2], status, rv;

	*out = NULL;
	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe2");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	rv = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rv != 0) {
		close(p[0]);
		xasprintf(cause, "%s: %s", argv[0], strerror(rv));
		return -1;
	}
	*out = spawn_read(p[0], echo);
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			fatal("waitpid");
	return status;
}

/* A program's output on one line, for an error message. */
static void
cmd_oneline(char *s)
{
	size_t	len = strlen(s);

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	for (; *s != '\0'; s++)
		if (*s == '\n')
			*s = ' ';
}

/*
 * Run a program that must succeed (and not say DOWN); -1 with *cause,
 * what it means and what the program said, when it does not.
 */
static int
cmd_must(char *const *argv, const char *what, char **cause)
{
	char	*out = NULL, *e = NULL;
	int	 st;

	st = slurm_spawn(argv, 0, &out, &e);
	if (st == 0 && strstr(out, "DOWN") == NULL) {
		free(out);
		return 0;
	}
	if (out != NULL)
		cmd_oneline(out);
	xasprintf(cause, "%s: %s", what, e != NULL ? e : out);
	free(e);
	free(out);
	return -1;
}

/*
 * Before anything is submitted: sbatch must be there and the controller
 * must answer (scontrol ping).
 */
int
slurm_check_cluster(char **cause)
{
	char *const	 version[] = { "sbatch", "--version", NULL };
	char *const	 ping[] = { "scontrol", "ping", NULL };

	if (cmd_must(version, "cannot run sbatch (is Slurm's client "
	    "installed and in PATH?)", cause) != 0 ||
	    cmd_must(ping, "the Slurm controller does not answer (scontrol "
	    "ping)", cause) != 0)
		return -1;
	return 0;
}

/* Split a string of options on white space into arguments. */
static void
cmd_split(struct slurm_argv *a, const char *s)
{
	size_t	len;

	for (;;) {
		s += strspn(s, " \t\n");
		if (*s == '\0')
			return;
		len = strcspn(s, " \t\n");
		slurm_arg(a, "%.*s", (int)len, s);
		s += len;
	}
}

/* The time limit of a step from the configuration. */
static const char *
cmd_time(const struct conf_slurm *sc, const char *step)
{
	if (strcmp(step, "plan") == 0)
		return sc->time_plan;
	if (strcmp(step, "chunk") == 0)
		return sc->time_chunk;
	if (strcmp(step, "join") == 0)
		return sc->time_join;
	return sc->time_encode;
}

/*
 * sbatch and the options every job of a step gets: its name, its output
 * file in the input's directory (appended to when Slurm requeues it), its
 * processors (an encoder's threads; 0: Slurm's default), and the slurm_
 * settings, which come last and so win; the caller adds the step's own.
 */
void
slurm_sbatch_args(struct slurm_argv *a, const struct config *conf,
    const char *dir, const char *step, int cpus)
{
	const struct conf_slurm	*sc = &conf->slurm;

	slurm_arg(a, "sbatch");
	slurm_arg(a, "--parsable");
	slurm_arg(a, "--job-name=distenc-%s", step);
	slurm_arg(a, "--open-mode=append");
	if (strcmp(step, "chunk") == 0)
		slurm_arg(a, "--output=%s/chunk-%%A_%%a.out", dir);
	else
		slurm_arg(a, "--output=%s/%s-%%j.out", dir, step);
	if (*sc->partition != '\0')
		slurm_arg(a, "--partition=%s", sc->partition);
	if (*sc->account != '\0')
		slurm_arg(a, "--account=%s", sc->account);
	if (*cmd_time(sc, step) != '\0')
		slurm_arg(a, "--time=%s", cmd_time(sc, step));
	if (*sc->memory != '\0')
		slurm_arg(a, "--mem=%s", sc->memory);
	if (cpus > 0)
		slurm_arg(a, "--cpus-per-task=%d", cpus);
	cmd_split(a, sc->options);
}

/* Add a line to the input's list of its Slurm jobs. */
static int
cmd_add_job(const char *dir, const char *step, const char *id, char **cause)
{
	char	*path, *line;
	int	 fd, rv = 0;

	xasprintf(&path, "%s/jobs", dir);
	xasprintf(&line, "%s %s\n", step, id);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644)) == -1 || write(fd, line, strlen(line)) == -1 ||
	    fsync(fd) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		rv = -1;
	}
	if (fd != -1)
		close(fd);
	free(line);
	free(path);
	return rv;
}

/*
 * Submit a step's job: the batch script of dir with "distenc --slurm-job
 * STEP DIR" as its arguments.  Its Slurm job id in *id (to free), and in
 * dir's list of jobs; -1 with *cause.
 */
int
slurm_sbatch(struct slurm_argv *a, const char *dir, const char *step,
    char **id, char **cause)
{
	char	*out, *self;
	int	 st;

	self = slurm_self();
	slurm_arg(a, "%s/job.sh", dir);
	slurm_arg(a, "%s", self);
	slurm_arg(a, "--slurm-job");
	slurm_arg(a, "%s", step);
	slurm_arg(a, "%s", dir);
	free(self);
	*id = NULL;
	if ((st = slurm_spawn(a->v, 0, &out, cause)) == -1)
		return -1;
	cmd_oneline(out);
	if (st != 0 || out[0] < '0' || out[0] > '9') {
		xasprintf(cause, "sbatch: %s", out);
		free(out);
		return -1;
	}
	out[strspn(out, "0123456789")] = '\0';	/* "id;cluster" */
	*id = out;
	return cmd_add_job(dir, step, out, cause);
}

/* Write one of the input directory's small files, whole or not at all. */
int
slurm_record(const char *dir, const char *name, const char *text,
    char **cause)
{
	char	*path;
	int	 rv;

	xasprintf(&path, "%s/%s", dir, name);
	rv = fs_write_atomic(path, text, strlen(text), cause);
	free(path);
	return rv;
}

/* This program's absolute path: what the jobs run. */
char *
slurm_self(void)
{
	char	buf[PATH_MAX];
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", buf, sizeof(buf) - 1)) == -1)
		fatal("/proc/self/exe");
	buf[n] = '\0';
	return xstrdup(buf);
}

/* Run a query (squeue, sacct); 1 with its output in *out, 0 for none, -1. */
static int
cmd_query(struct slurm_argv *a, char **out)
{
	char	*text, *cause = NULL, *p;
	int	 st, rv;

	st = slurm_spawn(a->v, 0, &text, &cause);
	slurm_argv_free(a);
	free(cause);
	rv = st != 0 ? -1 : *text != '\0';
	for (p = text; p != NULL && *p != '\0'; p++)
		if (*p == '|')
			*p = ' ';
	if (out != NULL && rv == 1)
		*out = text;
	else
		free(text);
	return rv;
}

/*
 * What squeue says of a job (all: in any state the controller still
 * remembers; else pending or running), a line "id state reason" a task:
 * 1 when it lists the job, its lines in *out when out is not NULL (to
 * free), 0 when it does not, -1 when squeue failed.
 */
int
slurm_squeue(const char *id, int all, char **out)
{
	struct slurm_argv	 a = { { NULL }, 0 };

	slurm_arg(&a, "squeue");
	slurm_arg(&a, "-h");
	slurm_arg(&a, "-r");
	if (all)
		slurm_arg(&a, "--states=all");
	slurm_arg(&a, "-o");
	slurm_arg(&a, "%%i %%T %%r");
	slurm_arg(&a, "-j");
	slurm_arg(&a, "%s", id);
	return cmd_query(&a, out);
}

/*
 * What the accounting (sacct) says of a job the controller forgot, a line
 * "id state" a task: as slurm_squeue.
 */
int
slurm_sacct(const char *id, char **out)
{
	struct slurm_argv	 a = { { NULL }, 0 };

	slurm_arg(&a, "sacct");
	slurm_arg(&a, "-n");
	slurm_arg(&a, "-X");
	slurm_arg(&a, "-P");
	slurm_arg(&a, "-o");
	slurm_arg(&a, "JobID,State");
	slurm_arg(&a, "-j");
	slurm_arg(&a, "%s", id);
	return cmd_query(&a, out);
}
