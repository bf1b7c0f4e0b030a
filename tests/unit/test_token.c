/*
 * Unit tests: token files (corrupt, truncated, hostile), lease arithmetic
 * by the file system's clock, and the protocol on a real directory: claim,
 * held, done, failed, takeover of stale, corrupt, orphaned and future
 * claims, the marker, node names, chunk tasks.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "token.h"
#include "token_local.h"

static char	tmpl[] = "/tmp/test_token.XXXXXX";
static char	*top;
static int	 serial;

#define NS	TOK_NS

static char *
newdir(void)
{
	static char	path[512];

	snprintf(path, sizeof(path), "%s/t%d", top, serial++);
	return path;
}

static void
put(const char *dir, const char *name, const char *text, time_t age)
{
	struct timespec	ts[2];
	char		path[1024];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= age;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static int
exists(const char *dir, const char *name)
{
	char	path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static struct tokdir *
ready(const char *dir, const char *node)
{
	struct tokdir	*td;
	char		*cause = NULL;

	td = tok_open(dir, node, 60, 3, 0, NULL);
	if (tok_ready(td, &cause) != 0)
		fail_msg("tok_ready: %s", cause);
	return td;
}

static const char claim_text[] =
    "distenc-claim 1\nnode hostb\nboot 1234-boot\nnonce 5eed\npid 4242\n"
    "start 17\n"
    "lease 60\nattempt 1\nsource a/b.mkv\nrenewed 0000000000\n";

/* A claim formatted and parsed again is the same. */
static void
test_roundtrip(void **state)
{
	struct tok_file	 f, g;
	char		 buf[4096], *cause = NULL;
	size_t		 len;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.kind = TOK_CLAIM;
	strcpy(f.node, "host-1.example");
	strcpy(f.boot, "0b6e-boot");
	strcpy(f.nonce, "c0ffee");
	f.pid = 99;
	f.start = 1700000000;
	f.lease = 300;
	f.attempt = 2;
	strcpy(f.text, "dir/na\nme \"q\".mkv");
	len = tok_format(&f, buf, sizeof(buf));
	assert_true(len < sizeof(buf));
	assert_int_equal(tok_parse(buf, len, &g, &cause), 0);
	assert_string_equal(g.node, f.node);
	assert_string_equal(g.boot, f.boot);
	assert_string_equal(g.nonce, f.nonce);
	assert_int_equal(g.pid, 99);
	assert_int_equal(g.lease, 300);
	assert_int_equal(g.attempt, 2);
	assert_int_equal(g.start, 1700000000);
	assert_null(strchr(g.text, '\n'));	/* escaped, one line */
	assert_non_null(strstr(buf, "renewed 0000000000\n"));
}

