/*
 * distencctl slurm: each input submitted with distenc --slurm, what
 * distenc's steps recorded (plan, join or encode: done or why they failed;
 * the chunks in the work directory; the output) next to the Slurm job ids
 * and their states as squeue reports them (or sacct, once the controller
 * forgot them).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "log.h"
#include "slurm.h"
#include "slurm_local.h"
#include "xmalloc.h"

/* One of an input directory's small files, or NULL. */
static char *
show_read(const char *dir, const char *name)
{
	char	*path, *text, *cause = NULL;
	size_t	 len;

	xasprintf(&path, "%s/%s", dir, name);
	text = fs_read_small(path, 1 << 16, &len, &cause);
	free(cause);
	free(path);
	while (text != NULL && len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	return text;
}

/* The same on one line, escaped. */
static char *
show_file(const char *dir, const char *name)
{
	char	*text, buf[1024];

	if ((text = show_read(dir, name)) == NULL)
		return NULL;
	log_escape(text, buf, sizeof(buf));
	free(text);
	return xstrdup(buf);
}

/*
 * The chunk files in the input's work directory, or -1 without one; the
 * reason of each chunk whose encoding failed last, as it goes.
 */
static int
show_chunks(const char *workdir, const char *id)
{
	struct dirent	*de;
	DIR		*dp;
	char		*path, *why;
	int		 n = 0;

	xasprintf(&path, "%s/%s", workdir, id);
	if ((dp = opendir(path)) == NULL) {
		free(path);
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, "chunk-", 6) != 0)
			continue;
		if (strstr(de->d_name, ".failed") != NULL &&
		    (why = show_file(path, de->d_name)) != NULL) {
			printf("  distenc %.10s: failed: %s\n", de->d_name, why);
			free(why);
		} else if (strstr(de->d_name, ".mkv") != NULL)
			n++;
	}
	closedir(dp);
	free(path);
	return n;
}

/* distenc's own view of an input: its steps, chunks and output. */
static void
show_distenc(const char *workdir, const char *id, const char *dir)
{
	static const char *const steps[] = { "plan", "join", "encode" };
	char	*text, name[32], *output;
	size_t	 i;
	int	 n;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		snprintf(name, sizeof(name), "%s.state", steps[i]);
		if ((text = show_file(dir, name)) != NULL)
			printf("  distenc %s: %s\n", steps[i], text);
		free(text);
	}
	if ((n = show_chunks(workdir, id)) >= 0)
		printf("  distenc chunks: %d in the work directory\n", n);
	if ((output = show_file(dir, "output")) != NULL) {
		printf("  output %s: %s\n", output, fs_exists(output) ?
		    "published" : "not there");
		free(output);
	}
}

/* The input's Slurm jobs: a line for each job or array task. */
static void
show_jobs(const char *dir)
{
	char	*text, *line, *next, *id, *out, *task, *end;

	if ((text = show_read(dir, "jobs")) == NULL) {
		printf("  no Slurm job submitted\n");
		return;
	}
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((id = strchr(line, ' ')) == NULL)
			continue;
		*id++ = '\0';
		if (slurm_squeue(id, 1, &out) != 1 &&
		    slurm_sacct(id, &out) != 1) {
			printf("  %s %s: gone from the controller\n", line, id);
			continue;
		}
		for (task = out; *task != '\0'; task = end) {
			end = task + strcspn(task, "\n");
			if (*end != '\0')
				*end++ = '\0';
			printf("  %s %s\n", line, task);
		}
		free(out);
	}
	free(text);
}

/* One input's directory below <work_dir>/.slurm. */
static void
show_input(const char *workdir, const char *id)
{
	char	*dir, *source;

	xasprintf(&dir, "%s/%s/%s", workdir, SLURM_SUBDIR, id);
	source = show_file(dir, "source");
	printf("%s\n", source != NULL ? source : id);
	show_distenc(workdir, id, dir);
	show_jobs(dir);
	free(source);
	free(dir);
}

/* distencctl slurm: every input submitted from work_dir.  The status. */
int
slurm_show(const struct config *conf)
{
	struct dirent	*de;
	DIR		*dp;
	char		*path;
	int		 n = 0;

	xasprintf(&path, "%s/%s", conf->work_dir, SLURM_SUBDIR);
	if ((dp = opendir(path)) == NULL) {
		if (errno != ENOENT) {
			log_warn("%s", path);
			free(path);
			return 1;
		}
	} else {
		while ((de = readdir(dp)) != NULL)
			if (de->d_name[0] != '.') {
				show_input(conf->work_dir, de->d_name);
				n++;
			}
		closedir(dp);
	}
	if (n == 0)
		printf("nothing submitted to Slurm from %s\n", conf->work_dir);
	free(path);
	return 0;
}
