/*
 * The media layer: FFmpeg's libraries behind a few small interfaces.
 * probe, frame source (demux and decode), crop detection by sampling,
 * audio loudness measurement and normalisation, Matroska muxing and
 * verification.  FFmpeg's functions are called in media*.c and enc_*.c
 * only.
 */
#ifndef MEDIA_H
#define MEDIA_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mastering_display_metadata.h>

#include "conf.h"
#include "crop.h"
#include "deint.h"
#include "dynhdr.h"
#include "streams.h"

#define MEDIA_MAX_AUDIO	32

/* What probing a source found. */
struct media_info {
	int			 vindex;	/* video stream index */
	int			 width;
	int			 height;
	AVRational		 fps;		/* average frame rate */
	AVRational		 tb;		/* video stream time base */
	int64_t			 duration;	/* AV_TIME_BASE units, 0 unknown */
	int			 duration_own;	/* the video stream's own */
	int64_t			 start;		/* the video's first time,
						 * AV_TIME_BASE units */
	int64_t			 frames_est;	/* estimate, 0 unknown */
	enum AVPixelFormat	 pix_fmt;
	int			 depth;		/* luma bits per sample */
	char			 codec[32];
	enum AVColorPrimaries	 primaries;
	enum AVColorTransferCharacteristic trc;
	enum AVColorSpace	 space;
	enum AVColorRange	 range;
	int			 has_mastering;
	AVMasteringDisplayMetadata mastering;
	int			 has_cll;
	AVContentLightMetadata	 cll;
	int			 naudio;
	int			 nsubtitle;
	int			 nattachment;
	int			 nchapter;
	int			 script;	/* an AviSynth script */
	AVRational		 sar;		/* 0/1: square, unknown;
						 * of the upright picture */
	int			 nstreams;	/* described, at most STREAMS_MAX */
	struct stream_desc	 streams[STREAMS_MAX];
	struct stream_choice	 choice[STREAMS_MAX]; /* the job's, by its
						 * profile */
	struct dynhdr		 dyn;		/* Dolby Vision, HDR10+ */
	int			 rotation;	/* clockwise to show: 0, 90,
						 * 180, 270 */

	/* what the rules and the size look at */
	int64_t			 vbitrate;	/* bit/s, 0 unknown */
	int64_t			 vbytes;	/* video stream, 0 unknown */
	const char		*vbitrate_from;	/* "container", "packets" */
	int			 interlaced;	/* by the field order */
	int			 hdr;		/* enum rules_hdr */
	char			 languages[MEDIA_MAX_AUDIO][8];
};

/* A source's streams for the rules of streams.c (media_streams.c). */
void	 media_describe_streams(const AVFormatContext *, struct media_info *);
int	 media_disposition(int, int);
void	 media_log_streams(const struct media_info *);

/* Text subtitles Matroska cannot hold, made SRT (media_subtitle.c). */
struct subconv;
struct subconv *subconv_new(const AVStream *, char **);
const AVCodecContext *subconv_encoder(const struct subconv *);
int	 subconv_packet(struct subconv *, AVPacket *,
	    int (*)(void *, AVPacket *), void *, char **);
void	 subconv_free(struct subconv *);

/* Shared by the whole media layer (media_util.c). */
struct AVFilterGraph;
struct AVFilterContext;
void	 media_quiet(void);
char	*media_error(int);
int	 media_is_script(const char *);
AVCodecContext *media_decoder(AVStream *, int, char **);
int	 media_cmp64(const void *, const void *);
struct AVFilterGraph *media_graph(const char *, const char *, const char *,
	    const char *, struct AVFilterContext **, struct AVFilterContext **,
	    int *);

struct media_script;
struct script_audio;
struct source_ops;

/* A demuxer with a video decoder and, optionally, audio decoders; or an
 * AviSynth script, whose streams fmt describes. */
struct media_source {
	const struct source_ops *ops;	/* the backend, chosen at open */
	AVFormatContext	*fmt;
	AVCodecContext	*vdec;
	int		 vindex;
	AVCodecContext	*adec[MEDIA_MAX_AUDIO];
	int		 aslot[MEDIA_MAX_AUDIO];	/* slot -> stream */
	int		 naudio;
	AVPacket	*pkt;
	AVFrame		*frame;
	int64_t		 vframes;	/* video frames decoded */
	int64_t		 last_pts;	/* last video pts, in stream tb */
	int64_t		 last_dur;
	int64_t		 seek_pts;	/* a file's frame sought */
	int		 sought;	/* that frame not yet read */
	int		 rewound;	/* read again from the start */
	int		 eof;		/* a file's packets all read */
	double		 read_time;	/* of its last packet read, s */
	int64_t		 read_end;	/* latest end of a packet read, from
					 * the file's start, AV_TIME_BASE */
	int		 tolerant;	/* a read skips what it cannot read
					 * or decode, counted as damage */
	struct media_script *script;
	struct script_audio *saudio;
};