static void
expect_bad(const char *text, size_t len, const char *why)
{
	struct tok_file	 f;
	char		*cause = NULL;

	if (len == (size_t)-1)
		len = strlen(text);
	assert_int_equal(tok_parse(text, len, &f, &cause), -1);
	assert_non_null(cause);
	if (why != NULL && strstr(cause, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, why);
	free(cause);
}

/* Corrupt and hostile files are refused with a reason, never trusted. */
static void
test_corrupt(void **state)
{
	char	big[20000];

	(void)state;
	expect_bad("", 0, "empty");
	expect_bad("hello world\n", 12, "not a token file");
	expect_bad("distenc-claim 7\n", 16, "unknown version");
	expect_bad("distenc-claim 1\nnode a\0b\n", 25, "binary");
	expect_bad("distenc-claim 1\nnode ../etc\nboot b\npid 1\nlease 5\n",
	    (size_t)-1, "bad node");
	expect_bad("distenc-claim 1\nnode a\nboot b\npid -4\nlease 5\n", (size_t)-1,
	    "bad pid");
	expect_bad("distenc-claim 1\nnode a\nboot b\npid 99999999999999\n"
	    "lease 5\n",
	    (size_t)-1, "bad pid");
	expect_bad("distenc-claim 1\nnode a\nboot b\npid 1x\nlease 5\n", (size_t)-1,
	    "bad pid");
	expect_bad("distenc-claim 1\nnode a\nboot b\npid 1\nlease 0\n", (size_t)-1,
	    "bad lease");
	/* No header line at all, just a very long line. */
	memset(big, 'x', sizeof(big));
	expect_bad(big, sizeof(big), "not a token file");
}

/* Every prefix of a claim cut short parses only once it is whole. */
static void
test_truncated(void **state)
{
	struct tok_file	 f;
	size_t		 len = strlen(claim_text), n, lease_end;
	char		*cause = NULL;

	(void)state;
	lease_end = strstr(claim_text, "lease 60\n") - claim_text + 9;
	for (n = 0; n < len; n++) {
		int	r = tok_parse(claim_text, n, &f, &cause);

		if (n < lease_end)
			assert_int_equal(r, -1);
		else
			assert_int_equal(r, 0);
		free(cause);
		cause = NULL;
	}
	assert_int_equal(tok_parse(claim_text, len, &f, &cause), 0);
	assert_string_equal(f.text, "a/b.mkv");
}

/* Hostile values: control characters, overlong lines, unknown keys. */
static void
test_hostile(void **state)
{
	struct tok_file	 f;
	char		 buf[16384], *cause = NULL;
	int		 n;

	(void)state;
	n = snprintf(buf, sizeof(buf), "distenc-done 1\nnode a\nattempt 1\n"
	    "future-key whatever\noutput \033[2J\r%s\n", "");
	assert_int_equal(tok_parse(buf, n, &f, &cause), 0);
	assert_null(strchr(f.text, '\033'));
	assert_null(strchr(f.text, '\r'));
	memset(buf, 0, sizeof(buf));
	n = snprintf(buf, sizeof(buf), "distenc-done 1\nnode a\nattempt 1\n"
	    "output ");
	memset(buf + n, 'y', 12000);
	n += 12000;
	buf[n++] = '\n';
	assert_int_equal(tok_parse(buf, n, &f, &cause), 0);
	assert_true(strlen(f.text) < TOK_TEXT_MAX);
	assert_false(node_valid(""));
	assert_false(node_valid(".x"));
	assert_false(node_valid("a b"));
	assert_false(node_valid("a/b"));
	assert_true(node_valid("node-7.lan_x"));
	memset(buf, 'n', 64);
	buf[64] = '\0';
	assert_false(node_valid(buf));
}

/*
 * Lease arithmetic uses only the file system's times: hosts whose clocks
 * are an hour apart agree, and a renewal from "the future" is stale.
 */
static void
test_lease(void **state)
{
	(void)state;
	assert_int_equal(tok_lease_left(1000 * NS, 990 * NS, 60), 50 * NS);
	assert_int_equal(tok_lease_left(1000 * NS, 940 * NS, 60), 0);
	assert_true(tok_lease_left(1000 * NS, 900 * NS, 60) < 0);
	assert_int_equal(tok_lease_left(1000 * NS, 1030 * NS, 60), 90 * NS);
	assert_int_equal(tok_lease_left(1000 * NS, (1000 + 3600) * NS, 60),
	    0);
	assert_int_equal(tok_lease_left(1000 * NS, 990 * NS, 0), 0);
}

/*
 * Leases to the nanosecond: renewed at 10.9 s, at 16.1 s a 6 s lease has
 * 0.8 s left (whole seconds, 16 - 10, said it had run out), and at
 * 16.9 s exactly it has run out.
 */
static void
test_lease_ns(void **state)
{
	struct timespec	ts = { 10, 900000000 };

	(void)state;
	assert_int_equal(tok_ns(&ts), 10 * NS + 900000000);
	assert_int_equal(tok_lease_left(16 * NS + 100000000, tok_ns(&ts), 6),
	    800000000);
	assert_true(tok_lease_left(16 * NS + 899999999, tok_ns(&ts), 6) > 0);
	assert_int_equal(tok_lease_left(16 * NS + 900000000, tok_ns(&ts), 6),
	    0);
	assert_int_equal(tok_lease_left(16 * NS, 10 * NS + 1, 6), 1);
}

/* The probe reads the file system's clock, not the local one. */
static void
test_clock(void **state)
{
	struct tokdir	*td;
	int64_t		 now;
	char		*cause = NULL;

	(void)state;
	td = ready(newdir(), "a");
	assert_int_equal(tok_now(td, 1, &now, &cause), 0);
	now /= NS;
	assert_true(now >= time(NULL) - 2 && now <= time(NULL) + 2);
	assert_int_equal(tok_now(td, 0, &now, &cause), 0);	/* estimate */
	now /= NS;
	assert_true(now >= time(NULL) - 2 && now <= time(NULL) + 2);
	tok_close(td);
}

/* Claim, held by another, done, and nothing left behind. */
static void
test_claim(void **state)
{
	struct tokdir	*a, *b;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL;

	(void)state;
	a = ready(dir, "a");
	b = ready(dir, "b");
	assert_true(exists(dir, TOK_MARKER));
	assert_int_equal(tok_claim(a, "job1", "x/y.mkv", &s, &cause),
	    TOK_CLAIMED);
	assert_int_equal(s.attempt, 1);
	assert_int_equal(tok_claim(b, "job1", "x/y.mkv", &s, &cause),
	    TOK_HELD);
	assert_string_equal(s.f.node, "a");
	assert_true(s.until > 0);
	assert_int_equal(tok_done(a, "job1", "/out/y.mkv", "1000 kb/s",
	    &cause), 0);
	assert_false(exists(dir, "job1.claim"));
	assert_int_equal(tok_claim(b, "job1", "x/y.mkv", &s, &cause),
	    TOK_ISDONE);
	assert_string_equal(s.f.node, "a");
	assert_string_equal(s.f.text, "/out/y.mkv");
	assert_string_equal(s.f.summary, "1000 kb/s");
	/* Released claims are free at once. */
	assert_int_equal(tok_claim(b, "job2", "z", &s, &cause), TOK_CLAIMED);
	tok_release(b, "job2");
	assert_int_equal(tok_claim(a, "job2", "z", &s, &cause), TOK_CLAIMED);
	tok_close(a);	/* releases job2 */
	assert_false(exists(dir, "job2.claim"));
	tok_close(b);
}

static void
on_lost(void *arg, const char *task, const char *why)
{
	(void)why;
	snprintf(arg, 64, "%s", task);
}

/* A stale claim is taken over; its old holder finds it lost. */
static void
test_takeover(void **state)
{
	struct tokdir	*a, *b;
	struct tok_seen	 s;
	struct stat	 sb;
	struct timespec	 ts[2];
	char		*dir = newdir(), *cause = NULL, path[1024], lost[64] = "";

	(void)state;
	a = ready(dir, "a");
	b = ready(dir, "b");
	assert_int_equal(tok_claim(a, "job", "src", &s, &cause), TOK_CLAIMED);
	snprintf(path, sizeof(path), "%s/job.claim", dir);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 61;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	assert_int_equal(tok_claim(b, "job", "src", &s, &cause), TOK_CLAIMED);
	assert_int_equal(stat(path, &sb), 0);
	a->held[0].renewed = 0;		/* make a's renewal due */
	assert_int_equal(tok_renew(a, on_lost, lost), 1);
	assert_string_equal(lost, "job");
	assert_int_equal(a->nheld, 0);
	tok_close(a);	/* must not remove b's claim */
	assert_true(exists(dir, "job.claim"));
	b->held[0].renewed = 0;
	assert_int_equal(tok_renew(b, on_lost, lost), 0);
	tok_close(b);
}

/* Corrupt claims: respected while fresh, taken over once stale. */
static void
test_corrupt_claim(void **state)
{
	struct tokdir	*b;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL;

	(void)state;
	b = ready(dir, "b");
	put(dir, "fresh.claim", "\377garbage", 0);
	put(dir, "old.claim", "distenc-claim 1\nnode a\npi", 61);
	put(dir, "empty.claim", "", 120);
	assert_int_equal(tok_claim(b, "fresh", "", &s, &cause), TOK_HELD);
	assert_int_equal(tok_claim(b, "old", "", &s, &cause), TOK_CLAIMED);
	assert_int_equal(tok_claim(b, "empty", "", &s, &cause), TOK_CLAIMED);
	tok_close(b);
}

/*
 * A host whose clock is an hour off: its claim's own times are wrong but
 * its mtime (set by the file system) is fresh, so it is held.  A claim
 * dated an hour ahead cannot be this protocol's: stale.
 */
static void
test_skewed_host(void **state)
{
	struct tokdir	*b;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL, text[512];

	(void)state;
	b = ready(dir, "b");
	snprintf(text, sizeof(text), "distenc-claim 1\nnode a\nboot x\n"
	    "nonce n1\npid 1\n"
	    "start %lld\nlease 60\nattempt 1\n", (long long)time(NULL) - 3600);
	put(dir, "behind.claim", text, 0);
	if (tok_claim(b, "behind", "", &s, &cause) != TOK_HELD)
		fail_msg("behind: %s", cause ? cause : "?");
	put(dir, "ahead.claim", text, -3600);
	assert_int_equal(tok_claim(b, "ahead", "", &s, &cause), TOK_CLAIMED);
	tok_close(b);
}

/* This host's earlier run's claim (same node and boot, pid gone). */
static void
test_orphan(void **state)
{
	struct tokdir	*a;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL, text[512];
	pid_t		 pid;

	(void)state;
	a = ready(dir, "a");
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	snprintf(text, sizeof(text), "distenc-claim 1\nnode a\nboot %s\n"
	    "nonce n2\npid %ld\nstart 0\nlease 60\nattempt 1\n", a->boot,
	    (long)pid);
	put(dir, "mine.claim", text, 0);
	assert_int_equal(tok_claim(a, "mine", "", &s, &cause), TOK_CLAIMED);
	/* Another node's fresh claim with a dead pid is still held. */
	snprintf(text, sizeof(text), "distenc-claim 1\nnode z\nboot %s\n"
	    "nonce n3\npid %ld\nstart 0\nlease 60\nattempt 1\n", a->boot,
	    (long)pid);
	put(dir, "theirs.claim", text, 0);
	assert_int_equal(tok_claim(a, "theirs", "", &s, &cause), TOK_HELD);
	tok_close(a);
}

/* Failures: final ones stay failed, transient ones wait, then retry. */
static void
test_failed(void **state)
{
	struct tokdir	*a, *b;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL;

	(void)state;
	a = ready(dir, "a");
	b = ready(dir, "b");
	assert_int_equal(tok_claim(a, "bad", "", &s, &cause), TOK_CLAIMED);
	assert_int_equal(tok_fail(a, "bad", "not a media file", 0, 10,
	    &cause), 0);
	assert_int_equal(tok_claim(b, "bad", "", &s, &cause), TOK_ISFAILED);
	assert_string_equal(s.f.text, "not a media file");
	assert_int_equal(tok_claim(a, "flaky", "", &s, &cause), TOK_CLAIMED);
	assert_int_equal(tok_fail(a, "flaky", "disk full", 1, 1000, &cause),
	    0);
	assert_int_equal(tok_claim(b, "flaky", "", &s, &cause), TOK_WAIT);
	assert_true(s.until > 900);
	put(dir, "due.failed", "distenc-failed 1\nnode a\nattempt 1\n"
	    "transient 1\nretry_at 0\nreason x\n", 0);
	assert_int_equal(tok_claim(b, "due", "", &s, &cause), TOK_CLAIMED);
	assert_int_equal(s.attempt, 2);
	assert_int_equal(tok_done(b, "due", "o", "", &cause), 0);
	assert_false(exists(dir, "due.failed"));
	put(dir, "spent.failed", "distenc-failed 1\nnode a\nattempt 3\n"
	    "transient 1\nretry_at 0\nreason x\n", 0);
	assert_int_equal(tok_claim(b, "spent", "", &s, &cause), TOK_ISFAILED);
	tok_close(a);
	tok_close(b);
}

/* The marker: made at first use, required after, never faked. */
static void
test_marker(void **state)
{
	struct tokdir	*td;
	char		*dir, *cause = NULL, record[1024], path[2048];

	(void)state;
	dir = newdir();
	assert_int_equal(mkdir(dir, 0777), 0);
	put(dir, "something", "x", 0);
	td = tok_open(dir, "a", 60, 3, 0, NULL);
	assert_int_equal(tok_ready(td, &cause), -1);
	assert_non_null(strstr(cause, "not empty"));
	free(cause);
	cause = NULL;
	tok_close(td);

	dir = newdir();
	snprintf(record, sizeof(record), "%s.record", dir);
	td = tok_open(dir, "a", 60, 3, 1, record);
	assert_int_equal(tok_ready(td, &cause), 0);
	assert_true(access(record, F_OK) == 0);
	tok_close(td);
	/* The share "unmounted": an empty directory, and a host that
	 * remembers the marker refuses it. */
	snprintf(path, sizeof(path), "rm -rf '%s' && mkdir '%s'", dir, dir);
	assert_int_equal(system(path), 0);
	td = tok_open(dir, "a", 60, 3, 1, record);
	assert_int_equal(tok_ready(td, &cause), -1);
	assert_non_null(strstr(cause, "is the share mounted"));
	free(cause);
	cause = NULL;
	assert_false(exists(dir, TOK_MARKER));
	tok_close(td);
}

/* Two live hosts with one node name: the second is refused. */
static void
test_node_conflict(void **state)
{
	struct tokdir	*td;
	char		*dir = newdir(), *cause = NULL;

	(void)state;
	td = ready(dir, "a");
	tok_close(td);
	put(dir, ".node.a", "distenc-node 1\nnode a\nboot other-boot\npid 7\n"
	    "daemon 1\nstart 0\nlease 60\n", 0);
	td = tok_open(dir, "a", 60, 3, 1, NULL);
	assert_int_equal(tok_ready(td, &cause), -1);
	assert_non_null(strstr(cause, "in use by another live host"));
	free(cause);
	cause = NULL;
	tok_close(td);
	/* Once that file is stale, the name is free again. */
	put(dir, ".node.a", "distenc-node 1\nnode a\nboot other-boot\npid 7\n"
	    "daemon 1\nstart 0\nlease 60\n", 61);
	td = tok_open(dir, "a", 60, 3, 1, NULL);
	assert_int_equal(tok_ready(td, &cause), 0);
	tok_close(td);
}

/* The "boot" line of node's file in dir (its newline kept), or "". */
static const char *
node_boot(const char *dir, const char *node, char *buf, size_t len)
{
	FILE	*fp;
	char	*path;

	assert_int_not_equal(asprintf(&path, "%s/.node.%s", dir, node), -1);
	fp = fopen(path, "r");
	free(path);
	assert_non_null(fp);
	while (fgets(buf, len, fp) != NULL)
		if (strncmp(buf, "boot ", 5) == 0) {
			memmove(buf, buf + 5, strlen(buf + 5) + 1);
			fclose(fp);
			return buf;
		}
	fclose(fp);
	return "";
}

/*
 * The boot id: systemd's %b (32 hex digits) and the kernel's dashed form
 * read alike; DISTENC_BOOT_ID, where /proc/sys is hidden, is the one the
 * node file carries, the same as the kernel's.
 */
static void
test_boot_id(void **state)
{
	FILE		*fp;
	char		 out[TOK_BOOT_MAX], kernel[64], buf[256];
	char		*dir = newdir();

	(void)state;
	assert_int_equal(tok_boot_parse("DCD0DCBD5E4C421BA231C5C3BD09AC12",
	    out, sizeof(out)), 0);
	assert_string_equal(out, "dcd0dcbd-5e4c-421b-a231-c5c3bd09ac12");
	assert_int_equal(tok_boot_parse("dcd0dcbd-5e4c-421b-a231-"
	    "c5c3bd09ac12", out, sizeof(out)), 0);
	assert_string_equal(out, "dcd0dcbd-5e4c-421b-a231-c5c3bd09ac12");
	assert_int_equal(tok_boot_parse("", out, sizeof(out)), -1);
	assert_int_equal(tok_boot_parse("dcd0dcbd5e4c421ba231c5c3bd09ac1",
	    out, sizeof(out)), -1);
	assert_int_equal(tok_boot_parse("dcd0dcbd5e4c421ba231c5c3bd09ac123",
	    out, sizeof(out)), -1);
	assert_int_equal(tok_boot_parse("dcd0dcbd5e4c421ba231c5c3bd09ac1g",
	    out, sizeof(out)), -1);
	assert_int_equal(tok_boot_parse("dcd0dcbd-5e4c421ba231c5c3bd09ac12",
	    out, sizeof(out)), -1);
	assert_int_equal(tok_boot_parse("--dcd0dcbd5e4c421ba231c5c3bd09ac1",
	    out, sizeof(out)), -1);

	/* The kernel's, when readable, is the default; the variable wins. */
	fp = fopen("/proc/sys/kernel/random/boot_id", "r");
	assert_non_null(fp);
	assert_non_null(fgets(kernel, sizeof(kernel), fp));
	fclose(fp);
	tok_close(ready(dir, "a"));
	assert_string_equal(node_boot(dir, "a", buf, sizeof(buf)), kernel);
	assert_int_equal(setenv("DISTENC_BOOT_ID",
	    "0123456789abcdef0123456789ABCDEF", 1), 0);
	tok_close(ready(dir, "b"));
	assert_string_equal(node_boot(dir, "b", buf, sizeof(buf)),
	    "01234567-89ab-cdef-0123-456789abcdef\n");
	/* One that is not a boot id is ignored. */
	assert_int_equal(setenv("DISTENC_BOOT_ID", "../../etc", 1), 0);
	tok_close(ready(dir, "c"));
	unsetenv("DISTENC_BOOT_ID");
	assert_string_equal(node_boot(dir, "c", buf, sizeof(buf)), kernel);
}

/* Chunk tasks in a job's subdirectory; a plan published once. */
static void
test_chunks(void **state)
{
	struct tokdir	*a, *b;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL;

	(void)state;
	a = ready(dir, "a");
	b = ready(dir, "b");
	assert_int_equal(tok_publish(a, "job.d/plan", "a\n", 2, &cause), 0);
	assert_int_equal(tok_publish(b, "job.d/plan", "b\n", 2, &cause), 1);
	assert_int_equal(tok_claim(a, "job.d/c0001", "", &s, &cause),
	    TOK_CLAIMED);
	assert_int_equal(tok_claim(b, "job.d/c0001", "", &s, &cause),
	    TOK_HELD);
	assert_int_equal(tok_claim(b, "job.d/c0002", "", &s, &cause),
	    TOK_CLAIMED);
	assert_int_equal(tok_done(a, "job.d/c0001", "", "", &cause), 0);
	assert_true(exists(dir, "job.d/c0001.done"));
	tok_close(a);
	tok_close(b);
}

/*
 * A job's sub-tasks: found by suffix, a done marker taken back, failures
 * forgotten; an attached worker's claims are its own and need no marker
 * check; a done job's sub-tasks are swept two leases after it.
 */
static void
test_subtasks(void **state)
{
	struct tokdir	*a, *w;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL;

	(void)state;
	a = ready(dir, "a");
	assert_false(tok_has_sub(a, "job", ".plan"));
	assert_int_equal(tok_publish(a, "job.d/k1.plan", "p\n", 2, &cause), 0);
	assert_true(tok_has_sub(a, "job", ".plan"));
	assert_true(tok_has_sub(a, "job", "k1.plan"));
	assert_false(tok_has_sub(a, "job", "k2.plan"));

	w = tok_attach(dir, "b", 60, 3);	/* another process: node b */
	assert_int_equal(tok_claim(w, "job.d/k1.c0000", "", &s, &cause),
	    TOK_CLAIMED);
	assert_int_equal(tok_claim(a, "job.d/k1.c0000", "", &s, &cause),
	    TOK_HELD);
	assert_int_equal(tok_done(w, "job.d/k1.c0000", "f", "", &cause), 0);
	assert_int_equal(tok_claim(a, "job.d/k1.c0000", "", &s, &cause),
	    TOK_ISDONE);
	tok_undo(a, "job.d/k1.c0000");
	assert_int_equal(tok_claim(w, "job.d/k1.c0000", "", &s, &cause),
	    TOK_CLAIMED);
	assert_int_equal(tok_fail(w, "job.d/k1.c0000", "bad", 0, 1, &cause),
	    0);
	assert_int_equal(tok_claim(a, "job.d/k1.c0000", "", &s, &cause),
	    TOK_ISFAILED);
	tok_clear_failed(a, "job");
	assert_false(exists(dir, "job.d/k1.c0000.failed"));
	assert_true(exists(dir, "job.d/k1.plan"));
	tok_close(w);
	assert_false(exists(dir, ".node.b"));	/* attached: none */

	/* Swept only once the job's done marker is two leases old. */
	put(dir, "job.done", "distenc-done 1\nnode a\n", 10);
	tok_sweep(a);
	assert_true(exists(dir, "job.d/k1.plan"));
	put(dir, "job.done", "distenc-done 1\nnode a\n", 121);
	tok_sweep(a);
	assert_false(exists(dir, "job.d"));
	assert_true(exists(dir, "job.done"));
	tok_close(a);
}

/* Leftovers of killed processes go once two leases old. */
static void
test_sweep(void **state)
{
	struct tokdir	*a;
	char		*dir = newdir();

	(void)state;
	a = ready(dir, "a");
	put(dir, ".tmp.z.1.2", "", 121);
	put(dir, ".probe.z.1", "", 121);
	put(dir, "j.stale.z.1.3", "", 121);
	put(dir, ".tmp.z.1.4", "", 10);
	tok_sweep(a);
	assert_false(exists(dir, ".tmp.z.1.2"));
	assert_false(exists(dir, ".probe.z.1"));
	assert_false(exists(dir, "j.stale.z.1.3"));
	assert_true(exists(dir, ".tmp.z.1.4"));
	assert_true(exists(dir, TOK_MARKER));
	tok_close(a);
}

/* Fields out of any range this protocol writes are refused. */
static void
test_ranges(void **state)
{
	(void)state;
	expect_bad("distenc-claim 1\nnode a\nboot b\npid 1\nnonce n\n"
	    "lease 86401\n", (size_t)-1, "bad lease");
	expect_bad("distenc-done 1\nnode a\nattempt 101\n", (size_t)-1,
	    "bad attempt");
	expect_bad("distenc-done 1\nnode a\nattempt -1\n", (size_t)-1,
	    "bad attempt");
	expect_bad("distenc-failed 1\nnode a\nattempt 1\ntransient 1\n"
	    "retry_at -1\n", (size_t)-1, "bad retry_at");
	expect_bad("distenc-failed 1\nnode a\nattempt 1\ntransient 1\n"
	    "retry_at 9000000000000000000\n", (size_t)-1, "bad retry_at");
	expect_bad("distenc-done 1\nnode a\nattempt 1\nstart -5\n",
	    (size_t)-1, "bad start");
}

/* How many entries a directory has (hidden ones too). */
static int
entries(const char *path)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* A path under top for a victim outside the token directory. */
static char *
victim(const char *name, const char *text)
{
	static char	path[512];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", top, name);
	if (text == NULL)
		assert_int_equal(mkdir(path, 0755), 0);
	else {
		assert_non_null(fp = fopen(path, "w"));
		fputs(text, fp);
		fclose(fp);
	}
	return path;
}

static void
link_at(const char *dir, const char *name, const char *target)
{
	char	path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(symlink(target, path), 0);
}

static int
is_link(const char *dir, const char *name)
{
	struct stat	sb;
	char		path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
}

/* A token file's path in td, in a buffer of the caller's (no leak). */
static const char *
tpath(struct tokdir *td, const char *task, const char *suffix, char *buf,
    size_t len)
{
	char	*p = tok_name(td, task, suffix);

	snprintf(buf, len, "%s", p);
	free(p);
	return buf;
}

/*
 * Links planted in the token directory are never followed: a job's
 * sub-directory that is a link is removed as a link by the sweep (its
 * target's files stay), a link inside one is removed as a link, failures
 * are forgotten and plans published only in a real directory.
 */
static void
test_symlinks(void **state)
{
	struct tokdir	*a;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL, vdir[512], vfile[512];
	char		 moved[1024], tp[1024];

	(void)state;
	snprintf(vdir, sizeof(vdir), "%s", victim("vdir", NULL));
	snprintf(vfile, sizeof(vfile), "%s", victim("vfile", "keep\n"));
	put(vdir, "x.failed", "keep\n", 0);
	put(vdir, "y.plan", "keep\n", 0);
	a = ready(dir, "a");
	link_at(dir, "old.d", vdir);
	put(dir, "old.done", "distenc-done 1\nnode a\nattempt 1\n", 121);
	assert_int_equal(mkdir(tpath(a, "inner.d", "", tp, sizeof(tp)), 0755),
	    0);
	link_at(dir, "inner.d/z.plan", vfile);
	put(dir, "inner.done", "distenc-done 1\nnode a\nattempt 1\n", 121);
	tok_clear_failed(a, "old");
	assert_true(exists(vdir, "x.failed"));
	tok_sweep(a);
	assert_true(exists(vdir, "x.failed"));
	assert_true(exists(vdir, "y.plan"));
	assert_false(is_link(dir, "old.d"));	/* removed as a link */
	assert_false(exists(dir, "inner.d"));
	assert_int_equal(access(vfile, F_OK), 0);
	link_at(dir, "pub.d", vdir);
	assert_int_equal(tok_publish(a, "pub.d/k.plan", "p\n", 2, &cause),
	    -1);
	assert_non_null(strstr(cause, "symbolic link"));
	free(cause);
	assert_false(exists(vdir, "k.plan"));
	assert_false(tok_has_sub(a, "pub", ".plan"));	/* not looked into */
	/* A job's directory swapped for a link while a chunk is held: its
	 * marker is not written through the link. */
	assert_int_equal(tok_claim(a, "sw.d/c0", "", &s, &cause), TOK_CLAIMED);
	snprintf(moved, sizeof(moved), "%s/sw.moved", dir);
	assert_int_equal(rename(tpath(a, "sw.d", "", tp, sizeof(tp)), moved),
	    0);
	link_at(dir, "sw.d", vdir);
	assert_int_equal(tok_done(a, "sw.d/c0", "out", "", &cause), -1);
	free(cause);
	cause = NULL;
	assert_false(exists(vdir, "c0.done"));
	assert_int_equal(entries(vdir), 2);	/* x.failed, y.plan: no .tmp */
	tok_close(a);
}

/* Whether the file at path holds text. */
static int
holds(const char *path, const char *text)
{
	char	buf[256];
	FILE	*fp;
	size_t	n;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return strcmp(buf, text) == 0;
}

/*
 * Files this process makes in the token directory are made anew: links
 * planted at the probe's and the node file's temporary names are never
 * written through.
 */
static void
test_planted(void **state)
{
	struct tokdir	*a;
	char		*dir = newdir(), name[128], v1[512], v2[512];

	(void)state;
	snprintf(v1, sizeof(v1), "%s", victim("vprobe", "secret\n"));
	snprintf(v2, sizeof(v2), "%s", victim("vnode", "secret\n"));
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(name, sizeof(name), ".probe.p.%ld", (long)getpid());
	link_at(dir, name, v1);
	snprintf(name, sizeof(name), ".node.p.%ld.tmp", (long)getpid());
	link_at(dir, name, v2);
	a = ready(dir, "p");
	assert_true(holds(v1, "secret\n"));
	assert_true(holds(v2, "secret\n"));
	assert_true(exists(dir, ".node.p"));
	tok_close(a);
}

static void
on_alarm(int sig)
{
	(void)sig;
	_exit(99);
}

/*
 * A FIFO in place of the directory's marker or a done marker hangs
 * nothing: the directory is refused, the task is an error, each saying
 * why.
 */
static void
test_fifo(void **state)
{
	struct tokdir	*a;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL, path[1024];

	(void)state;
	signal(SIGALRM, on_alarm);
	alarm(20);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, TOK_MARKER);
	assert_int_equal(mkfifo(path, 0644), 0);
	a = tok_open(dir, "a", 60, 3, 0, NULL);
	assert_int_equal(tok_ready(a, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	cause = NULL;
	tok_close(a);
	unlink(path);
	a = ready(dir, "a");
	snprintf(path, sizeof(path), "%s/j.done", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(tok_claim(a, "j", "", &s, &cause), TOK_BROKEN);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	alarm(0);
	tok_close(a);
}

/*
 * Only a whole done marker is done: a corrupt one, or one that cannot be
 * read (no descriptor left), is the task's error, never "done".
 */
static void
test_done_errors(void **state)
{
	struct tokdir	*a;
	struct tok_seen	 s;
	struct rlimit	 rl, low;
	char		*dir = newdir(), *cause = NULL;
	int		 fds[256], n = 0;

	(void)state;
	a = ready(dir, "a");
	put(dir, "bad.done", "distenc-done 1\nnode a\n", 0);
	assert_int_equal(tok_claim(a, "bad", "", &s, &cause), TOK_BROKEN);
	assert_non_null(strstr(cause, "not taken as done"));
	free(cause);
	cause = NULL;
	put(dir, "claim.done", "distenc-claim 1\nnode a\nboot b\npid 1\n"
	    "nonce n\nlease 60\n", 0);
	assert_int_equal(tok_peek(a, "claim", &s, &cause), TOK_BROKEN);
	free(cause);
	cause = NULL;
	put(dir, "good.done", "distenc-done 1\nnode a\nattempt 1\n", 0);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < 256 && (fds[n] = dup(0)) != -1)
		n++;
	assert_int_equal(errno, EMFILE);
	assert_int_equal(tok_peek(a, "good", &s, &cause), TOK_BROKEN);
	while (n > 0)
		close(fds[--n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_non_null(strstr(cause, "not taken as done"));
	free(cause);
	cause = NULL;
	assert_int_equal(tok_peek(a, "good", &s, &cause), TOK_ISDONE);
	tok_close(a);
}

/* The sweep matches names exactly: a source may be called *.stale.*. */
static void
test_sweep_names(void **state)
{
	struct tokdir	*a;
	char		*dir = newdir();

	(void)state;
	a = ready(dir, "a");
	put(dir, "film.stale.v2.mkv-0123456789abcdef.done",
	    "distenc-done 1\nnode a\nattempt 1\n", 121);
	put(dir, "film.stale.v2.mkv-0123456789abcdef.failed",
	    "distenc-failed 1\nnode a\nattempt 1\ntransient 0\n", 121);
	put(dir, "x.stale.a.1.2.mkv-0123456789abcdef.done",
	    "distenc-done 1\nnode a\nattempt 1\n", 121);
	put(dir, ".tmp.notes", "", 121);
	put(dir, "film.mkv-0123456789abcdef.stale.b.12.3", "", 121);
	put(dir, ".node.b.77.tmp", "", 121);
	tok_sweep(a);
	assert_true(exists(dir, "film.stale.v2.mkv-0123456789abcdef.done"));
	assert_true(exists(dir, "film.stale.v2.mkv-0123456789abcdef.failed"));
	assert_true(exists(dir, "x.stale.a.1.2.mkv-0123456789abcdef.done"));
	assert_true(exists(dir, ".tmp.notes"));
	assert_false(exists(dir, "film.mkv-0123456789abcdef.stale.b.12.3"));
	assert_false(exists(dir, ".node.b.77.tmp"));
	tok_close(a);
}

/*
 * Retry waits are capped: retry_delay doubled per attempt never
 * overflows, and a retry time far in the future read from another
 * host's marker is waited for a day at most.
 */
static void
test_retry_cap(void **state)
{
	struct tokdir	*a;
	struct tok_seen	 s;
	char		*dir = newdir(), *cause = NULL, text[256];

	(void)state;
	assert_int_equal(tok_retry_delay(60, 1), 60);
	assert_int_equal(tok_retry_delay(60, 3), 240);
	assert_int_equal(tok_retry_delay(60, 100), TOK_RETRY_MAX);
	assert_int_equal(tok_retry_delay(86400, 100), TOK_RETRY_MAX);
	assert_int_equal(tok_retry_delay(1, 1000000), TOK_RETRY_MAX);
	a = ready(dir, "a");
	snprintf(text, sizeof(text), "distenc-failed 1\nnode b\nattempt 1\n"
	    "transient 1\nretry_at %lld\nreason x\n",
	    (long long)time(NULL) + 10LL * 365 * 86400);
	put(dir, "far.failed", text, 0);
	assert_int_equal(tok_claim(a, "far", "", &s, &cause), TOK_WAIT);
	assert_true(s.until - tok_clock(1) <= TOK_RETRY_MAX + 2);
	assert_true(s.until - tok_clock(1) >= TOK_RETRY_MAX - 60);
	tok_close(a);
}

/* Seconds of the monotonic clock. */
static double
mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A claim kept in the background (a join longer than the lease) is
 * renewed and not taken over once its first lease has passed; a claim
 * the keeper finds replaced is reported lost.
 */
static void
test_keep(void **state)
{
	struct tokdir	*a, *w;
	struct tok_keep	*k;
	struct tok_seen	 s;
	struct stat	 sb0, sb;
	char		*dir = newdir(), *cause = NULL, lost[64] = "";
	char		 tp[1024];
	double		 t0;

	(void)state;
	a = tok_open(dir, "a", 4, 3, 0, NULL);
	assert_int_equal(tok_ready(a, &cause), 0);
	w = tok_attach(dir, "w", 4, 3);
	assert_int_equal(tok_claim(w, "job.d/join", "", &s, &cause),
	    TOK_CLAIMED);
	assert_int_equal(stat(tpath(w, "job.d/join", ".claim", tp,
	    sizeof(tp)), &sb0), 0);
	t0 = mono();
	assert_non_null(k = tok_keep_start(w, on_lost, lost));
	while (mono() < t0 + 4 + 1)	/* the first lease, and more */
		usleep(100000);
	assert_int_equal(tok_claim(a, "job.d/join", "", &s, &cause),
	    TOK_HELD);
	assert_int_equal(stat(tpath(w, "job.d/join", ".claim", tp,
	    sizeof(tp)), &sb), 0);
	assert_true(tok_ns(&sb.st_mtim) > tok_ns(&sb0.st_mtim));
	assert_string_equal(lost, "");
	/* Another's claim in its place: found lost at the next renewal. */
	put(dir, "job.d/join.claim", "distenc-claim 1\nnode z\nboot b\n"
	    "pid 1\nnonce other\nlease 4\n", 0);
	t0 = mono();
	while (lost[0] == '\0' && mono() < t0 + 10)
		usleep(50000);
	tok_keep_stop(k);
	assert_string_equal(lost, "job.d/join");
	tok_close(w);
	tok_close(a);
}

static int
setup(void **state)
{
	(void)state;
	log_init("test_token", 0, LOG_TO_STDERR);
	top = mkdtemp(tmpl);
	return top == NULL;
}

static int
teardown(void **state)
{
	char	cmd[1024];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_lease),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_takeover),
		cmocka_unit_test(test_corrupt_claim),
		cmocka_unit_test(test_skewed_host),
		cmocka_unit_test(test_orphan),
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_marker),
		cmocka_unit_test(test_subtasks),
		cmocka_unit_test(test_node_conflict),
		cmocka_unit_test(test_boot_id),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_lease_ns),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_planted),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_done_errors),
		cmocka_unit_test(test_sweep_names),
		cmocka_unit_test(test_retry_cap),
		cmocka_unit_test(test_keep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
