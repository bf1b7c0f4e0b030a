/*
 * x264/x265 QP files, pure: one frame a line, "FRAME TYPE [QP]", frame
 * numbers ascending from 0.  A frame of type I (IDR), i (open-GOP I) or K
 * (keyframe) starts a scene; P, B and b lines are read and checked but
 * start none.  Empty lines and lines starting with '#' are skipped.
 * Errors name the line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "qpfile.h"
#include "xmalloc.h"

/* A whole decimal number starting at *p, moving *p past it. */
static int
qpfile_number(const char **p, const char *end, long long *out)
{
	char		 buf[32];
	const char	*s = *p;
	char		*ep;
	size_t		 len;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	for (len = 0; s + len < end && !isspace((unsigned char)s[len]);
	    len++)
		;
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtoll(buf, &ep, 10);
	if (*ep != '\0' || errno != 0)
		return -1;
	*p = s + len;
	return 0;
}

/* The frame type at *p, moving *p past it; 0 when there is none. */
static int
qpfile_type(const char **p, const char *end)
{
	const char	*s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s >= end || strchr("IiKPBb", *s) == NULL ||
	    (s + 1 < end && !isspace((unsigned char)s[1])))
		return 0;
	*p = s + 1;
	return *s;
}

/* Parse one line; 1 when it starts a scene at *frame, 0 if not, -1. */
static int
qpfile_line(const char *s, const char *end, int64_t last, int64_t frames,
    int64_t *frame, char **why)
{
	long long	 n, qp;
	int		 type;

	if (qpfile_number(&s, end, &n) != 0 || n < 0) {
		xasprintf(why, "expected a frame number");
		return -1;
	}
	if ((type = qpfile_type(&s, end)) == 0) {
		xasprintf(why, "expected a frame type (I, i, K, P, B or b)");
		return -1;
	}
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	if (s < end && (qpfile_number(&s, end, &qp) != 0 || qp < -1 ||
	    qp > 81)) {
		xasprintf(why, "expected a QP (-1..81) or nothing after the "
		    "frame type");
		return -1;
	}
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (s < end) {
		xasprintf(why, "unexpected text after the QP");
		return -1;
	}
	if (n <= last) {
		xasprintf(why, "frame %lld does not follow frame %lld", n,
		    (long long)last);
		return -1;
	}
	if (frames > 0 && n >= frames) {
		xasprintf(why, "frame %lld is beyond the end (%lld frames)",
		    n, (long long)frames);
		return -1;
	}
	*frame = n;
	return type == 'I' || type == 'i' || type == 'K';
}

/*
 * The scene changes of a QP file's text (len bytes) for a film of frames
 * frames (0: unknown), into *cuts (to free) and *n; -1 with *cause
 * "line N: why" for the first bad line.
 */
int
qpfile_parse(const char *text, size_t len, int64_t frames, int64_t **cuts,
    size_t *n, char **cause)
{
	const char	*line = text, *end = text + len, *nl, *s;
	char		*why = NULL;
	int64_t		 last = -1, frame;
	int		 lineno, rv;

	*cuts = NULL;
	*n = 0;
	for (lineno = 1; line < end; lineno++, line = nl + 1) {
		if ((nl = memchr(line, '\n', end - line)) == NULL)
			nl = end;
		for (s = line; s < nl && isspace((unsigned char)*s); s++)
			;
		if (s == nl || *s == '#')
			continue;
		if ((rv = qpfile_line(s, nl, last, frames, &frame, &why)) < 0) {
			xasprintf(cause, "line %d: %s", lineno, why);
			free(why);
			free(*cuts);
			*cuts = NULL;
			*n = 0;
			return -1;
		}
		last = frame;
		if (rv == 1 && frame > 0) {
			*cuts = xreallocarray(*cuts, *n + 1, sizeof(**cuts));
			(*cuts)[(*n)++] = frame;
		}
	}
	return 0;
}