/* What a pass over a source does with each frame and packet. */
struct media_sink {
	void	*arg;
	int	(*video)(void *, AVFrame *);		 /* NULL: end */
	int	(*audio)(void *, int, AVFrame *);	 /* NULL: end */
	int	(*packet)(void *, AVPacket *);		 /* other streams */
};
int	 media_sink_end(const struct media_source *,
	    const struct media_sink *, char **);

/* The audio slot whose stereo downmix is added, or -1 (media_streams.c). */
int	 media_stereo_slot(const struct media_source *,
	    const struct profile *);

/*
 * The frame source (media_source.c): one interface, two backends, a media
 * file and an AviSynth script, chosen by the path when a source is opened
 * or probed.  source_open's audio says what becomes of the audio: left to
 * be copied (a script's cannot be), decoded, or left out (the video
 * alone, for a chunk).  source_run reads the whole source once to a sink;
 * source_seek makes the frame at a pts the next source_read gives (a
 * script's frames are numbered, its time base one frame); source_until
 * reads the streams beside the video up to a time (a chunked job's join).
 */
#define SOURCE_COPY_AUDIO	0
#define SOURCE_DECODE_AUDIO	1
#define SOURCE_VIDEO_ONLY	2
int	 media_probe(const char *, struct media_info *, char **);
int	 source_open(struct media_source *, const char *, int, int,
	    char **);
int	 source_run(struct media_source *, const struct media_sink *,
	    volatile int *, char **);
int	 source_seek(struct media_source *, int64_t, char **);
int	 source_read(struct media_source *, AVFrame *, char **);
int	 source_until(struct media_source *, double,
	    const struct media_sink *, char **);
const char *source_noun(const struct media_source *);
void	 source_close(struct media_source *);

/* The media file backend (media_file.c, media_probe.c, media_scene.c). */
#define SAMPLE_KEY	0
#define SAMPLE_EXACT	1
#define SAMPLE_ON	2
int	 media_file_open(struct media_source *, const char *, int, int,
	    char **);
int	 media_file_run(struct media_source *, const struct media_sink *,
	    volatile int *, char **);
int	 media_file_sample(struct media_source *, int64_t, int, AVFrame *,
	    char **);
int	 media_file_key_before(struct media_source *, int64_t, int64_t);
int	 media_file_next(struct media_source *, AVFrame *, char **);
int	 media_file_seek(struct media_source *, int64_t, char **);
int	 media_file_read(struct media_source *, AVFrame *, char **);
int	 media_file_until(struct media_source *, double,
	    const struct media_sink *, char **);
void	 media_file_close(struct media_source *);
int	 probe_file(const char *, struct media_info *, char **);
int	 probe_video_bytes(const char *, struct media_info *, char **);

/*
 * AviSynth scripts (media_script*.c): a script's clip and any range of its
 * frames, read frame-exactly.  script_open tells the clip's frames, rate,
 * size and format; script_range reads [first, last) to a callback.  The
 * script backend of the frame source is in media_script_local.h.
 */
struct media_script_info {
	int64_t			 frames;
	AVRational		 fps;
	int			 width;
	int			 height;
	enum AVPixelFormat	 pix_fmt;
	AVRational		 sar;		/* 0/1: square, unknown */
	int			 has_audio;
};
struct avs_source_info;
int	 media_script_source_probe(const char *, struct avs_source_info *,
	    char **);
struct media_script *script_open(const char *, int,
	    struct media_script_info *, char **);
int	 script_range(const char *, int64_t, int64_t, int,
	    int (*)(void *, AVFrame *), void *, volatile int *, char **);
void	 script_close(struct media_script *);

/* Decoded pictures made ready for an encoder: cropped, scaled, converted
 * and turned upright (the size asked for is the upright picture's). */
struct media_picture;
struct media_picture *picture_new(const struct crop *, int, int,
	    enum AVPixelFormat, int);
int	 picture_convert(struct media_picture *, AVFrame *, AVFrame **,
	    char **);
void	 picture_free(struct media_picture *);

/* Interlacing detected by sampling, and undone (media_deint.c). */
struct media_deint;
int	 media_interlace(const char *, const struct media_info *, int,
	    struct deint_counts *, char **);
