/*
 * The source's video bitrate when its container does not state it:
 * measured from the packets (the whole file read) once per job and kept
 * in the job's work directory, with the source's size and modification
 * time, so that the later steps of a chunked job (each chunk, the join
 * and its size guard), here or on another host sharing work_dir, reuse
 * it.  A source whose size or time differs is measured again.
 *
 * The file, source-rate, is written atomically after the plan (which
 * empties the work directory when it plans anew):
 *
 *	distenc-source-rate 1
 *	source SIZE MTIME
 *	stream INDEX
 *	bytes BYTES
 *	bitrate BITS-PER-SECOND
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "job.h"
#include "job_local.h"
#include "log.h"
#include "xmalloc.h"

#define RATE_FILE	"source-rate"
#define RATE_MAX	1024

/* The file's path; NULL when the source cannot be found. */
static char *
rate_path(const struct job *j)
{
	char	*dir, *path;

	if ((dir = job_work_path(j)) == NULL)
		return NULL;
	xasprintf(&path, "%s/%s", dir, RATE_FILE);
	free(dir);
	return path;
}

/*
 * Take the figure kept by an earlier step of this job when it is of this
 * version of the source: 0, or -1 to measure.
 */
int
job_rate_reuse(struct job_ctx *c)
{
	struct stat	 sb;
	long long	 size, mtime, bytes, bps;
	char		*path, *text = NULL, *cause = NULL;
	size_t		 len;
	int		 stream, rv = -1;

	if (stat(c->job->source, &sb) == -1 ||
	    (path = rate_path(c->job)) == NULL)
		return -1;
	if (access(path, F_OK) == -1)
		goto out;
	if ((text = fs_read_small_at(AT_FDCWD, path, O_NOFOLLOW, RATE_MAX,
	    &len, &cause)) == NULL ||
	    sscanf(text, "distenc-source-rate 1\nsource %lld %lld\nstream %d\n"
	    "bytes %lld\nbitrate %lld\n", &size, &mtime, &stream, &bytes,
	    &bps) != 5 || bytes <= 0 || bps <= 0)
		log_warnx("%s: refused: %s; measuring again", path,
		    cause != NULL ? cause : "not a source-rate file");
	else if (size != (long long)sb.st_size ||
	    mtime != (long long)sb.st_mtime || stream != c->mi.vindex)
		log_info("probe: %s is of another version of the source: "
		    "measuring again", path);
	else {
		c->mi.vbytes = bytes;
		c->mi.vbitrate = bps;
		c->mi.vbitrate_from = "packets";
		log_info("probe: video bitrate of the packets reused from %s",
		    path);
		rv = 0;
	}
out:
	free(cause);
	free(text);
	free(path);
	return rv;
}

/* Keep the figure measured from the packets for the job's later steps. */
void
job_rate_keep(struct job_ctx *c)
{
	struct stat	 sb;
	char		*path, *text, *cause = NULL;

	if (c->mi.vbitrate_from == NULL ||
	    strcmp(c->mi.vbitrate_from, "packets") != 0 ||
	    stat(c->job->source, &sb) == -1 ||
	    (path = rate_path(c->job)) == NULL)
		return;
	xasprintf(&text, "distenc-source-rate 1\nsource %lld %lld\nstream %d\n"
	    "bytes %lld\nbitrate %lld\n", (long long)sb.st_size,
	    (long long)sb.st_mtime, c->mi.vindex, (long long)c->mi.vbytes,
	    (long long)c->mi.vbitrate);
	if (fs_write_atomic(path, text, strlen(text), &cause) != 0) {
		log_warnx("%s: %s (later steps measure it again)", path,
		    cause);
		free(cause);
	}
	free(text);
	free(path);
}
