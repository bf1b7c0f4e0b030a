/*
 * The daemon's hooks: the on_done and on_failure commands, run with the
 * job in their environment, at most HOOK_MAX at once, in a pool of their
 * own that the loop reaps on SIGCHLD; how each ended is logged.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "djob.h"
#include "log.h"
#include "pool.h"

#define HOOK_MAX	64

/* What a hook's child runs. */
struct hook_child {
	const struct djob	*dj;
	char *const		*argv;
};

/* In a hook's child: the job in the environment, then the command. */
static int
hook_exec(void *arg)
{
	const struct hook_child	*h = arg;
	const struct djob	*dj = h->dj;
	int			 fd;

	signal(SIGPIPE, SIG_DFL);
	if ((fd = open("/dev/null", O_RDONLY)) != -1)
		dup2(fd, STDIN_FILENO);
	setenv("DISTENC_ID", dj->id, 1);
	setenv("DISTENC_SOURCE", dj->source, 1);
	setenv("DISTENC_OUTPUT", dj->output, 1);
	setenv("DISTENC_STATE", djob_state_name(dj->state), 1);
	setenv("DISTENC_ERROR", dj->error ? dj->error : "", 1);
	setenv("DISTENC_PROFILE", dj->profile, 1);
	setenv("DISTENC_LOG", dj->log, 1);
	setenv("DISTENC_STATUS", dj->status, 1);
	execv(h->argv[0], h->argv);
	return 127;
}

/* A hook ended: say how. */
static void
hook_ended(void *ctx, void *arg, pid_t pid, int status)
{
	const struct djob	*dj = arg;

	(void)ctx;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info("%s: hook %ld finished", dj->id, (long)pid);
	else if (WIFEXITED(status))
		log_warnx("%s: hook %ld exited with status %d", dj->id,
		    (long)pid, WEXITSTATUS(status));
	else
		log_warnx("%s: hook %ld killed by signal %d", dj->id,
		    (long)pid, WTERMSIG(status));
}

static const struct pool_ops hook_ops = {
	.ended = hook_ended,
};

/* The pool the daemon's hooks run in. */
struct pool *
hook_pool(struct daemon *d)
{
	return pool_new(HOOK_MAX, 0, &hook_ops, d);
}

/* Run an on_done or on_failure command (argv, argc words) for a job. */
void
hook_run(struct djob *dj, char *const *argv, size_t argc)
{
	struct hook_child	 h = { dj, argv };
	pid_t			 pid;

	if (argc == 0)
		return;
	if (pool_idle(dj->d->hooks) == 0) {
		djob_log(dj, DJL_ERROR, "hook %s not run: %d hooks still "
		    "running", argv[0], HOOK_MAX);
		return;
	}
	if ((pid = pool_fork(dj->d->hooks, hook_exec, &h, dj)) == -1) {
		djob_log(dj, DJL_ERROR, "hook %s: fork: %s", argv[0],
		    strerror(errno));
		return;
	}
	djob_log(dj, 0, "hook %s started (pid %ld)", argv[0], (long)pid);
}
