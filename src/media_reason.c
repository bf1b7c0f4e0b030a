/*
 * Why a file could not be opened as media, in words a user understands:
 * what is wrong with the file first, then FFmpeg's own message (its error
 * code's text and the first error its demuxer logged) after it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

/* Whether a file starts as the MP4 family does: a "ftyp" box. */
static int
reason_is_mp4(const char *path)
{
	unsigned char	head[8];
	int		fd, n;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, head, sizeof(head));
	close(fd);
	return n == (int)sizeof(head) && memcmp(head + 4, "ftyp", 4) == 0;
}

/* What FFmpeg said: the error's text and its demuxer's first error. */
static void
reason_ffmpeg(int ret, char *buf, size_t len)
{
	const char	*said = damage_said();

	if (said != NULL)
		snprintf(buf, len, "FFmpeg: %s: %s", media_error(ret), said);
	else
		snprintf(buf, len, "FFmpeg: %s", media_error(ret));
}

/*
 * The reason avformat_open_input failed with ret on path, a regular file
 * that is not empty (the demuxer's errors counted by damage_watch).
 */
void
reason_open(const char *path, int ret, char **cause)
{
	char	ff[384];

	reason_ffmpeg(ret, ff, sizeof(ff));
	if (ret == AVERROR_INVALIDDATA && reason_is_mp4(path))
		xasprintf(cause, "truncated or damaged: an MP4 file without "
		    "its index (the moov atom): it was cut short or never "
		    "finished (%s)", ff);
	else if (ret == AVERROR_INVALIDDATA)
		xasprintf(cause, "not a media file (%s)", ff);
	else if (ret == AVERROR_EOF)
		xasprintf(cause, "no video frame: the file ends within its "
		    "header, before any frame: truncated or never finished "
		    "(%s)", ff);
	else if (ret == AVERROR(EPERM))
		/* FFmpeg's log would quote the list: its text only */
		xasprintf(cause, "a list naming a file it may not (an unsafe "
		    "name, or one outside the list's folder): not a media "
		    "file this program reads (FFmpeg: %s)", media_error(ret));
	else
		xasprintf(cause, "cannot open: %s", ff);
}
