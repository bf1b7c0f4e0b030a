/*
 * Token files as text: a first line naming the kind and version
 * ("distenc-claim 1"), then "key value" lines.  Any file in a shared
 * directory may be truncated, half-written or written by something else,
 * so parsing trusts nothing: only whole lines count, numbers are checked,
 * names are checked, and a file missing what its kind needs is corrupt.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "node.h"
#include "token.h"
#include "xmalloc.h"

#define TOK_VERSION	1
#define TOK_LINE_MAX	(TOK_TEXT_MAX * 4)

static const char *const tok_magic[TOK_KINDS] = {
	"distenc-claim", "distenc-done", "distenc-failed", "distenc-tokens",
	"distenc-node"
};
/* The key of the text field, by kind. */
static const char *const tok_textkey[TOK_KINDS] = {
	"source", "output", "reason", NULL, NULL
};

/* Fields a kind must have, as bits. */
#define F_NODE		0x01
#define F_BOOT		0x02
#define F_PID		0x04
#define F_LEASE		0x08
#define F_ATTEMPT	0x10
#define F_TRANSIENT	0x20
#define F_ID		0x40
#define F_NONCE		0x80
static const int tok_required[TOK_KINDS] = {
	F_NODE | F_BOOT | F_PID | F_LEASE | F_NONCE,
	F_NODE | F_ATTEMPT,
	F_NODE | F_ATTEMPT | F_TRANSIENT,
	F_ID,
	F_NODE | F_BOOT | F_PID
};

static const char *
tok_kind_name(enum tok_kind k)
{
	static const char *const names[TOK_KINDS] = {
		"claim", "done marker", "failed marker", "directory marker",
		"node file"
	};

	return k < TOK_KINDS ? names[k] : "token file";
}

/* A file time in nanoseconds. */
int64_t
tok_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * TOK_NS + ts->tv_nsec;
}

/*
 * Nanoseconds of lease (seconds) left for a file last renewed at mtime
 * (nanoseconds), by the file system's clock now (nanoseconds): 0 or less
 * means stale.  Only the file system's own times are compared, to the
 * nanosecond, so the hosts' clocks never matter and no lease ends before
 * its whole length has passed.  A renewal more than a lease in the future
 * cannot come from this protocol (it never sets times, the file system
 * does): such a claim is taken as stale.
 */
int64_t
tok_lease_left(int64_t now, int64_t mtime, int lease)
{
	int64_t	l = (int64_t)lease * TOK_NS;

	if (lease <= 0)
		return 0;
	if (mtime - now > l)
		return 0;
	return mtime + l - now;
}

/*
 * The wait before retrying after attempt failed: retry_delay doubled for
 * each attempt before it, at most TOK_RETRY_MAX (never overflowing).
 */
int64_t
tok_retry_delay(int retry_delay, int attempt)
{
	int64_t	d = retry_delay > 0 ? retry_delay : 0;

	while (--attempt > 0 && d < TOK_RETRY_MAX)
		d *= 2;
	return d < TOK_RETRY_MAX ? d : TOK_RETRY_MAX;
}

