/*
 * Claims kept renewed in the background while this process is busy with
 * one long step that cannot stop to renew them: joining a film's chunks,
 * then verifying and publishing the joined file.  A thread renews them on
 * time (every lease/4, see token.c) and says when one is lost.  While it
 * runs, the token directory is the thread's alone: the caller touches it
 * again only after tok_keep_stop.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "token.h"
#include "xmalloc.h"

#define KEEP_MIN_WAIT	0.05	/* seconds: never a busy loop */

struct tok_keep {
	pthread_t	 thread;
	pthread_mutex_t	 mutex;
	pthread_cond_t	 cond;
	int		 stop;
	struct tokdir	*td;
	void		(*lost)(void *, const char *, const char *);
	void		*arg;
};

/* The thread: renew what is due, sleep until the next is, until told. */
static void *
tok_keep_run(void *p)
{
	struct tok_keep	*k = p;
	struct timespec	 ts;
	double		 due;

	pthread_mutex_lock(&k->mutex);
	while (!k->stop) {
		tok_renew(k->td, k->lost, k->arg);
		if ((due = tok_renew_due(k->td)) < KEEP_MIN_WAIT)
			due = KEEP_MIN_WAIT;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)due;
		ts.tv_nsec += (long)((due - (time_t)due) * 1e9);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		while (!k->stop && pthread_cond_timedwait(&k->cond, &k->mutex,
		    &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&k->mutex);
	return NULL;
}

/*
 * Keep td's claims renewed until tok_keep_stop; lost(arg, task, why) is
 * called (on the thread) for each claim found lost.  NULL when no thread
 * can be started (said in the log): the claims are then renewed only
 * when the caller renews them.
 */
struct tok_keep *
tok_keep_start(struct tokdir *td, void (*lost)(void *, const char *,
    const char *), void *arg)
{
	struct tok_keep		*k;
	pthread_condattr_t	 ca;
	int			 e;

	k = xcalloc(1, sizeof(*k));
	k->td = td;
	k->lost = lost;
	k->arg = arg;
	pthread_mutex_init(&k->mutex, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->cond, &ca);
	pthread_condattr_destroy(&ca);
	if ((e = pthread_create(&k->thread, NULL, tok_keep_run, k)) != 0) {
		log_warnx("cannot start renewing claims in the background: %s",
		    strerror(e));
		pthread_cond_destroy(&k->cond);
		pthread_mutex_destroy(&k->mutex);
		free(k);
		return NULL;
	}
	return k;
}

/* Stop renewing in the background; the directory is the caller's again. */
void
tok_keep_stop(struct tok_keep *k)
{
	if (k == NULL)
		return;
	pthread_mutex_lock(&k->mutex);
	k->stop = 1;
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->mutex);
	pthread_join(k->thread, NULL);
	pthread_cond_destroy(&k->cond);
	pthread_mutex_destroy(&k->mutex);
	free(k);
}
