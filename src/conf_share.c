/*
 * The host's processors shared among the jobs that run at once: what
 * "jobs = 0" and "threads = 0" (the defaults) come to.  A library goes
 * through fastest with one job per processor, each of one encoder thread;
 * a file alone, with every processor's thread in its one job
 * (tests/bench/jobs.sh and tests/bench/chunked.sh measure both).
 */
#include "config.h"

#include <sched.h>
#include <unistd.h>

#include "conf.h"

#define SHARE_JOB_MEMORY	(2LL << 30)	/* bytes a job may take */

/*
 * The processors this process may run on (a taskset, a container's or
 * Slurm's allocation), else those online; at least 1.
 */
int
conf_processors(void)
{
	cpu_set_t	set;
	long		n;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    (n = CPU_COUNT(&set)) > 0)
		return (int)n;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/*
 * The jobs run at once: the configured number, or with jobs = 0 one per
 * processor, no more than one per 2 GiB of memory (a 1080p x265 job at
 * the slow preset takes about 0.8 GB, a 2160p one 2.6), at most 64.
 */
int
conf_jobs(const struct config *conf)
{
	long long	mem;
	long		pages, size;
	int		n;

	if (conf->jobs > 0)
		return conf->jobs;
	n = conf_processors();
	pages = sysconf(_SC_PHYS_PAGES);
	size = sysconf(_SC_PAGESIZE);
	if (pages > 0 && size > 0) {
		mem = (long long)pages * size;
		if (mem / SHARE_JOB_MEMORY < n)
			n = (int)(mem / SHARE_JOB_MEMORY);
	}
	if (n > 64)
		n = 64;
	return n > 0 ? n : 1;
}

/*
 * Resolve a job's automatic settings, n jobs running at once on this host
 * with it (itself included): its share of the processors is
 * processors / n, at least 1.  A chunked profile's parallel_encodes 0 is
 * that share when jobs is automatic, and jobs as before when jobs is set;
 * threads 0 is the share, divided among the chunk encoders for a chunked
 * profile.
 */
void
conf_share(struct profile *pr, const struct config *conf, int n)
{
	int	share, encoders;

	if (n < 1)
		n = 1;
	share = conf_processors() / n;
	if (share < 1)
		share = 1;
	if (pr->parallel_encodes == 0)
		pr->parallel_encodes = conf->jobs > 0 ? conf->jobs : share;
	encoders = pr->chunked ? pr->parallel_encodes : 1;
	if (pr->threads == 0)
		pr->threads = share / encoders > 0 ? share / encoders : 1;
}
