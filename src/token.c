/*
 * The token protocol: hosts that share only a directory (NFS, SMB, sshfs)
 * share the work, each task done once, with no server and no clock sync.
 *
 * The directory.  It carries a marker, ".distenc-tokens" (an id, the node
 * that made it), made at first use: when the directory is missing (only
 * its last component is made) or empty, and this host has no memory of
 * using it.  Each host remembers the marker's id (distencd in its
 * status_dir, distenc under $XDG_STATE_HOME); a host that remembers it
 * and finds it missing, or finds the directory not empty and unmarked,
 * does nothing and says why: a share that is not mounted must not look
 * like an empty library to be encoded again.
 *
 * Names.  A task is a job id (see jobid.c: readable part, then a 64-bit
 * hash of the relative path, size and mtime, so it is the same on every
 * host and safe as a file name whatever the source's name holds), or a
 * job's sub-task "<id>.d/<name>" (a chunk), whose files live in the job's
 * own subdirectory.  For task T:
 *	T.claim		held by one process of one host
 *	T.done		finished: node, attempt, output, figures
 *	T.failed	failed: node, attempt, transient or not, retry time,
 *			reason
 *	T.stale.N.P.R	a claim being taken over (removed at once)
 * Hidden names are the protocol's own: ".tmp.N.P.R" (files being made),
 * ".probe.N.P" (a process's clock probe), ".node.N" (a node's liveness).
 * Files are text: "distenc-<kind> 1", then "key value" lines; a reader
 * trusts nothing in them (token_file.c): every number is range-checked
 * (a lease of at most a day, at most 100 attempts, times from 1970 on).
 *
 * Other hosts.  One that shares the directory may take, finish or fail
 * tasks, and nothing more.  Nothing here follows a link: the directory's
 * and the jobs' sub-directories are walked through descriptors opened
 * O_DIRECTORY | O_NOFOLLOW (a link in place of "<id>.d" is removed as a
 * link, or refused), and every file made here is O_CREAT | O_EXCL |
 * O_NOFOLLOW, so nothing planted at a name is written through.  Every
 * file is opened O_NONBLOCK and read only when fstat says it is regular:
 * a FIFO hangs nothing.  Only a whole done marker is done; one that
 * cannot be read (EMFILE, EIO) or parsed is the task's error, never
 * "done".  Garbage is recognised by its exact name, never by a part of
 * it (a source may be called "film.stale.v2.mkv").
 *
 * Time.  Only the file system's clock is used: a claim is renewed by
 * rewriting a line of it, so its mtime is set by the server; "now" is the
 * mtime of the probe file this process rewrites.  A claim is stale when
 * its mtime is older than its lease by that clock, compared to the
 * nanosecond (whole seconds end a lease up to a second early), and only
 * once a fresh probe says so.  Hosts whose clocks
 * are an hour apart still agree.  A claim whose mtime is more than a
 * lease in the future cannot come from this protocol and is stale.
 *
 * Claim.  Unless T.done exists, or T.failed says the failure is final
 * (not transient, or max_attempts reached) or its retry time has not
 * come: write the claim (node, pid, boot id, start time, lease, attempt,
 * source) to a unique temporary name, link() it to T.claim, and hold it
 * when the link succeeded or when both names are one inode (lstat): an
 * NFS link whose reply was lost may report failure after succeeding, and
 * O_EXCL is not trusted on NFS at all.  Then look for T.done again (a
 * holder writes it before it removes its claim) and give the claim back
 * when it is there.
 *
 * Lease.  The holder rewrites the claim's "renewed" line every lease/4
 * through a descriptor kept open on it, and checks that T.claim is still
 * its inode; when not (taken over while it was frozen or cut off), the
 * claim is lost and its work is stopped.  A process busy with one long
 * step (a join, its verification and publication) renews from a thread
 * meanwhile (token_keep.c): every stage renews.
 *
 * Takeover.  A claim that is stale, or whose holder is a process of this
 * host's earlier run (same node and boot id, that pid gone), is renamed
 * to T.stale.<node>.<pid>.<n>: one host wins the rename, the others get
 * ENOENT and look again.  The winner checks it renamed the very file it
 * judged (same inode and mtime); if not, it puts the file back with
 * link() and backs off.  Then it removes the stale file and claims anew.
 * Another host must wait a lease: with a lease of L the work of a host
 * killed outright is taken within L plus one rescan.  The same host,
 * started again, takes back at once the claims of its earlier run on
 * files it knew unchanged (tok_orphaned: the claim names the job id,
 * which hashes the file's path, size and mtime), without settling them.
 *
 * Done and failed.  Markers are written to a temporary name and renamed
 * into place, then the claim is removed.  A transient failure's marker
 * carries a retry time (retry_delay doubled per attempt, at most
 * TOK_RETRY_MAX, a day, by the file system's clock) and any host may take
 * the task again then, up to max_attempts in all; a retry time further
 * than that ahead is read as that far.  A final failure is never
 * retried.
 *
 * Interrupts.  SIGINT and SIGTERM stop the workers, which remove their
 * partial files, and the process removes its claims, leaving no marker:
 * the task is free at once.  kill -9 leaves the claim; the workers get
 * SIGTERM from the kernel (PR_SET_PDEATHSIG) and clean up, and the claim
 * is taken over when its lease runs out, or at once by the same host's
 * next run.
 *
 * Nodes.  Each host has a node name (default: the host name), written
 * with its boot id and pid to .node.<node> every lease/4.  A fresh node
 * file of another boot id, or of another live distencd on this boot, is
 * a second live host with this name: it is reported, and this process
 * takes nothing until that file goes stale.
 *
 * Watching.  The directory is watched with inotify where inotify sees
 * its changes (not NFS, SMB or FUSE) and rescanned every poll interval
 * always, so a released task is taken within a poll interval.
 *
 * Chunks.  A chunked job's holder publishes its plan with tok_publish()
 * ("<id>.d/<key>.plan", write then link, the key a hash of the source and
 * the settings that shape the plan) and each chunk is a task
 * "<id>.d/<key>.cNNNN" with its own claim and markers, taken by any host
 * whose settings give the same key (job_chunks.c).  Whoever finishes the
 * last chunk claims "<id>.d/join", joins and publishes; the job's holder
 * then marks the job done.  A done job's "<id>.d" is removed by the
 * sweep two leases later, when no host can still be looking at it.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobid.h"
#include "log.h"
#include "token.h"
#include "token_local.h"
#include "xmalloc.h"

#define TOK_RENEWED	"renewed 0000000000\n"
#define TOK_TRIES	4

/* A task's sub-directory ("<id>.d" of "<id>.d/chunk"), made if missing. */
static int
tok_subdir(struct tokdir *td, const char *task, char **cause)
{
	struct stat	 sb;
	char		*slash, *dir;
	int		 rv = 0;

	if ((slash = strrchr(task, '/')) == NULL)
		return 0;
	xasprintf(&dir, "%s/%.*s", td->dir, (int)(slash - task), task);
	if (mkdir(dir, 0777) == -1 && errno != EEXIST) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		rv = -1;
	} else if (lstat(dir, &sb) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		rv = -1;
	} else if (!S_ISDIR(sb.st_mode)) {
		/* Another party's: files are never made through it. */
		xasprintf(cause, "%s: %s", dir, S_ISLNK(sb.st_mode) ?
		    "a symbolic link in place of a job's directory, not "
		    "followed" : "not a directory");
		rv = -1;
	}
	free(dir);
	return rv;
}

