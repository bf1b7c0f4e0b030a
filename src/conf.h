/*
 * Configuration: a libconfig file read into plain structs, over built-in
 * defaults, validated by one table of keys (name, type, range).
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include <stdio.h>

enum crop_mode {
	CROP_AUTO,
	CROP_CONSERVATIVE,
	CROP_OFF,
	CROP_MANUAL
};

/* Where a chunked job finds its scene changes. */
enum scd_mode {
	SCD_QPFILE,		/* an x264/x265 QP file */
	SCD_SOURCE,		/* detected on the source's video */
	SCD_SCRIPT		/* detected on the whole script's output */
};

/* How x265 spends its bits. */
enum rate_control {
	RC_ABR,			/* two passes at a bitrate */
	RC_CRF			/* one pass at constant quality */
};

/* What a job does when its video came out larger than allowed. */
enum when_larger {
	LARGER_SKIP,		/* no output, the job skipped */
	LARGER_REMUX,		/* the source's video copied */
	LARGER_KEEP		/* the encoded video kept */
};

/* A rule's interlaced condition. */
enum rule_tristate {
	RULE_ANY,
	RULE_YES,
	RULE_NO
};

/* What x265's pass 2 takes from pass 1 besides the stats. */
enum pass_reuse {
	PASS_REUSE_NONE,
	PASS_REUSE_ANALYSIS,	/* mode decisions: multi-pass-opt-analysis */
	PASS_REUSE_DISTORTION,	/* CTU distortion: multi-pass-opt-distortion */
	PASS_REUSE_BOTH
};

/* What a source with dynamic HDR metadata gets. */
enum dynamic_hdr {
	DYNAMIC_HDR_FAIL,	/* refused */
	DYNAMIC_HDR_BASE	/* its base layer encoded, with a warning */
};

/* Deinterlacing: by detection, never, always. */
enum deint_mode {
	DEINT_AUTO,
	DEINT_OFF,
	DEINT_ON
};

/* One named encoding profile. */
struct profile {
	char		*name;

	/* video: x265 */
	char		*encoder;	/* "x265", "aom" or "svt" */
	char		*preset;	/* x265 preset, "slow" */
	char		*tune;		/* x265 tune, "" for none */
	char		*x265_params;	/* "key=value:key=value" */
	int		 bitrate;	/* kbps; 0: derive from bpp */
	double		 bpp;		/* bits per pixel per frame */
	int		 bit_depth;	/* 0 follows the source, or 8, 10 */
	int		 threads;	/* per encoder, 0: a share (conf_share) */
	int		 fast_firstpass;	/* bool: x265's fast pass 1 */
	enum pass_reuse	 pass_reuse;	/* pass 1's analysis in pass 2 */

	/* video: aom */
	int		 q;		/* cq-level */
	int		 cpu_used;
	int		 lag_in_frames;
	int		 tile_columns;	/* log2 */
	int		 tile_rows;	/* log2 */
	int		 row_mt;	/* bool */
	int		 noise_level;	/* film grain denoising, 0 off */
	char		*grain_table;	/* film grain table file, "" none */
	char		*aom_preset;	/* "1080p", "720p" */
	char		*aom_params;	/* "key=value:key=value" */

	/* video: svt */
	int		 svt_preset;	/* enc_mode, 0 slowest to 13 */
	int		 svt_crf;	/* constant rate factor */
	int		 svt_film_grain;	/* grain synthesis, 0 off */
	char		*svt_params;	/* "key=value:key=value" */

	/* chunks and scenes */
	int		 chunked;	/* bool: scene-based parallel chunks */
	int		 min_chunk_length;	/* frames */
	int		 max_chunk_length;	/* frames, 0 none */
	int		 parallel_encodes;	/* 0: jobs, or a share */
	enum scd_mode	 scd;
	double		 scd_threshold;
	int		 scd_downscale;	/* bool: on 2x downscaled frames */
	char		*qp_file;	/* "" search beside the source */

	/* picture */
	enum crop_mode	 crop;
	int		 crop_manual[4];	/* top, bottom, left, right */
	int		 crop_samples;	/* frames sampled for detection */
	int		 crop_limit;	/* luma level (8-bit scale) of black */
	int		 scale_width;	/* 0: keep; else scale to this width */

	/* audio */
	char		*audio_codec;	/* "opus", "copy" */
	int		 audio_bitrate;	/* kbps per channel */
	int		 normalize;	/* bool: loudness normalisation */
	double		 loudness;	/* integrated target, LUFS */
	double		 true_peak;	/* ceiling, dBTP */
	int		 dynaudnorm;	/* bool: dynamic normaliser first */

	/* streams kept (streams.c) and dynamic HDR */
	char		*audio_languages;	/* "eng,fre"; "" all */
	int		 drop_commentary;	/* bool */
	int		 drop_descriptive;	/* bool */
	char		*commentary_words;	/* title words, "," */
	char		*descriptive_words;
	int		 max_audio_tracks;	/* 0: no limit */
	int		 stereo_track;		/* bool: a stereo downmix */
	char		*subtitle_languages;	/* "" all */
	int		 drop_sdh;		/* bool */
	int		 extra_video;		/* bool: copy a second video */
	enum dynamic_hdr dynamic_hdr;
	enum deint_mode	 deinterlace;
	int		 deinterlace_fields;	/* bool: a frame per field */
	/* sources */
	int		 allow_damaged;	/* bool: encode what is read, warn */

	/* size: rate control and the source's bitrate */
	enum rate_control rate_control;
	double		 crf;		/* x265 constant quality */
	double		 max_source_share;	/* of the source's video
					 * bitrate, 0 no cap */
	int		 min_bitrate;	/* kbps floor, 0 none */
	double		 max_output_share;	/* of the source's video
					 * bytes, 0 no guard */
	enum when_larger when_larger;
};

