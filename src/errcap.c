/*
 * Capture stderr around one library call.  errcap_begin() points fd 2 at
 * an anonymous file; errcap_end() points it back, copies what was written
 * to the real stderr (so that nothing said is lost from the log) and
 * returns the last line that contains the given word (or the last line),
 * for an error message.  A capture that cannot be set up captures
 * nothing and the call runs as it would.
 */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errcap.h"
#include "fsutil.h"
#include "xmalloc.h"

#define ERRCAP_MAX	(64 * 1024)	/* read back at most this much */

void
errcap_begin(struct errcap *ec)
{
	ec->saved = ec->fd = -1;
	fflush(stderr);
	if ((ec->fd = memfd_create("distenc-stderr", MFD_CLOEXEC)) == -1)
		return;
	if ((ec->saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) == -1 ||
	    dup2(ec->fd, STDERR_FILENO) == -1) {
		if (ec->saved != -1)
			close(ec->saved);
		close(ec->fd);
		ec->saved = ec->fd = -1;
	}
}

/* The last non-empty line of buf[0..len) containing word, if any. */
static char *
errcap_line(char *buf, size_t len, const char *word)
{
	char	*line, *found = NULL, *last = NULL, *nl;

	buf[len] = '\0';
	for (line = buf; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (*line != '\0') {
			last = line;
			if (word != NULL && strstr(line, word) != NULL)
				found = line;
		}
		if (nl == NULL)
			break;
	}
	if (found == NULL)
		found = last;
	return found != NULL ? xstrdup(found) : NULL;
}

char *
errcap_end(struct errcap *ec, const char *word)
{
	char	*buf, *line;
	ssize_t	 n;
	size_t	 len = 0;
	off_t	 end;

	if (ec->saved == -1)
		return NULL;
	fflush(stderr);
	dup2(ec->saved, STDERR_FILENO);
	close(ec->saved);
	end = lseek(ec->fd, 0, SEEK_END);
	if (end > ERRCAP_MAX)
		end = ERRCAP_MAX;
	buf = xmalloc((size_t)(end > 0 ? end : 0) + 1);
	if (end > 0 && lseek(ec->fd, 0, SEEK_SET) == 0) {
		while (len < (size_t)end &&
		    ((n = read(ec->fd, buf + len, (size_t)end - len)) > 0 ||
		    (n == -1 && errno == EINTR)))
			if (n > 0)
				len += (size_t)n;
	}
	close(ec->fd);
	ec->saved = ec->fd = -1;
	fs_write_all(STDERR_FILENO, buf, len);
	line = errcap_line(buf, len, word);
	free(buf);
	return line;
}