struct media_deint *deint_new(const struct media_info *, enum deint_kind,
	    int, char **);
void	 deint_rate(const struct media_deint *, AVRational *, AVRational *);
int	 deint_feed(struct media_deint *, AVFrame *,
	    int (*)(void *, AVFrame *), void *, char **);
void	 deint_free(struct media_deint *);

/* Crop detection: sample frames, scan and combine. */
int	 media_crop(const char *, const struct media_info *,
	    const struct profile *, struct crop *, char *, size_t, char **);

/* Audio: loudness measurement (pass 1), normalisation and encoding. */
struct audio_loudness {
	double	i;	/* integrated, LUFS */
	double	lra;	/* loudness range, LU */
	double	tp;	/* true peak, dBTP */
	int	valid;
};

/* The scene score of each frame against the one before (media_score.c). */
struct scene_score {
	AVFrame	*prev;
	double	 prev_mafd;
	int	 half;		/* on 2x2 block means */
	int	 shift;		/* to 8-bit sample scale */
	int	 planes;
	int	 hsub;		/* chroma subsampling, log2 */
	int	 vsub;
	uint32_t cost;		/* the last frame's (score_cost) */
};
int	 score_init(struct scene_score *, enum AVPixelFormat, int, char **);
int	 score_cut(struct scene_score *, const AVFrame *, double);
void	 score_clear(struct scene_score *);

/* What one read of a file found of its damage (media_damage.c), kept for
 * a check after its source is closed. */
struct damage_facts {
	int		known;		/* filled by a read of the file */
	int64_t		index_last;	/* its video index's last entry, us,
					 * or INT64_MIN */
	int64_t		read_end;	/* as media_source's */
	int64_t		stated;		/* its container's duration, us */
	int64_t		start;		/* its container's start time, us */
	int		demux;		/* errors reading it */
	char		first[256];	/* the first of them */
	int		decode;		/* errors its decoders concealed */
	char		dfirst[256];
};

/* One read of a source: frame list, scene changes, loudness.  media_scan
 * goes through the frame source: scene_scan (media_scene.c) reads a file,
 * script_scan (media_script_scan.c) a script. */
struct media_scan {
	int64_t			*pts;		/* each frame's, in order */
	int64_t			 frames;
	int64_t			*cuts;		/* frames starting a scene */
	size_t			 ncuts;
	uint32_t		*cost;		/* each frame's, or NULL */
	int			 naudio;
	struct audio_loudness	 loud[MEDIA_MAX_AUDIO];
	struct damage_facts	 damage;	/* a file's, read whole */
};
int	 media_scan(const char *, const struct profile *, int, int,
	    const char *, struct media_scan *, volatile int *, char **);
int	 scene_scan(const char *, const struct profile *, int, int,
	    const char *, struct media_scan *, volatile int *, char **);
void	 media_scan_free(struct media_scan *);

/* Frames of a chunk, exactly: from a frame's pts, less some skipped, n
 * frames in order. */
struct media_chunk;
struct media_chunk *media_chunk_open(const char *, int, int64_t, int64_t,
	    int64_t, char **);
int	 media_chunk_next(struct media_chunk *, AVFrame **, char **);
AVStream *media_chunk_stream(const struct media_chunk *);
void	 media_chunk_close(struct media_chunk *);

/* Joining encoded chunks with the source's other streams. */
struct concat_spec {
	const char		*source;
	const char		*output;	/* opened and written */
	char			**chunks;	/* files, in film order */
	const int64_t		*frames;	/* expected in each */
	size_t			 nchunks;
	const struct profile	*prof;
	const struct media_info	*mi;
	const struct audio_loudness *loud;	/* per audio slot */
	int			 naudio;
};
int	 media_concat(const struct concat_spec *, volatile int *, char **);
int	 media_remux(struct concat_spec *, const char *, int64_t *,
	    volatile int *, char **);
struct audio_meter;
struct audio_meter *meter_new(const AVCodecContext *,
	    const struct profile *, char **);
struct audio_meter *meter_new_downmix(const AVCodecContext *,
	    const struct profile *, char **);
int	 meter_feed(struct audio_meter *, AVFrame *, char **);
void	 meter_free(struct audio_meter *, struct audio_loudness *);

struct audio_norm;
struct audio_norm *norm_new(const AVCodecContext *, AVRational,
	    const struct profile *, const struct audio_loudness *, char **);
struct audio_norm *norm_new_downmix(const AVCodecContext *, AVRational,
	    const struct profile *, const struct audio_loudness *, char **);
