/*
 * tokbench DIR PROCS TASKS: PROCS processes, each a node of its own, go
 * through the same TASKS tasks in the same order in the token directory
 * DIR, as daemons scanning one spool do, claiming each free one and
 * marking it done at once.  Prints, on one line each: the claims made,
 * the seconds taken, claims per second, tasks claimed twice, tasks never
 * done, and the spread (fewest and most claims of a process).
 */
#include "config.h"

#include <sys/wait.h>

#include <fcntl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "token.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One process: claim what is free, until every task is done. */
static int
worker(const char *dir, int me, int tasks, int fd)
{
	struct tokdir	*td;
	struct tok_seen	 seen;
	char		 node[32], task[32], *cause = NULL, *done;
	int		 t, left, r, mine = 0;

	done = calloc(tasks, 1);

	snprintf(node, sizeof(node), "bench%02d", me);
	td = tok_open(dir, node, 60, 3, 0, NULL);
	while (tok_ready(td, &cause) != 0) {
		free(cause);
		cause = NULL;
		usleep(1000);
	}
	do {
		left = 0;
		for (t = 0; t < tasks; t++) {
			if (done[t])
				continue;	/* as a daemon, never again */
			snprintf(task, sizeof(task), "task%05d", t);
			r = tok_claim(td, task, "", &seen, &cause);
			if (r == TOK_CLAIMED) {
				dprintf(fd, "%d\n", t);
				mine++;
				if (tok_done(td, task, "out", "", &cause) != 0)
					fatalx("%s", cause);
			} else if (r == TOK_HELD)
				left++;
			if (r != TOK_HELD)
				done[t] = 1;
			else if (r == TOK_ERROR)
				fatalx("%s", cause);
		}
	} while (left > 0);
	tok_close(td);
	free(done);
	return mine;
}

int
main(int argc, char *argv[])
{
	FILE	*fp;
	char	 path[4096];
	double	 t0, secs;
	int	 procs, tasks, p, t, fd, claims = 0, twice = 0, lost = 0;
	int	 fewest = -1, most = 0, *seen, n, status;

	if (argc != 4)
		fatalx("usage: tokbench dir procs tasks");
	log_init("tokbench", 0, LOG_TO_STDERR);
	procs = atoi(argv[2]);
	tasks = atoi(argv[3]);
	seen = calloc(tasks, sizeof(*seen));
	t0 = now();
	for (p = 0; p < procs; p++) {
		snprintf(path, sizeof(path), "%s.claims.%d", argv[1], p);
		if (fork() == 0) {
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			worker(argv[1], p, tasks, fd);
			_exit(0);
		}
	}
	for (p = 0; p < procs; p++)
		if (wait(&status) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			fatalx("a process failed");
	secs = now() - t0;
	for (p = 0; p < procs; p++) {
		snprintf(path, sizeof(path), "%s.claims.%d", argv[1], p);
		if ((fp = fopen(path, "r")) == NULL)
			fatal("%s", path);
		n = 0;
		while (fscanf(fp, "%d", &t) == 1 && t >= 0 && t < tasks) {
			seen[t]++;
			n++;
		}
		fclose(fp);
		unlink(path);
		claims += n;
		if (fewest == -1 || n < fewest)
			fewest = n;
		if (n > most)
			most = n;
	}
	for (t = 0; t < tasks; t++) {
		twice += seen[t] > 1;
		lost += seen[t] == 0;
	}
	printf("claims %d\nseconds %.3f\nclaims_per_second %.0f\n"
	    "duplicates %d\nlost %d\nfewest %d\nmost %d\n", claims, secs,
	    claims / secs, twice, lost, fewest, most);
	free(seen);
	return twice || lost;
}
