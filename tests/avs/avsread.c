/*
 * Read an AviSynth script the way distenc does and print what it gives:
 *
 *	avsread [-ad] [-r FIRST:LAST] SCRIPT
 *		a line "frames=N fps=A/B size=WxH pix_fmt=F audio=0|1",
 *		then the MD5 of each frame of [FIRST, LAST) (all without -r),
 *		over its planes packed as FFmpeg's framemd5 packs them;
 *		-a also the audio: "audio slot samples" per stream;
 *		-d logs debug lines (how a range was reached)
 *	avsread -p SCRIPT	the built-in interpreter's filter graph
 *	avsread -s [-2] SCRIPT	the scene-detection script for SCRIPT
 *				(-2: reduced by 2)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/imgutils.h>
#include <libavutil/md5.h>

#include "avs.h"
#include "log.h"
#include "media.h"

static uint8_t	*buf;
static int	 bufsize;

/* Print one frame's MD5, as framemd5 hashes a raw video frame. */
static int
print_md5(void *arg, AVFrame *f)
{
	uint8_t	md5[16];
	int	i, size;

	(void)arg;
	size = av_image_get_buffer_size(f->format, f->width, f->height, 1);
	if (size > bufsize) {
		free(buf);
		bufsize = size;
		if ((buf = malloc(size)) == NULL)
			abort();
	}
	av_image_copy_to_buffer(buf, size, (const uint8_t * const *)f->data,
	    f->linesize, f->format, f->width, f->height, 1);
	av_md5_sum(md5, buf, size);
	for (i = 0; i < 16; i++)
		printf("%02x", md5[i]);
	printf("\n");
	return 0;
}

struct counts {
	int64_t	samples[MEDIA_MAX_AUDIO];
};

static int
count_video(void *arg, AVFrame *f)
{
	(void)arg;
	(void)f;
	return 0;
}

static int
count_audio(void *arg, int slot, AVFrame *f)
{
	struct counts	*c = arg;

	if (f != NULL)
		c->samples[slot] += f->nb_samples;
	return 0;
}

/* -a: the audio samples each stream of the script gives. */
static int
audio(const char *path)
{
	struct media_source	 src;
	struct counts		 c;
	struct media_sink	 sink = { &c, count_video, count_audio, NULL };
	char			*cause = NULL;
	int			 i;

	memset(&c, 0, sizeof(c));
	if (source_open(&src, path, 1, 1, &cause) != 0 ||
	    source_run(&src, &sink, NULL, &cause) != 0) {
		fprintf(stderr, "avsread: %s\n", cause);
		return 1;
	}
	for (i = 0; i < src.naudio; i++)
		printf("audio %d %lld\n", i, (long long)c.samples[i]);
	source_close(&src);
	return 0;
}

int
main(int argc, char **argv)
{
	struct media_script_info	 info;
	struct media_script		*s;
	struct avs_plan			*p;
	long long			 first = 0, last = -1;
	char				*cause = NULL, *scd;
	int				 ch, plan = 0, sc = 0, half = 0, au = 0;
	int				 how;

	log_init("avsread", 0, LOG_TO_STDERR);
	av_log_set_level(AV_LOG_ERROR);
	while ((ch = getopt(argc, argv, "2adpr:s")) != -1) {
		switch (ch) {
		case '2':
			half = 1;
			break;
		case 'a':
			au = 1;
			break;
		case 'd':
			log_setverbose(1);
			break;
		case 'p':
			plan = 1;
			break;
		case 'r':
			if (sscanf(optarg, "%lld:%lld", &first, &last) != 2)
				return 2;
			break;
		case 's':
			sc = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc)
		return 2;
	if (sc) {
		scd = avs_scd_script(argv[optind], half, getenv("TMPDIR") ?
		    getenv("TMPDIR") : "/tmp", &how, &cause);
		if (scd == NULL)
			goto fail;
		printf("%s\n", scd);
		free(scd);
		return 0;
	}
	if (plan) {
		if ((p = avs_eval(argv[optind], media_script_source_probe,
		    &cause)) == NULL)
			goto fail;
		printf("%s\n", p->graph);
		avs_plan_free(p);
		return 0;
	}
	if ((s = script_open(argv[optind], 1, &info, &cause)) == NULL)
		goto fail;
	printf("frames=%lld fps=%d/%d size=%dx%d pix_fmt=%s audio=%d\n",
	    (long long)info.frames, info.fps.num, info.fps.den, info.width,
	    info.height, av_get_pix_fmt_name(info.pix_fmt), info.has_audio);
	script_close(s);
	fflush(stdout);
	if (last < 0)
		last = info.frames;
	if (script_range(argv[optind], first, last, 1, print_md5, NULL, NULL,
	    &cause) != 0)
		goto fail;
	free(buf);
	return au ? audio(argv[optind]) : 0;
fail:
	fprintf(stderr, "avsread: %s\n", cause);
	free(cause);
	return 1;
}