/*
 * Read the task's marker (suffix ".done" or ".failed", of kind) into f:
 * 0, 1 when there is none, or TOK_BROKEN with a cause when it cannot be
 * read or is not that marker: the task's error for now (EMFILE, EIO, a
 * corrupt file), never taken for what a whole marker would say.
 */
static int
tok_marker(const struct tokdir *td, const char *task, const char *suffix,
    enum tok_kind kind, struct tok_file *f, const char *not, char **cause)
{
	struct stat	 sb;
	char		*path, *err = NULL;
	int		 r;

	path = tok_name(td, task, suffix);
	r = tok_readfile(path, f, &sb, &err);
	if (r != 0 && errno == ENOENT)
		r = 1;
	else if (r != 0 || f->kind != kind) {
		if (err == NULL)
			xasprintf(&err, "%s: not a %s marker", path, suffix + 1);
		xasprintf(cause, "%s (the task is not %s)", err, not);
		free(err);
		r = TOK_BROKEN;
	}
	free(path);
	return r;
}

/*
 * The task's markers: done, failed for good, to retry later, or free
 * (TOK_CLAIMED) with the attempt a claim would be.
 */
static int
tok_look(struct tokdir *td, const char *task, struct tok_seen *seen,
    char **cause)
{
	int64_t	now;
	int	r;

	if ((r = tok_marker(td, task, ".done", TOK_DONE, &seen->f,
	    "taken as done", cause)) != 1)
		return r == 0 ? TOK_ISDONE : r;
	seen->attempt = 1;
	if ((r = tok_marker(td, task, ".failed", TOK_FAILED, &seen->f,
	    "claimed", cause)) != 0)
		return r == 1 ? TOK_CLAIMED : r;
	seen->attempt = seen->f.attempt + 1;
	if (!seen->f.transient || seen->f.attempt >= td->max_attempts)
		return TOK_ISFAILED;
	if (tok_now(td, 0, &now, cause) != 0)
		return TOK_ERROR;
	now /= TOK_NS;
	if (seen->f.retry_at > now) {
		/* Another host's retry time is never waited beyond the
		 * longest this protocol sets. */
		if (seen->f.retry_at - now > TOK_RETRY_MAX)
			seen->f.retry_at = now + TOK_RETRY_MAX;
		seen->until = tok_mono(seen->f.retry_at, td);
		return TOK_WAIT;
	}
	return TOK_CLAIMED;
}