/* One element of directories: sources below path use profile. */
struct conf_dir {
	char		*path;		/* below spool_dir, no "/" at its end */
	char		*profile;	/* a profile of the configuration */
};

/* distenc --slurm: how jobs are submitted to a Slurm cluster. */
struct conf_slurm {
	char		*partition;	/* "": the cluster's default */
	char		*account;	/* "": the user's default */
	char		*time_plan;	/* time limits, Slurm's format, "" */
	char		*time_chunk;
	char		*time_join;
	char		*time_encode;	/* a two-pass job */
	char		*memory;	/* --mem of every job, "" */
	char		*options;	/* more sbatch options, split on spaces */
	int		 chunk_retries;	/* requeues of a failed chunk */
	int		 check_shared;	/* bool: work_dir must look shared */
};

/*
 * One element of rules: conditions on the probed source (a number range
 * with 0 at an end is open there; an empty list or string is any) and an
 * action, profile or skip.
 */
struct conf_rule {
	char		*name;		/* "" none */
	char		**codec;
	size_t		 ncodec;
	int		 min_width;
	int		 max_width;
	int		 min_height;
	int		 max_height;
	double		 min_fps;
	double		 max_fps;
	int		 bit_depth;	/* 0 any */
	char		**hdr;		/* none hdr10 hlg dolby_vision hdr10+ */
	size_t		 nhdr;
	enum rule_tristate interlaced;
	int		 min_video_bitrate;	/* kbps */
	int		 max_video_bitrate;
	double		 min_duration;	/* seconds */
	double		 max_duration;
	char		*path;		/* glob on the relative path */
	char		**audio_languages;	/* any of them present */
	size_t		 naudio_languages;
	char		*profile;	/* "" unless the action */
	char		*skip;		/* reason; "" unless the action */
};

/* The whole configuration. */
struct config {
	char		*path;		/* file read, NULL for built-in */

	char		*output_dir;
	char		*stats_dir;
	char		*work_dir;	/* chunks and plans */
	char		*log_dir;
	int		 jobs;		/* 0: one per processor (conf_jobs) */
	int		 overwrite;	/* bool: replace existing outputs */
	char		*default_profile;
	char		*token_dir;	/* "": work alone */
	char		*node;		/* "": the host name */
	int		 lease;		/* seconds */
	char		*avisynth_library;	/* "": search the usual names */
	int		 keep_pass1;	/* bool: pass 1 kept in work_dir */

	/* distencd(8); distenc(1) reads and ignores them. */
	char		*spool_dir;
	char		*status_dir;	/* "": none */
	int		 poll_interval;	/* seconds between full rescans */
	int		 settle_time;	/* seconds a file must stay unchanged */
	int		 max_attempts;	/* for transient failures */
	int		 retry_delay;	/* seconds, doubled for each retry */
	int		 nice;		/* of workers, -20..19 */
	int		 move_sources;	/* bool: to done/ or failed/ */
	char		**script_paths;	/* scripts may also read below these */
	size_t		 nscript_paths;
	int		 avisynth_plus;	/* bool: workers may run AviSynth+ */
	int		 stall_timeout;	/* seconds without progress; 0 never */
	int		 job_retention;	/* seconds finished jobs are kept */
	int		 job_retention_count; /* at most so many; 0 any */
	struct conf_dir	*dirs;
	size_t		 ndirs;
	char		**on_done;	/* argv (NULL-terminated), or NULL */
	size_t		 non_done;
	char		**on_failure;	/* argv (NULL-terminated), or NULL */
	size_t		 non_failure;
	char		*control_socket; /* "": none */
	char		**active_hours;	/* weekly windows (hours.h), or NULL */
	size_t		 nactive_hours;
	char		*outside_hours;	/* "finish" or "pause" */
	char		*metrics_file;	/* "": status_dir/distencd.prom */

	struct conf_slurm slurm;		/* distenc --slurm */

	/* which files are jobs, and what is done with each */
	char		**include;	/* globs; NULL: the built-in list */
	size_t		 ninclude;
	char		**exclude;
	size_t		 nexclude;
	int		 match_case;	/* bool: globs case-sensitive */
	struct conf_rule *rules;
	size_t		 nrules;
	int		 move_skipped;	/* bool: with move_sources, to done/ */

	struct profile	*profiles;
	size_t		 nprofiles;

	unsigned char	*isset;		/* private, for conf_isset */
};

/*
 * On error conf_load and conf_sidecar return NULL with *cause (to free)
 * holding every error found, which may be several lines: one error a line,
 * "FILE:LINE: KEY: REASON", joined by '\n' with none at the end.  The
 * order of the lines is described at conf_load in conf.c.
 */
struct config	*conf_default(void);
struct config	*conf_load(const char *, char **);
void		 conf_free(struct config *);
struct profile	*conf_profile(struct config *, const char *);
const struct profile *conf_get_profile(const struct config *, const char *);
const char	*conf_crop_mode_name(enum crop_mode);
const char	*conf_scd_mode_name(enum scd_mode);
const char	*conf_aom_preset(const char *);
void		 conf_dump(const struct config *, FILE *);
int		 conf_isset(const struct config *, const char *);
const char	*conf_dir_profile(const struct config *, const char *);
const char	*conf_plus_exec_dir(const struct config *);
struct profile	*conf_sidecar(const struct config *, const struct profile *,
		     const char *, char **);
void		 conf_profile_free(struct profile *);

/* conf_share.c */
int		 conf_processors(void);
int		 conf_jobs(const struct config *);
void		 conf_share(struct profile *, const struct config *, int);

#endif
