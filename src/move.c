/*
 * Sources moved out of the spool once their job ends (move_sources): to
 * done/ or failed/ beside the spool, keeping their path below it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "djob.h"
#include "fsutil.h"
#include "xmalloc.h"

/* Move a finished job's source to where (done or failed) by the spool. */
void
move_source(struct djob *dj, const char *where)
{
	const struct config	*conf = dj->d->conf;
	char			*top, *dest, *dir, *cause = NULL;

	if (!conf->move_sources)
		return;
	top = fs_dirname(conf->spool_dir);
	xasprintf(&dest, "%s/%s/%s", top, where, dj->rel);
	dir = fs_dirname(dest);
	if (fs_mkdirs(dir, &cause) != 0) {
		djob_log(dj, DJL_ERROR, "not moving the source: %s", cause);
		free(cause);
	} else if (rename(dj->source, dest) == -1)
		djob_log(dj, DJL_ERROR, "not moving the source to %s: %s",
		    dest, strerror(errno));
	else
		djob_log(dj, 0, "source moved to %s", dest);
	free(dir);
	free(dest);
	free(top);
}