/* A nonce no other claim has: this host, process, time and count. */
static void
tok_nonce(struct tokdir *td, char *out, size_t len)
{
	char	src[TOK_NODE_MAX + TOK_BOOT_MAX + 96];

	snprintf(src, sizeof(src), "%s %s %ld %.9f %u", td->node, td->boot,
	    (long)getpid(), tok_clock(0), td->rnd++);
	snprintf(out, len, "%016" PRIx64, jobid_hash(src, strlen(src), 0));
}

/*
 * What the task's markers say, claiming nothing: TOK_ISDONE, TOK_ISFAILED,
 * TOK_WAIT, or TOK_CLAIMED when it is free or claimed (not told apart).
 */
int
tok_peek(struct tokdir *td, const char *task, struct tok_seen *seen,
    char **cause)
{
	memset(seen, 0, sizeof(*seen));
	return tok_look(td, task, seen, cause);
}

/*
 * Link a new claim into place: 0 held, 1 the name is taken (or may be),
 * -1 error.  The claim is held when, read back, it is the one written
 * (its nonce): the link may report failure after succeeding (a lost NFS
 * reply), and inode numbers cannot tell (sshfs shows the two names of
 * one file with different ones).  sshfs reports a lost race as EPERM.
 */
static int
tok_link(struct tokdir *td, const char *task, const char *source,
    int attempt, int *linkerr, char **cause)
{
	struct tok_file	 f;
	struct tokheld	*h;
	char		 buf[TOK_TEXT_MAX * 2 + 512], *name, *tmp, why[64];
	size_t		 len;
	int		 fd, rv, held;

	memset(&f, 0, sizeof(f));
	f.kind = TOK_CLAIM;
	snprintf(f.node, sizeof(f.node), "%s", td->node);
	snprintf(f.boot, sizeof(f.boot), "%s", td->boot);
	tok_nonce(td, f.nonce, sizeof(f.nonce));
	f.pid = getpid();
	f.start = time(NULL);
	f.lease = td->lease;
	f.attempt = attempt;
	snprintf(f.text, sizeof(f.text), "%s", source ? source : "");
	if ((len = tok_format(&f, buf, sizeof(buf))) >= sizeof(buf))
		fatalx("claim too long");
	name = tok_name(td, task, ".claim");
	if (tok_subdir(td, task, cause) != 0 ||
	    tok_tmpfile(td, name, buf, len, &tmp, &fd, cause) != 0) {
		free(name);
		return -1;
	}
	rv = link(tmp, name);
	*linkerr = rv == -1 ? errno : 0;
	held = tok_mine(name, f.nonce, why, sizeof(why)) == 0;
	unlink(tmp);
	free(tmp);
	if (!held) {
		close(fd);
		rv = rv == -1 && *linkerr != EEXIST && *linkerr != EPERM;
		if (rv)
			xasprintf(cause, "%s: %s", name, strerror(*linkerr));
		free(name);
		return rv ? -1 : 1;
	}
	free(name);
	td->held = xreallocarray(td->held, td->nheld + 1, sizeof(*td->held));
	h = &td->held[td->nheld++];
	memset(h, 0, sizeof(*h));
	snprintf(h->task, sizeof(h->task), "%s", task);
	h->fd = fd;
	snprintf(h->nonce, sizeof(h->nonce), "%s", f.nonce);
	h->renew_off = len - strlen(TOK_RENEWED);
	h->renewed = tok_clock(1);
	h->attempt = attempt;
	return 0;
}

