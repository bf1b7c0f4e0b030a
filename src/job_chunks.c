/*
 * The local scheduler of a chunked job's encoders: up to parallel_encodes
 * (else jobs) chunks at once, each in a forked process with its own
 * threads, longest chunk first with the film's last chunk at the head; a
 * failed chunk is tried once more; a stop ends them all.  Chunks already
 * there and verified are counted as done.
 */
#include "config.h"

#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "job_chunked.h"
#include "job_local.h"
#include "log.h"
#include "xmalloc.h"

#define CHUNK_ATTEMPTS	2

/* One chunk's encoder process. */
struct chunk_run {
	pid_t	pid;		/* 0: not running */
	int	attempts;
	int	done;
};

/*
 * Remove the temporary chunk files this host's encoders left when they
 * were killed: those whose process is gone.  Other hosts' are theirs.
 */
static void
chunk_clean_stale(const struct job_ctx *c)
{
	struct dirent	*de;
	DIR		*dp;
	char		 host[256], *path, *p;
	long		 pid;
	size_t		 hl;

	if (gethostname(host, sizeof(host)) == -1 ||
	    (dp = opendir(c->workdir)) == NULL)
		return;
	host[sizeof(host) - 1] = '\0';
	hl = strlen(host);
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, ".chunk-", 7) != 0 ||
		    (p = strchr(de->d_name + 7, '.')) == NULL ||
		    strncmp(p + 1, host, hl) != 0 || p[hl + 1] != '.')
			continue;
		pid = strtol(p + hl + 2, &p, 10);
		if (pid <= 0 || strcmp(p, ".tmp.mkv") != 0 ||
		    kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		xasprintf(&path, "%s/%s", c->workdir, de->d_name);
		log_info("removing %s, left by an encoder that was stopped",
		    path);
		unlink(path);
		free(path);
	}
	closedir(dp);
}

/* The reason a chunk's encoder left, or a word on how it ended. */
static char *
chunk_reason(struct job_ctx *c, size_t k, int status)
{
	char	*path, *text = NULL, buf[1024];
	ssize_t	 n;
	int	 fd;

	path = chunked_failed_path(c, k);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			text = xstrdup(buf);
		}
		close(fd);
	}
	unlink(path);
	free(path);
	if (text == NULL && WIFSIGNALED(status))
		xasprintf(&text, "encoder killed by signal %d",
		    WTERMSIG(status));
	else if (text == NULL)
		xasprintf(&text, "encoder exited with status %d",
		    WEXITSTATUS(status));
	return text;
}

/* Start chunk k's encoder process. */
static int
chunk_start(struct job_ctx *c, const struct plan *p, size_t k,
    struct chunk_run *run)
{
	log_info("chunk %zu of %zu: encoding frames %lld-%lld", k, p->nchunks,
	    (long long)p->chunks[k].first,
	    (long long)(p->chunks[k].first + p->chunks[k].frames - 1));
	fflush(NULL);
	switch (run[k].pid = fork()) {
	case -1:
		run[k].pid = 0;
		return job_fail(c, 1, "cannot start a chunk encoder: %s",
		    strerror(errno));
	case 0:
		_exit(chunked_encode(c, p, k) == 0 ? 0 : 1);
	}
	run[k].attempts++;
	return 0;
}

/* A chunk encoder ended: done, to try again, or the job's failure. */
static int
chunk_ended(struct job_ctx *c, const struct plan *p, size_t k, int status,
    struct chunk_run *run)
{
	char	*why;

	run[k].pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		run[k].done = 1;
		c->sent += p->chunks[k].frames;
		job_report(c, 1);
		return 0;
	}
	why = chunk_reason(c, k, status);
	if (c->job->stop != NULL && *c->job->stop) {
		free(why);
		return -1;
	}
	if (run[k].attempts < CHUNK_ATTEMPTS) {
		log_warnx("chunk %zu (frames %lld-%lld) failed: %s; trying "
		    "again", k, (long long)p->chunks[k].first,
		    (long long)(p->chunks[k].first + p->chunks[k].frames - 1),
		    why);
		free(why);
		return 0;
	}
	/* A full work directory is worth another try later. */
	job_fail(c, strstr(why, "No space") != NULL, "chunk %zu (frames "
	    "%lld-%lld) failed %d times: %s", k, (long long)p->chunks[k].first,
	    (long long)(p->chunks[k].first + p->chunks[k].frames - 1),
	    run[k].attempts, why);
	free(why);
	return -1;
}