static int
tok_num(const char *v, int64_t min, int64_t max, int64_t *out)
{
	char		*end;
	long long	 n;

	if (*v == '\0')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* A value copied, control characters made '?'. */
static void
tok_copy(char *dst, size_t len, const char *v)
{
	size_t	i;

	for (i = 0; v[i] != '\0' && i < len - 1; i++)
		dst[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' :
		    v[i];
	dst[i] = '\0';
}

/* One "key value" line into f; the field's bit, 0 unknown, -1 bad. */
static int
tok_field(struct tok_file *f, const char *key, const char *v)
{
	int64_t	n;

	if (strcmp(key, "node") == 0) {
		if (!node_valid(v))
			return -1;
		tok_copy(f->node, sizeof(f->node), v);
		return F_NODE;
	}
	if (strcmp(key, "boot") == 0 || strcmp(key, "id") == 0 ||
	    strcmp(key, "nonce") == 0) {
		if (*v == '\0' || strlen(v) >= TOK_BOOT_MAX)
			return -1;
		tok_copy(key[0] == 'b' ? f->boot : key[0] == 'i' ? f->id :
		    f->nonce, TOK_BOOT_MAX, v);
		return key[0] == 'b' ? F_BOOT : key[0] == 'i' ? F_ID :
		    F_NONCE;
	}
	if (tok_textkey[f->kind] != NULL &&
	    strcmp(key, tok_textkey[f->kind]) == 0) {
		tok_copy(f->text, sizeof(f->text), v);
		return 0;
	}
	if (strcmp(key, "summary") == 0) {
		tok_copy(f->summary, sizeof(f->summary), v);
		return 0;
	}
	if (strcmp(key, "pid") == 0) {
		if (tok_num(v, 1, INT32_MAX, &n) != 0)
			return -1;
		f->pid = n;
		return F_PID;
	}
	if (strcmp(key, "lease") == 0) {
		if (tok_num(v, 1, TOK_LEASE_MAX, &n) != 0)
			return -1;
		f->lease = n;
		return F_LEASE;
	}
	if (strcmp(key, "attempt") == 0) {
		if (tok_num(v, 0, TOK_ATTEMPT_MAX, &n) != 0)
			return -1;
		f->attempt = n;
		return F_ATTEMPT;
	}
	if (strcmp(key, "transient") == 0 || strcmp(key, "daemon") == 0) {
		if (tok_num(v, 0, 1, &n) != 0)
			return -1;
		if (key[0] == 't')
			f->transient = n;
		else
			f->daemon = n;
		return key[0] == 't' ? F_TRANSIENT : 0;
	}
	if (strcmp(key, "start") == 0 || strcmp(key, "retry_at") == 0) {
		if (tok_num(v, 0, TOK_TIME_MAX, &n) != 0)
			return -1;
		if (key[0] == 's')
			f->start = n;
		else
			f->retry_at = n;
		return 0;
	}
	return 0;	/* a later version's, or "renewed" */
}

/* The kind named by a first line "magic version". */
static int
tok_header(const char *line, struct tok_file *f, char **cause)
{
	const char	*sp;
	int64_t		 v;
	int		 k;

	if ((sp = strchr(line, ' ')) == NULL) {
		xasprintf(cause, "not a token file");
		return -1;
	}
	for (k = 0; k < TOK_KINDS; k++)
		if (strlen(tok_magic[k]) == (size_t)(sp - line) &&
		    strncmp(line, tok_magic[k], sp - line) == 0)
			break;
	if (k == TOK_KINDS) {
		xasprintf(cause, "not a token file");
		return -1;
	}
	if (tok_num(sp + 1, 1, 1000, &v) != 0 || v != TOK_VERSION) {
		xasprintf(cause, "%s of an unknown version", tok_kind_name(k));
		return -1;
	}
	f->kind = k;
	return 0;
}

/*
 * Parse len bytes of a token file.  Only lines ended by a newline count,
 * so a file cut short misses fields and is reported as corrupt.
 */
int
tok_parse(const char *buf, size_t len, struct tok_file *f, char **cause)
{
	char		 line[TOK_LINE_MAX], *sp;
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 n;
	int		 have = 0, bit, first = 1;

	memset(f, 0, sizeof(*f));
	if (memchr(buf, '\0', len) != NULL) {
		xasprintf(cause, "binary data in a token file");
		return -1;
	}
	while (p < end && (nl = memchr(p, '\n', end - p)) != NULL) {
		n = nl - p;
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl + 1;
		if (first) {
			if (tok_header(line, f, cause) != 0)
				return -1;
			first = 0;
			continue;
		}
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		if ((bit = tok_field(f, line, sp + 1)) == -1) {
			xasprintf(cause, "%s: bad %s", tok_kind_name(f->kind),
			    line);
			return -1;
		}
		have |= bit;
	}
	if (first) {
		xasprintf(cause, len == 0 ? "empty token file" :
		    "not a token file");
		return -1;
	}
	if ((have & tok_required[f->kind]) != tok_required[f->kind]) {
		xasprintf(cause, "%s is incomplete (cut short?)",
		    tok_kind_name(f->kind));
		return -1;
	}
	return 0;
}

static size_t
tok_put(char *buf, size_t len, size_t off, const char *key, const char *v)
{
	char	esc[TOK_TEXT_MAX * 4];
	int	n;

	if (v == NULL || *v == '\0')
		return off;
	log_escape(v, esc, sizeof(esc));
	if (strlen(esc) >= TOK_TEXT_MAX)
		esc[TOK_TEXT_MAX - 1] = '\0';
	n = snprintf(buf + off, off < len ? len - off : 0, "%s %s\n", key, esc);
	return off + (n > 0 ? n : 0);
}

static size_t
tok_putn(char *buf, size_t len, size_t off, const char *key, int64_t v)
{
	int	n;

	n = snprintf(buf + off, off < len ? len - off : 0, "%s %" PRId64 "\n",
	    key, v);
	return off + (n > 0 ? n : 0);
}

/*
 * A token file's text; the length it needs (more than len when cut).
 * A claim ends in a fixed-width "renewed" line that renewals overwrite
 * in place, so the file never changes length.
 */
size_t
tok_format(const struct tok_file *f, char *buf, size_t len)
{
	size_t	off = 0;
	int	n;

	n = snprintf(buf, len, "%s %d\n", tok_magic[f->kind], TOK_VERSION);
	off = n > 0 ? n : 0;
	off = tok_put(buf, len, off, "id", f->id);
	off = tok_put(buf, len, off, "node", f->node);
	off = tok_put(buf, len, off, "boot", f->boot);
	off = tok_put(buf, len, off, "nonce", f->nonce);
	if (f->pid > 0)
		off = tok_putn(buf, len, off, "pid", f->pid);
	if (f->kind == TOK_NODE)
		off = tok_putn(buf, len, off, "daemon", f->daemon);
	off = tok_putn(buf, len, off, "start", f->start);
	if (f->lease > 0)
		off = tok_putn(buf, len, off, "lease", f->lease);
	if (f->kind == TOK_CLAIM || f->kind == TOK_DONE ||
	    f->kind == TOK_FAILED)
		off = tok_putn(buf, len, off, "attempt", f->attempt);
	if (f->kind == TOK_FAILED) {
		off = tok_putn(buf, len, off, "transient", f->transient);
		off = tok_putn(buf, len, off, "retry_at", f->retry_at);
	}
	if (tok_textkey[f->kind] != NULL)
		off = tok_put(buf, len, off, tok_textkey[f->kind], f->text);
	off = tok_put(buf, len, off, "summary", f->summary);
	if (f->kind == TOK_CLAIM) {
		n = snprintf(buf + off, off < len ? len - off : 0,
		    "renewed %010d\n", 0);
		off += n > 0 ? n : 0;
	}
	return off;
}