const AVCodecContext *norm_encoder(const struct audio_norm *);
int	 norm_feed(struct audio_norm *, AVFrame *,
	    int (*)(void *, AVPacket *), void *, char **);
double	 norm_gain(const struct audio_norm *);
void	 norm_free(struct audio_norm *, struct audio_loudness *);

/* Matroska output. */
struct media_mux;
struct media_mux *mux_open(const char *, AVFormatContext *, char **);
int	 mux_add_video(struct media_mux *, const AVStream *,
	    const AVCodecParameters *, AVRational, const struct media_info *);
int	 mux_add_encoded(struct media_mux *, const AVStream *,
	    const AVCodecContext *);
int	 mux_add_copy(struct media_mux *, const AVStream *);
int	 mux_add_cover(struct media_mux *, const AVStream *);
void	 mux_set_disposition(struct media_mux *, int, int);
void	 mux_set_title(struct media_mux *, int, const char *);
void	 mux_keep_timestamps(struct media_mux *);
void	 mux_origin(struct media_mux *, int64_t);
int	 mux_start(struct media_mux *, char **);
int	 mux_write(struct media_mux *, int, AVPacket *, AVRational, char **);
int	 mux_finish(struct media_mux *, char **);
void	 mux_free(struct media_mux *);

/*
 * An output being written (media_output.c): the video from one of our
 * encoders (ops, enc, and the picture's size) or as it is (vpar), and
 * with a source, the source's other streams in its order: audio
 * normalised to the loudness measured (loud, per audio slot), the rest
 * copied or left out.
 */
#define OUTPUT_KEEP_TS		0x1	/* timestamps as they are */
#define OUTPUT_LOG_LEFT		0x2	/* log the streams left out */
#define OUTPUT_NO_VIDEO_READ	0x4	/* the source's video is not read */
struct enc_ops;
struct encoder;
struct enc_packet;
struct output_spec {
	const char			*path;
	struct media_source		*src;		/* NULL: the video alone */
	const struct enc_ops		*ops;
	struct encoder			*enc;
	const AVCodecParameters		*vpar;		/* or NULL */
	int				 width;
	int				 height;
	int				 depth;
	int				 kbps;
	const struct media_info		*mi;
	const struct profile		*prof;
	const struct audio_loudness	*loud;
	int				 nloud;
	int64_t				 vspan;		/* the video's length,
							 * the audio cut there;
							 * 0: not cut */
	int				 flags;
};
struct media_output;
struct media_output *output_open(const struct output_spec *, char **);
int	 output_encoded(struct media_output *, const struct enc_packet *,
	    AVRational, char **);
int	 output_video(struct media_output *, AVPacket *, AVRational, char **);
int	 output_audio(struct media_output *, int, AVFrame *, char **);
int	 output_copy(struct media_output *, AVPacket *, char **);
int	 output_finish(struct media_output *, char **);
void	 output_free(struct media_output *, struct audio_loudness *, int);

/*
 * The errno of the last error media_error told, 0 when it was none or not
 * a system error (a full disk, a failed read): what kind of failure a
 * cause is.  Told once, then cleared.
 */
int	 media_errno(void);

/* Damage: a file read whole against what it states (media_damage.c). */
void	 damage_init(void);
void	 damage_watch(int);
void	 damage_ignore_thread(void);
void	 damage_facts(const struct media_source *, struct damage_facts *);
int	 damage_check_facts(const struct damage_facts *,
	    const struct media_info *, int64_t, char *, size_t, char **);
const char *damage_said(void);
void	 damage_skipped(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

/* Why a file could not be opened, in words (media_reason.c). */
void	 reason_open(const char *, int, char **);

/* Times and rates (media_time.c). */
double	 media_rate(AVRational);
double	 media_frame_time(AVRational);
const char *media_pix_fmt_name(enum AVPixelFormat);
int64_t	 media_span(int64_t, int64_t, AVRational, AVRational);
int64_t	 media_source_end(const struct media_source *, AVRational);
int	 media_audio_past(const struct media_source *, int, AVFrame *,
	    int64_t);
int	 media_pts_valid(int64_t);

/* Verification of a finished file. */
struct verify_expect {
	int64_t		frames;
	int64_t		duration;	/* AV_TIME_BASE units */
	AVRational	fps;
	int		width;
	int		height;
	int		naudio;
	int		nsubtitle;
	/* Called with the frames decoded so far, if not NULL. */
	void		(*progress)(void *, int64_t);
	void		*arg;
};
int	 media_verify(const char *, const struct verify_expect *,
	    volatile int *, char **);

#endif