/* Stop the running encoders and wait for them. */
static void
chunk_stop_all(const struct plan *p, struct chunk_run *run)
{
	size_t	k;
	int	status;

	for (k = 0; k < p->nchunks; k++)
		if (run[k].pid > 0)
			kill(run[k].pid, SIGTERM);
	for (k = 0; k < p->nchunks; k++)
		if (run[k].pid > 0) {
			while (waitpid(run[k].pid, &status, 0) == -1 &&
			    errno == EINTR)
				;
			run[k].pid = 0;
		}
}

/* Wait for one encoder to end; its chunk, or -1 when interrupted. */
static ssize_t
chunk_wait(const struct plan *p, struct chunk_run *run, int *status)
{
	pid_t	pid;
	size_t	k;

	if ((pid = wait(status)) == -1)
		return -1;
	for (k = 0; k < p->nchunks; k++)
		if (run[k].pid == pid)
			return k;
	return -1;
}

/* The next chunk to start in queue order, or -1. */
static ssize_t
chunk_next(const struct plan *p, const size_t *order,
    const struct chunk_run *run)
{
	size_t	i;

	for (i = 0; i < p->nchunks; i++)
		if (!run[order[i]].done && run[order[i]].pid == 0 &&
		    run[order[i]].attempts < CHUNK_ATTEMPTS)
			return order[i];
	return -1;
}

/* Encode every chunk not yet there, up to n at once. */
static int
chunk_run_all(struct job_ctx *c, const struct plan *p, struct chunk_run *run,
    const size_t *order, int n)
{
	ssize_t	k;
	int	running = 0, status, rv = 0;

	for (;;) {
		while (rv == 0 && running < n && !*c->job->stop &&
		    (k = chunk_next(p, order, run)) >= 0) {
			if ((rv = chunk_start(c, p, k, run)) == 0)
				running++;
		}
		if (running == 0)
			break;
		if ((k = chunk_wait(p, run, &status)) < 0) {
			if (errno == EINTR && !*c->job->stop)
				continue;
			break;
		}
		running--;
		if (rv == 0)
			rv = chunk_ended(c, p, k, status, run);
		else
			run[k].pid = 0;
	}
	if (rv != 0 || *c->job->stop) {
		chunk_stop_all(p, run);
		if (*c->job->stop)
			job_fail(c, 1, "interrupted");
		return -1;
	}
	return 0;
}

/* How many chunk encoders run at once. */
static int
chunk_parallel(const struct job_ctx *c)
{
	const struct profile	*prof = c->job->prof;

	return prof->parallel_encodes > 0 ? prof->parallel_encodes :
	    c->job->conf->jobs;
}

/* Encode the chunks that are not there yet. */
int
chunked_encode_all(struct job_ctx *c, const struct plan *p)
{
	struct chunk_run	*run;
	size_t			*order, k, reused = 0;
	int			 rv;

	job_stage(c, JOB_CHUNKS);
	chunk_clean_stale(c);
	run = xcalloc(p->nchunks, sizeof(*run));
	order = xcalloc(p->nchunks, sizeof(*order));
	for (k = 0; k < p->nchunks; k++)
		if (chunked_have(c, p, k)) {
			run[k].done = 1;
			c->sent += p->chunks[k].frames;
			reused++;
		}
	if (reused > 0)
		log_info("chunks: reusing %zu verified chunk%s of %zu", reused,
		    reused == 1 ? "" : "s", p->nchunks);
	log_info("chunks: %zu to encode, %d at once, %d thread%s each",
	    p->nchunks - reused, chunk_parallel(c), c->job->prof->threads,
	    c->job->prof->threads == 1 ? "" : "s");
	chunk_queue(p->chunks, p->nchunks, chunk_parallel(c), order);
	rv = chunk_run_all(c, p, run, order, chunk_parallel(c));
	free(order);
	free(run);
	return rv;
}
