/* What media_script.c shares with media_script_*.c: the script reader
 * and the script backend of the frame source. */
#ifndef MEDIA_SCRIPT_LOCAL_H
#define MEDIA_SCRIPT_LOCAL_H

#include <libavfilter/avfilter.h>

#include "avs.h"
#include "media.h"

/* One video input of the graph: a decoder and its buffer source. */
struct script_input {
	struct media_source	 src;
	AVFilterContext		*buf;
	int64_t			 n;		/* frames sent */
	int			 eof;
};

struct media_script {
	char			*path;
	int			 threads;
	struct avs_plan		*plan;
	struct avsplus		*plus;
	struct avsplus_info	 pi;
	struct media_script_info info;
	AVFilterGraph		*graph;
	AVFilterContext		*sink;
	struct script_input	*in;
	int			 nin;
	int64_t			 next;		/* index of the next frame */
	AVFrame			*pending;	/* frame next, when sought */
	int			 seg;		/* the piece read, if pieces */
	int64_t			 seg_base;	/* its first frame's index */
	struct SwsContext	*sws;		/* AviSynth+'s packed frames */
};

/* The reader (media_script.c). */
int	 script_read(struct media_script *, AVFrame *, char **);
int	 script_seek(struct media_script *, int64_t, char **);

/* AviSynth+'s frames (media_script_plus.c). */
enum AVPixelFormat splus_pix_fmt(const struct avsplus_info *);
void	 splus_describe(const struct avsplus_info *);
void	 splus_colour(const struct avsplus_info *, struct media_info *);
int	 splus_frame(struct media_script *, AVFrame *, char **);
void	 splus_free(struct media_script *);

/* The plan's filter graph (media_script_graph.c). */
int	 script_build(struct media_script *, int, char **);
int	 script_pull(struct media_script *, AVFrame *, char **);
int	 script_send(struct media_script *, struct script_input *, AVFrame *,
	    char **);
void	 script_teardown(struct media_script *);

/* Reaching a frame by seeking (media_script_seek.c). */
#define SCRIPT_SEEK_AHEAD	250	/* read on rather than seek up to this */
int	 script_start(struct media_script *, char **);
int	 script_piece_open(struct media_script *, int, int64_t, char **);
int	 script_jump(struct media_script *, int64_t, char **);
int	 script_seekable(const struct media_script *);

/* The times of a source's frames, as its probe found them
 * (media_script_probe.c). */
struct script_timing {
	AVRational	tb;
	AVRational	fps;
	int64_t		first_pts;	/* of frame 0, in tb */
	int		regular;	/* frame k at first + k / fps */
};
int	 script_timing(const char *, struct script_timing *);

/*
 * The script backend of the frame source (media_script_src.c): a script
 * opened as a media_source whose fmt describes its video and audio; its
 * audio cut to its frames (media_script_audio.c); its scan for a chunked
 * job (media_script_scan.c).
 */
int	 script_probe(const char *, struct media_info *, char **);
int	 script_source_open(struct media_source *, const char *, int, int,
	    char **);
int	 script_source_run(struct media_source *, const struct media_sink *,
	    volatile int *, char **);
int	 script_source_seek(struct media_source *, int64_t, char **);
int	 script_source_read(struct media_source *, AVFrame *, char **);
int	 script_source_audio(struct media_source *, double,
	    const struct media_sink *, char **);
void	 script_source_close(struct media_source *);
int	 script_audio_open(struct media_source *, const char *, char **);
int	 script_audio_until(struct media_source *, double,
	    const struct media_sink *, char **);
void	 script_audio_free(struct media_source *);
int	 script_scan(const char *, const struct profile *, int, int,
	    const char *, struct media_scan *, volatile int *, char **);

#endif