/* Whether a claim was left by this host's earlier run (pid gone). */
static int
tok_orphan(const struct tokdir *td, const struct tok_file *f,
    const char *task)
{
	if (strcmp(f->node, td->node) != 0 || strcmp(f->boot, td->boot) != 0)
		return 0;
	if (f->pid == getpid())
		return tok_held(td, task) == -1;
	return kill(f->pid, 0) == -1 && errno == ESRCH;
}

/*
 * Whether the task's claim is one this host's earlier run left (same
 * node and boot, its process gone): 1, to be taken back at once.
 */
int
tok_orphaned(struct tokdir *td, const char *task)
{
	struct tok_file	 f;
	struct stat	 sb;
	char		*path, *cause = NULL;
	int		 r;

	path = tok_name(td, task, ".claim");
	r = tok_readfile(path, &f, &sb, &cause) == 0 &&
	    f.kind == TOK_CLAIM && f.pid != getpid() && tok_orphan(td, &f,
	    task);
	free(cause);
	free(path);
	return r;
}

/*
 * Rename a stale claim away and check it was the one judged (its nonce,
 * or size when it was unreadable, and mtime): 1 taken over, 0 not
 * (someone was faster), -1 error.
 */
static int
tok_takeover(struct tokdir *td, const char *task, const char *path,
    const struct tok_file *jf, const struct stat *judged, char **cause)
{
	struct tok_file	 f;
	struct stat	 sb;
	char		*stale, *err = NULL, suffix[TOK_NODE_MAX + 64];
	int		 same, r;

	snprintf(suffix, sizeof(suffix), ".stale.%s.%ld.%u", td->node,
	    (long)getpid(), td->rnd++);
	stale = tok_name(td, task, suffix);
	if (rename(path, stale) == -1) {
		free(stale);
		if (errno == ENOENT)
			return 0;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = tok_readfile(stale, &f, &sb, &err);
	free(err);
	same = sb.st_mtim.tv_sec == judged->st_mtim.tv_sec &&
	    (jf->nonce[0] != '\0' ? r == 0 && strcmp(f.nonce, jf->nonce) == 0 :
	    sb.st_size == judged->st_size);
	if (!same && link(stale, path) == -1 && errno != EEXIST)
		log_warnx("%s: cannot put back a claim renamed by mistake: %s",
		    path, strerror(errno));
	unlink(stale);
	free(stale);
	return same;
}

/*
 * Whether a claim is stale, by the file system's clock: 1, and how far
 * past its lease it is in *past (negative: dated in the future), or 0.
 */
static int
tok_staleness(struct tokdir *td, const char *path, struct tok_file *f,
    struct stat *sb, int *gone, int64_t *past, char **cause)
{
	char	*err = NULL;
	int64_t	 now = 0;
	int	 r, precise;

	for (precise = 0; precise < 2; precise++) {
		r = tok_readfile(path, f, sb, &err);
		if (r != 0 && errno == ENOENT) {
			*gone = 1;
			return 0;
		}
		if (r != 0 && sb->st_ino == 0) {
			*cause = err;
			return -1;
		}
		if (r != 0) {
			memset(f, 0, sizeof(*f));
			snprintf(f->text, sizeof(f->text), "%s", err);
			f->lease = td->lease;
			free(err);
			err = NULL;
		}
		if (tok_now(td, precise, &now, cause) != 0)
			return -1;
		if (tok_lease_left(now, tok_ns(&sb->st_mtim), f->lease) > 0)
			return 0;
	}
	*past = (now - tok_ns(&sb->st_mtim)) / TOK_NS - f->lease;
	if (tok_ns(&sb->st_mtim) > now)
		*past = (now - tok_ns(&sb->st_mtim)) / TOK_NS;
	return 1;
}

/*
 * Someone holds the claim: TOK_HELD, or 1 when it was stale or orphaned
 * and is gone now (claim again), -1 error.
 */
static int
tok_judge(struct tokdir *td, const char *task, struct tok_seen *seen,
    char **cause)
{
	struct tok_file	*f = &seen->f;
	struct stat	 sb;
	char		*path, why[TOK_TEXT_MAX + 64];
	int64_t		 past = 0;
	int		 gone = 0, orphan = 0, r, stale = 0;

	path = tok_name(td, task, ".claim");
	if (tok_readfile(path, f, &sb, cause) == 0 && f->kind == TOK_CLAIM)
		orphan = tok_orphan(td, f, task);
	free(*cause);
	*cause = NULL;
	if (!orphan && (stale = tok_staleness(td, path, f, &sb, &gone, &past,
	    cause)) <= 0) {
		free(path);
		if (stale < 0)
			return -1;
		if (gone)
			return 1;
		seen->until = tok_mono(sb.st_mtim.tv_sec + f->lease, td) + 1;
		return TOK_HELD;
	}
	if (orphan)
		snprintf(why, sizeof(why), "its process %ld is gone", f->pid);
	else if (past < 0)
		snprintf(why, sizeof(why), "dated %" PRId64 " s in the future, "
		    "which no holder does", -past);
	else if (f->node[0] == '\0')
		snprintf(why, sizeof(why), "unreadable (%s), %" PRId64 " s "
		    "past its lease", f->text, past);
	else
		snprintf(why, sizeof(why), "lease ran out %" PRId64 " s ago",
		    past);
	if ((r = tok_takeover(td, task, path, f, &sb, cause)) == 1)
		log_info("%s: took over the claim of %s (pid %ld): %s", task,
		    f->node[0] ? f->node : "?", f->pid, why);
	free(path);
	if (r == 0) {
		seen->until = tok_clock(1) + 1;
		return TOK_HELD;
	}
	return r;
}

/*
 * Claim a task for this process.  source is recorded in the claim for
 * people to read.  What was found is in seen.
 */
int
tok_claim(struct tokdir *td, const char *task, const char *source,
    struct tok_seen *seen, char **cause)
{
	struct tok_seen	 again;
	int		 r, i, tries, linkerr = 0;

	memset(seen, 0, sizeof(*seen));
	if ((i = tok_held(td, task)) != -1) {
		seen->attempt = td->held[i].attempt;
		return TOK_CLAIMED;
	}
	if (!td->ready) {
		xasprintf(cause, "token directory %s is not ready", td->dir);
		return TOK_ERROR;
	}
	for (tries = 0; tries < TOK_TRIES; tries++) {
		if ((r = tok_look(td, task, seen, cause)) != TOK_CLAIMED)
			return r;
		r = tok_link(td, task, source, seen->attempt, &linkerr, cause);
		if (r == -1)
			return TOK_ERROR;
		if (r == 0) {
			if ((r = tok_look(td, task, &again, cause)) !=
			    TOK_ISDONE && r != TOK_ERROR && r != TOK_BROKEN)
				return TOK_CLAIMED;
			tok_release(td, task);
			if (r == TOK_ISDONE)
				*seen = again;
			return r;
		}
		if ((r = tok_judge(td, task, seen, cause)) != 1)
			return r;
	}
	if (linkerr == EPERM) {
		/* Never there, never linked: no hard links here. */
		xasprintf(cause, "%s: cannot link a claim: %s (the token "
		    "directory's file system must support hard links)",
		    td->dir, strerror(linkerr));
		return TOK_ERROR;
	}
	seen->until = tok_clock(1) + 1;
	return TOK_HELD;
}

/* Seconds until the next renewal is due. */
double
tok_renew_due(const struct tokdir *td)
{
	double	now = tok_clock(1), every = td->lease / 4.0, due;
	size_t	i;

	due = td->attached ? every : td->noded + every - now;
	for (i = 0; i < td->nheld; i++)
		if (td->held[i].renewed + every - now < due)
			due = td->held[i].renewed + every - now;
	return due < 0 ? 0 : due;
}

/*
 * Renew one claim: rewrite its "renewed" line in place (the file system
 * stamps it; fstat makes an NFS client send the write), then read it
 * back by name to see it is still this one.  0, or -1 with why it is
 * lost.
 */
static int
tok_renew_one(struct tokdir *td, struct tokheld *h, char *why, size_t len)
{
	struct stat	 sb;
	char		 line[64], *path;
	int		 n, rv = 0;

	n = snprintf(line, sizeof(line), "renewed %010u\n", ++h->count);
	path = tok_name(td, h->task, ".claim");
	if (pwrite(h->fd, line, n, h->renew_off) != n ||
	    fstat(h->fd, &sb) == -1) {
		snprintf(why, len, "cannot renew: %s", strerror(errno));
		rv = -1;
	} else
		rv = tok_mine(path, h->nonce, why, len);
	free(path);
	h->renewed = tok_clock(1);
	return rv;
}

/*
 * Renew the claims (and the node file) that are due; lost(arg, task,
 * why) for each claim found lost, which is forgotten.  The number lost.
 */
int
tok_renew(struct tokdir *td, void (*lost)(void *, const char *,
    const char *), void *arg)
{
	char	 why[256], task[TOK_TASK_MAX], *cause = NULL;
	double	 now = tok_clock(1), every = td->lease / 4.0;
	size_t	 i = 0;
	int	 nlost = 0;

	if (td->ready && !td->attached && now >= td->noded + every &&
	    tok_ready(td, &cause)) {
		log_warnx("%s", cause);
		free(cause);
	}
	while (i < td->nheld) {
		if (now < td->held[i].renewed + every ||
		    tok_renew_one(td, &td->held[i], why, sizeof(why)) == 0) {
			i++;
			continue;
		}
		snprintf(task, sizeof(task), "%s", td->held[i].task);
		tok_forget(td, i);
		nlost++;
		if (lost != NULL)
			lost(arg, task, why);
	}
	return nlost;
}

/* Write a held task's marker (suffix), then give its claim back. */
static int
tok_finish(struct tokdir *td, const char *task, const char *suffix,
    struct tok_file *f, char **cause)
{
	char	*path;
	int	 i, rv;

	if ((i = tok_held(td, task)) == -1) {
		xasprintf(cause, "%s: not claimed by this process", task);
		return -1;
	}
	snprintf(f->node, sizeof(f->node), "%s", td->node);
	f->attempt = td->held[i].attempt;
	f->start = time(NULL);
	path = tok_name(td, task, suffix);
	rv = tok_write_marker(td, path, f, 0, cause);
	free(path);
	if (rv == 0 && f->kind == TOK_DONE) {
		path = tok_name(td, task, ".failed");
		unlink(path);
		free(path);
	}
	tok_release(td, task);
	return rv;
}

/* The task is done: output and figures for the other hosts to read. */
int
tok_done(struct tokdir *td, const char *task, const char *output,
    const char *summary, char **cause)
{
	struct tok_file	f;

	memset(&f, 0, sizeof(f));
	f.kind = TOK_DONE;
	snprintf(f.text, sizeof(f.text), "%s", output ? output : "");
	snprintf(f.summary, sizeof(f.summary), "%s", summary ? summary : "");
	return tok_finish(td, task, ".done", &f, cause);
}

/*
 * The task failed: for good, or (transient) to be retried by any host
 * after retry_delay doubled for each attempt so far.
 */
int
tok_fail(struct tokdir *td, const char *task, const char *reason,
    int transient, int retry_delay, char **cause)
{
	struct tok_file	f;
	int64_t		now = 0;
	int		i;

	memset(&f, 0, sizeof(f));
	f.kind = TOK_FAILED;
	f.transient = transient;
	snprintf(f.text, sizeof(f.text), "%s", reason ? reason : "");
	if (transient && (i = tok_held(td, task)) != -1 &&
	    tok_now(td, 0, &now, cause) == 0)
		f.retry_at = (now + TOK_NS - 1) / TOK_NS +
		    tok_retry_delay(retry_delay, td->held[i].attempt);
	free(*cause);
	*cause = NULL;
	return tok_finish(td, task, ".failed", &f, cause);
}

/*
 * Publish a file of a job's (a chunk plan) once for all hosts: written,
 * then linked to name; 1 when another host's is already there.
 */
int
tok_publish(struct tokdir *td, const char *name, const char *data,
    size_t len, char **cause)
{
	char	*path, *tmp;
	int	 rv = 0;

	if (tok_subdir(td, name, cause) != 0)
		return -1;
	path = tok_name(td, name, "");
	if (tok_tmpfile(td, path, data, len, &tmp, NULL, cause) != 0) {
		free(path);
		return -1;
	}
	if (link(tmp, path) == -1) {
		if (errno == EEXIST)
			rv = 1;
		else {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			rv = -1;
		}
	}
	unlink(tmp);
	free(tmp);
	free(path);
	return rv;
}

/*
 * Take back a task's done marker: the file it says was made is gone (a
 * chunk's, from a work directory that was emptied), so it is to be done
 * again.
 */
void
tok_undo(struct tokdir *td, const char *task)
{
	char	*path;

	path = tok_name(td, task, ".done");
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("%s", path);
	free(path);
}
