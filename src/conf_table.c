/*
 * The table of settings: every key of the configuration file and of sidecar
 * files, once, with its scope, type, range, default and where it is stored;
 * and the built-in profiles, as text read like a profile in a file.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "conf.h"
#include "conf_local.h"
#include "node.h"
#include "hours.h"
#include "xmalloc.h"

static int	conf_check_params(char *, char **);
static int	conf_check_nonempty(char *, char **);
static int	conf_check_relpath(char *, char **);
static int	conf_check_node(char *, char **);
static int	conf_check_languages(char *, char **);
static int	conf_check_absolute(char *, char **);
static int	conf_check_hdr(char *, char **);

static const char *const conf_encoders[] = {
	"x265", "aom", "svt", NULL
};
static const char *const conf_presets[] = {
	"ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
	"slow", "slower", "veryslow", "placebo", NULL
};
static const char *const conf_tunes[] = {
	"", "psnr", "ssim", "grain", "zerolatency", "fastdecode", "animation",
	NULL
};
/* In the order of enum crop_mode. */
static const char *const conf_crop_modes[] = {
	"auto", "conservative", "off", "manual", NULL
};
static const char *const conf_audio_codecs[] = {
	"opus", "flac", "copy", NULL
};
static const int conf_bit_depths[] = { 0, 8, 10 };
/* In the order of enum deint_mode. */
static const char *const conf_deint_modes[] = {
	"auto", "off", "on", NULL
};
/* In the order of enum dynamic_hdr. */
static const char *const conf_dynamic_hdr_modes[] = {
	"fail", "base", NULL
};
static const char *const conf_outside_hours[] = {
	"finish", "pause", NULL
};
/* In the order of enum rate_control, enum when_larger, enum rule_tristate. */
static const char *const conf_rate_controls[] = {
	"abr", "crf", NULL
};
static const char *const conf_when_larger[] = {
	"skip", "remux", "keep", NULL
};
static const char *const conf_tristates[] = {
	"any", "yes", "no", NULL
};
static const int conf_rule_depths[] = { 0, 8, 10, 12 };
/* In the order of enum pass_reuse. */
static const char *const conf_pass_reuses[] = {
	"none", "analysis", "distortion", "both", NULL
};
/* In the order of enum scd_mode. */
static const char *const conf_scd_modes[] = {
	"qpfile", "source", "script", NULL
};

/*
 * The named aom presets: aomenc options applied over the profile's own
 * settings and before its aom_params.
 */
static const struct {
	const char	*name;
	const char	*params;
} conf_aom_presets[] = {
	{ "1080p",	"tile-columns=1:enable-qm=1:qm-min=5:sb-size=dynamic" },
	{ "720p",	"tile-columns=0:enable-qm=1:qm-min=5:sb-size=64" },
};
static const char *const conf_aom_preset_names[] = {
	"1080p", "720p", NULL
};

_Static_assert(sizeof(enum crop_mode) == sizeof(int),
    "enum crop_mode is stored through an int");
_Static_assert(sizeof(enum rate_control) == sizeof(int) &&
    sizeof(enum when_larger) == sizeof(int) &&
    sizeof(enum rule_tristate) == sizeof(int),
    "the size settings' and rules' enums are stored through an int");
_Static_assert(sizeof(enum scd_mode) == sizeof(int),
    "enum scd_mode is stored through an int");
_Static_assert(sizeof(enum dynamic_hdr) == sizeof(int),
    "enum dynamic_hdr is stored through an int");
_Static_assert(sizeof(enum deint_mode) == sizeof(int),
    "enum deint_mode is stored through an int");

#define G(f)	.scope = CONF_GLOBAL, .offset = offsetof(struct config, f)
#define GN(f, n) \
	G(f), .count_offset = offsetof(struct config, n)
#define S(f)	.scope = CONF_SLURM, .offset = offsetof(struct config, f)
#define P(f)	.scope = CONF_PROFILE, .offset = offsetof(struct profile, f)
#define D(f)	.scope = CONF_DIR, .offset = offsetof(struct conf_dir, f)
#define R(f)	.scope = CONF_RULE, .offset = offsetof(struct conf_rule, f)
#define RN(f, n) \
	R(f), .count_offset = offsetof(struct conf_rule, n)

const struct conf_entry conf_table[] = {
	/* Global settings, distenc(1) and distencd(8). */
	{ .name = "output_dir", G(output_dir), .type = CONF_STRING,
	  .default_str = "." },
	{ .name = "stats_dir", G(stats_dir), .type = CONF_STRING,
	  .default_str = "/dev/shm/distenc" },
	{ .name = "work_dir", G(work_dir), .type = CONF_STRING,
	  .check = conf_check_nonempty, .default_str = "/var/tmp/distenc" },
	{ .name = "log_dir", G(log_dir), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "jobs", G(jobs), .type = CONF_INT,
	  .minimum = 0, .maximum = 64, .default_num = 0 },
	{ .name = "overwrite", G(overwrite), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "default_profile", G(default_profile), .type = CONF_STRING,
	  .default_str = "hevc" },
	{ .name = "token_dir", G(token_dir), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "node", G(node), .type = CONF_STRING,
	  .check = conf_check_node, .default_str = "" },
	{ .name = "lease", G(lease), .type = CONF_INT,
	  .minimum = 4, .maximum = 86400, .default_num = 300 },
	{ .name = "keep_pass1", G(keep_pass1), .type = CONF_BOOL,
	  .default_num = 0 },

	/* Global settings: AviSynth+. */
	{ .name = "avisynth_library", G(avisynth_library), .type = CONF_STRING,
	  .default_str = "" },

	/* Global settings of distencd(8), read and ignored by distenc(1). */
	{ .name = "spool_dir", G(spool_dir), .type = CONF_STRING,
	  .check = conf_check_nonempty, .default_str = "/var/spool/distenc/incoming" },
	{ .name = "status_dir", G(status_dir), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "poll_interval", G(poll_interval), .type = CONF_INT,
	  .minimum = 1, .maximum = 86400, .default_num = 60 },
	{ .name = "settle_time", G(settle_time), .type = CONF_INT,
	  .minimum = 0, .maximum = 86400, .default_num = 10 },
	{ .name = "max_attempts", G(max_attempts), .type = CONF_INT,
	  .minimum = 1, .maximum = 100, .default_num = 3 },
	{ .name = "retry_delay", G(retry_delay), .type = CONF_INT,
	  .minimum = 1, .maximum = 86400, .default_num = 60 },
	{ .name = "nice", G(nice), .type = CONF_INT,
	  .minimum = -20, .maximum = 19, .default_num = 10 },
	{ .name = "move_sources", G(move_sources), .type = CONF_BOOL,
	  .default_num = 0 },
	/* What a file dropped into the spool may reach. */
	{ .name = "script_paths", GN(script_paths, nscript_paths),
	  .type = CONF_STRARRAY, .check = conf_check_absolute },
	{ .name = "avisynth_plus", G(avisynth_plus), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "stall_timeout", G(stall_timeout), .type = CONF_INT,
	  .flags = CONF_ZERO, .minimum = 5, .maximum = 604800,
	  .default_num = 1800 },
	{ .name = "job_retention", G(job_retention), .type = CONF_INT,
	  .flags = CONF_ZERO, .minimum = 1, .maximum = 315360000,
	  .default_num = 2592000 },
	{ .name = "job_retention_count", G(job_retention_count),
	  .type = CONF_INT, .flags = CONF_ZERO, .minimum = 1,
	  .maximum = 100000000, .default_num = 0 },
	{ .name = "directories", GN(dirs, ndirs), .type = CONF_LIST,
	  .elem_scope = CONF_DIR, .elem_size = sizeof(struct conf_dir) },
	{ .name = "on_done", GN(on_done, non_done), .type = CONF_STRARRAY,
	  .flags = CONF_COMMAND },
	{ .name = "on_failure", GN(on_failure, non_failure),
	  .type = CONF_STRARRAY, .flags = CONF_COMMAND },
	{ .name = "control_socket", G(control_socket), .type = CONF_STRING,
	  .default_str = "/run/distenc/control" },
	{ .name = "active_hours", GN(active_hours, nactive_hours),
	  .type = CONF_STRARRAY, .check = hours_check },
	{ .name = "outside_hours", G(outside_hours), .type = CONF_CHOICE,
	  .choices = conf_outside_hours, .default_str = "finish" },
	{ .name = "metrics_file", G(metrics_file), .type = CONF_STRING,
	  .default_str = "" },

	/* The group slurm: how distenc --slurm submits jobs. */
	{ .name = "partition", S(slurm.partition), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "account", S(slurm.account), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "time_plan", S(slurm.time_plan), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "time_chunk", S(slurm.time_chunk),
	  .type = CONF_STRING, .default_str = "" },
	{ .name = "time_join", S(slurm.time_join), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "time_encode", S(slurm.time_encode),
	  .type = CONF_STRING, .default_str = "" },
	{ .name = "memory", S(slurm.memory), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "options", S(slurm.options), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "chunk_retries", S(slurm.chunk_retries),
	  .type = CONF_INT, .minimum = 0, .maximum = 100, .default_num = 2 },
	{ .name = "check_shared", S(slurm.check_shared),
	  .type = CONF_BOOL, .default_num = 1 },

	/* An element of directories. */
	{ .name = "path", D(path), .type = CONF_STRING,
	  .flags = CONF_REQUIRED|CONF_UNIQUE, .check = conf_check_relpath,
	  .default_str = "" },
	{ .name = "profile", D(profile), .type = CONF_STRING,
	  .flags = CONF_REQUIRED, .default_str = "" },

	/* Which files are jobs and what is done with each: distencd(8)'s
	 * spool and distenc(1)'s directories alike. */
	{ .name = "include", GN(include, ninclude), .type = CONF_STRARRAY },
	{ .name = "exclude", GN(exclude, nexclude), .type = CONF_STRARRAY },
	{ .name = "match_case", G(match_case), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "rules", GN(rules, nrules), .type = CONF_LIST,
	  .elem_scope = CONF_RULE, .elem_size = sizeof(struct conf_rule) },
	{ .name = "move_skipped", G(move_skipped), .type = CONF_BOOL,
	  .default_num = 0 },

	/* An element of rules: its conditions, then its action. */
	{ .name = "name", R(name), .type = CONF_STRING, .default_str = "" },
	{ .name = "codec", RN(codec, ncodec), .type = CONF_STRARRAY },
	{ .name = "min_width", R(min_width), .type = CONF_INT,
	  .minimum = 0, .maximum = 65536, .default_num = 0 },
	{ .name = "max_width", R(max_width), .type = CONF_INT,
	  .minimum = 0, .maximum = 65536, .default_num = 0 },
	{ .name = "min_height", R(min_height), .type = CONF_INT,
	  .minimum = 0, .maximum = 65536, .default_num = 0 },
	{ .name = "max_height", R(max_height), .type = CONF_INT,
	  .minimum = 0, .maximum = 65536, .default_num = 0 },
	{ .name = "min_fps", R(min_fps), .type = CONF_FLOAT,
	  .minimum = 0, .maximum = 1000, .default_num = 0 },
	{ .name = "max_fps", R(max_fps), .type = CONF_FLOAT,
	  .minimum = 0, .maximum = 1000, .default_num = 0 },
	{ .name = "bit_depth", R(bit_depth), .type = CONF_INT,
	  .values = conf_rule_depths, .nvalues = nitems(conf_rule_depths),
	  .default_num = 0 },
	{ .name = "hdr", RN(hdr, nhdr), .type = CONF_STRARRAY,
	  .check = conf_check_hdr },
	{ .name = "interlaced", R(interlaced), .type = CONF_ENUM,
	  .choices = conf_tristates, .default_str = "any" },
	{ .name = "min_video_bitrate", R(min_video_bitrate), .type = CONF_INT,
	  .minimum = 0, .maximum = 10000000, .default_num = 0 },
	{ .name = "max_video_bitrate", R(max_video_bitrate), .type = CONF_INT,
	  .minimum = 0, .maximum = 10000000, .default_num = 0 },
	{ .name = "min_duration", R(min_duration), .type = CONF_FLOAT,
	  .minimum = 0, .maximum = 1e7, .default_num = 0 },
	{ .name = "max_duration", R(max_duration), .type = CONF_FLOAT,
	  .minimum = 0, .maximum = 1e7, .default_num = 0 },
	{ .name = "path", R(path), .type = CONF_STRING, .default_str = "" },
	{ .name = "audio_languages", RN(audio_languages, naudio_languages),
	  .type = CONF_STRARRAY },
	{ .name = "profile", R(profile), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "skip", R(skip), .type = CONF_STRING, .default_str = "" },

	/* A sidecar's base profile; it also holds profile settings. */
	{ .name = "profile", .scope = CONF_SIDECAR, .type = CONF_INHERIT },

	/* Profile settings: video. */
	{ .name = "inherit", .scope = CONF_PROFILE, .type = CONF_INHERIT,
	  .flags = CONF_NOSIDECAR },
	{ .name = "encoder", P(encoder), .type = CONF_CHOICE,
	  .choices = conf_encoders, .default_str = "x265" },
	{ .name = "preset", P(preset), .type = CONF_CHOICE,
	  .choices = conf_presets, .default_str = "slow" },
	{ .name = "tune", P(tune), .type = CONF_CHOICE,
	  .choices = conf_tunes, .default_str = "" },
	{ .name = "x265_params", P(x265_params), .type = CONF_STRING,
	  .check = conf_check_params, .default_str = "" },
	{ .name = "bitrate", P(bitrate), .type = CONF_INT,
	  .minimum = 0, .maximum = 1000000, .default_num = 0 },
	{ .name = "bpp", P(bpp), .type = CONF_FLOAT,
	  .minimum = 0.001, .maximum = 10.0, .default_num = 0.06 },
	{ .name = "bit_depth", P(bit_depth), .type = CONF_INT,
	  .values = conf_bit_depths, .nvalues = nitems(conf_bit_depths),
	  .default_num = 0 },
	{ .name = "threads", P(threads), .type = CONF_INT,
	  .minimum = 0, .maximum = 256, .default_num = 0 },
	{ .name = "fast_firstpass", P(fast_firstpass), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "pass_reuse", P(pass_reuse), .type = CONF_ENUM,
	  .choices = conf_pass_reuses, .default_str = "none" },

	/* Profile settings: aom. */
	{ .name = "q", P(q), .type = CONF_INT,
	  .minimum = 0, .maximum = 63, .default_num = 14 },
	{ .name = "cpu_used", P(cpu_used), .type = CONF_INT,
	  .minimum = 0, .maximum = 9, .default_num = 4 },
	{ .name = "lag_in_frames", P(lag_in_frames), .type = CONF_INT,
	  .minimum = 0, .maximum = 64, .default_num = 48 },
	{ .name = "tile_columns", P(tile_columns), .type = CONF_INT,
	  .minimum = 0, .maximum = 6, .default_num = 0 },
	{ .name = "tile_rows", P(tile_rows), .type = CONF_INT,
	  .minimum = 0, .maximum = 6, .default_num = 0 },
	{ .name = "row_mt", P(row_mt), .type = CONF_BOOL,
	  .default_num = 1 },
	{ .name = "noise_level", P(noise_level), .type = CONF_INT,
	  .minimum = 0, .maximum = 50, .default_num = 0 },
	{ .name = "grain_table", P(grain_table), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "aom_preset", P(aom_preset), .type = CONF_CHOICE,
	  .choices = conf_aom_preset_names, .default_str = "1080p" },
	{ .name = "aom_params", P(aom_params), .type = CONF_STRING,
	  .check = conf_check_params, .default_str = "" },

	/* Profile settings: svt. */
	{ .name = "svt_preset", P(svt_preset), .type = CONF_INT,
	  .minimum = 0, .maximum = 13, .default_num = 8 },
	{ .name = "svt_crf", P(svt_crf), .type = CONF_INT,
	  .minimum = 1, .maximum = 63, .default_num = 14 },
	{ .name = "svt_film_grain", P(svt_film_grain), .type = CONF_INT,
	  .minimum = 0, .maximum = 50, .default_num = 0 },
	{ .name = "svt_params", P(svt_params), .type = CONF_STRING,
	  .check = conf_check_params, .default_str = "" },

	/* Profile settings: scenes and chunks. */
	{ .name = "chunked", P(chunked), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "min_chunk_length", P(min_chunk_length), .type = CONF_INT,
	  .minimum = 1, .maximum = 100000, .default_num = 64 },
	{ .name = "max_chunk_length", P(max_chunk_length), .type = CONF_INT,
	  .flags = CONF_ZERO, .minimum = 2, .maximum = 1000000,
	  .default_num = 0 },
	{ .name = "parallel_encodes", P(parallel_encodes), .type = CONF_INT,
	  .minimum = 0, .maximum = 64, .default_num = 0 },
	{ .name = "scd", P(scd), .type = CONF_ENUM,
	  .choices = conf_scd_modes, .default_str = "source" },
	{ .name = "scd_threshold", P(scd_threshold), .type = CONF_FLOAT,
	  .minimum = 0.001, .maximum = 1.0, .default_num = 0.3 },
	{ .name = "scd_downscale", P(scd_downscale), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "qp_file", P(qp_file), .type = CONF_STRING,
	  .default_str = "" },

	/* Profile settings: picture. */
	{ .name = "crop", P(crop), .type = CONF_ENUM,
	  .choices = conf_crop_modes, .default_str = "auto" },
	{ .name = "crop_manual", P(crop_manual), .type = CONF_INTARRAY,
	  .count = 4, .flags = CONF_EVEN, .minimum = 0, .maximum = 8192,
	  .default_num = 0 },
	{ .name = "crop_samples", P(crop_samples), .type = CONF_INT,
	  .minimum = 3, .maximum = 200, .default_num = 20 },
	{ .name = "crop_limit", P(crop_limit), .type = CONF_INT,
	  .minimum = 0, .maximum = 255, .default_num = 24 },
	{ .name = "scale_width", P(scale_width), .type = CONF_INT,
	  .flags = CONF_ZERO|CONF_EVEN, .minimum = 16, .maximum = 8192,
	  .default_num = 0 },

	/* Profile settings: audio. */
	{ .name = "audio_codec", P(audio_codec), .type = CONF_CHOICE,
	  .choices = conf_audio_codecs, .default_str = "opus" },
	{ .name = "audio_bitrate", P(audio_bitrate), .type = CONF_INT,
	  .minimum = 8, .maximum = 512, .default_num = 64 },
	{ .name = "normalize", P(normalize), .type = CONF_BOOL,
	  .default_num = 1 },
	{ .name = "loudness", P(loudness), .type = CONF_FLOAT,
	  .minimum = -70.0, .maximum = -5.0, .default_num = -23.0 },
	{ .name = "true_peak", P(true_peak), .type = CONF_FLOAT,
	  .minimum = -9.0, .maximum = 0.0, .default_num = -1.0 },
	{ .name = "dynaudnorm", P(dynaudnorm), .type = CONF_BOOL,
	  .default_num = 0 },

	/* Profile settings: streams kept, and dynamic HDR. */
	{ .name = "audio_languages", P(audio_languages), .type = CONF_STRING,
	  .check = conf_check_languages, .default_str = "" },
	{ .name = "drop_commentary", P(drop_commentary), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "drop_descriptive", P(drop_descriptive), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "commentary_words", P(commentary_words),
	  .type = CONF_STRING, .default_str = "commentary,commentaire,kommentar" },
	{ .name = "descriptive_words", P(descriptive_words),
	  .type = CONF_STRING,
	  .default_str = "descriptive,audio description,described" },
	{ .name = "max_audio_tracks", P(max_audio_tracks), .type = CONF_INT,
	  .minimum = 0, .maximum = 32, .default_num = 0 },
	{ .name = "stereo_track", P(stereo_track), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "subtitle_languages", P(subtitle_languages),
	  .type = CONF_STRING, .check = conf_check_languages,
	  .default_str = "" },
	{ .name = "drop_sdh", P(drop_sdh), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "extra_video", P(extra_video), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "dynamic_hdr", P(dynamic_hdr), .type = CONF_ENUM,
	  .choices = conf_dynamic_hdr_modes, .default_str = "fail" },
	{ .name = "deinterlace", P(deinterlace), .type = CONF_ENUM,
	  .choices = conf_deint_modes, .default_str = "auto" },
	{ .name = "deinterlace_fields", P(deinterlace_fields),
	  .type = CONF_BOOL, .default_num = 0 },
	/* Profile settings: sources. */
	{ .name = "allow_damaged", P(allow_damaged), .type = CONF_BOOL,
	  .default_num = 0 },

	/* Profile settings: size, against the source's. */
	{ .name = "rate_control", P(rate_control), .type = CONF_ENUM,
	  .choices = conf_rate_controls, .default_str = "abr" },
	{ .name = "crf", P(crf), .type = CONF_FLOAT,
	  .minimum = 0, .maximum = 51, .default_num = 20 },
	{ .name = "max_source_share", P(max_source_share), .type = CONF_FLOAT,
	  .minimum = 0, .maximum = 10, .default_num = 0.7 },
	{ .name = "min_bitrate", P(min_bitrate), .type = CONF_INT,
	  .minimum = 0, .maximum = 1000000, .default_num = 0 },
	{ .name = "max_output_share", P(max_output_share), .type = CONF_FLOAT,
	  .minimum = 0, .maximum = 10, .default_num = 0.9 },
	{ .name = "when_larger", P(when_larger), .type = CONF_ENUM,
	  .choices = conf_when_larger, .default_str = "keep" },
};
const size_t conf_ntable = nitems(conf_table);

#undef G
#undef GN
#undef P
#undef D
#undef R
#undef RN

/*
 * Built-in profiles: each is a name and its settings in libconfig syntax,
 * read over the defaults exactly like a profile in a file.
 */
const struct conf_builtin conf_builtins[] = {
	{ "hevc",	"" },
	{ "hevc-fast",	"preset = \"fast\";" },
	{ "hevc-chunked", "chunked = true; x265_params = \"crf=20\";" },
	{ "av1",	"encoder = \"aom\"; chunked = true;" },
	{ "av1-fast",	"encoder = \"aom\"; chunked = true; cpu_used = 6; "
			"aom_preset = \"720p\"; lag_in_frames = 35;" },
	{ "av1-svt",	"encoder = \"svt\"; chunked = true;" },
	{ "av1-svt-fast", "encoder = \"svt\"; chunked = true; svt_preset = 10;" },
};
const size_t conf_nbuiltins = nitems(conf_builtins);

/* Find the setting of a scope by name. */
const struct conf_entry *
conf_find(enum conf_scope scope, const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(conf_table); i++) {
		if (conf_table[i].scope == scope &&
		    strcmp(conf_table[i].name, name) == 0)
			return &conf_table[i];
	}
	return NULL;
}

const char *
conf_crop_mode_name(enum crop_mode mode)
{
	if ((unsigned int)mode >= nitems(conf_crop_modes) - 1)
		return "unknown";
	return conf_crop_modes[mode];
}

const char *
conf_scd_mode_name(enum scd_mode mode)
{
	if ((unsigned int)mode >= nitems(conf_scd_modes) - 1)
		return "unknown";
	return conf_scd_modes[mode];
}

/* The aomenc options of a named aom preset, NULL for none. */
const char *
conf_aom_preset(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(conf_aom_presets); i++)
		if (strcmp(conf_aom_presets[i].name, name) == 0)
			return conf_aom_presets[i].params;
	return NULL;
}

/* Check x265_params, aom_params, svt_params: items split by ':', each "key=value" or "key". */
static int
conf_check_params(char *s, char **reason)
{
	const char	*item, *end, *eq;
	size_t		 len;

	if (*s == '\0')
		return 0;
	for (item = s;; item = end + 1) {
		end = strchr(item, ':');
		len = end != NULL ? (size_t)(end - item) : strlen(item);
		eq = memchr(item, '=', len);
		if (len == 0 || eq == item ||
		    (eq != NULL && eq == item + len - 1)) {
			xasprintf(reason, "bad item \"%.*s\" "
			    "(expected key=value or key)", (int)len, item);
			return -1;
		}
		if (end == NULL)
			break;
	}
	return 0;
}

static int
conf_check_nonempty(char *s, char **reason)
{
	if (*s != '\0')
		return 0;
	*reason = xstrdup("must not be empty");
	return -1;
}

/* A list of ISO 639-2 codes, "eng,fre": three letters each, lowered. */
static int
conf_check_languages(char *s, char **reason)
{
	char	*p = s;
	size_t	 n;

	for (; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	for (p = s; *p != '\0'; p += n) {
		p += strspn(p, ", ");
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz");
		if ((n != 3 && (n != 0 || *p != '\0')) ||
		    (p[n] != '\0' && p[n] != ',' && p[n] != ' ')) {
			xasprintf(reason, "not a list of three-letter "
			    "language codes (ISO 639-2), as \"eng,fre\"");
			return -1;
		}
	}
	return 0;
}

/* A node name: empty (the host's name) or what token files allow. */
static int
conf_check_node(char *s, char **reason)
{
	if (*s == '\0' || node_valid(s))
		return 0;
	*reason = xstrdup("must be 1 to 63 of A-Z a-z 0-9 . _ - "
	    "(not starting with . or -)");
	return -1;
}

/* An absolute path. */
static int
conf_check_absolute(char *s, char **reason)
{
	if (*s == '/')
		return 0;
	*reason = xstrdup("must be an absolute path");
	return -1;
}

/* An HDR kind a rule can name. */
static int
conf_check_hdr(char *s, char **reason)
{
	static const char *const kinds[] = {
		"none", "hdr10", "hlg", "dolby_vision", "hdr10+"
	};
	size_t	i;

	for (i = 0; i < nitems(kinds); i++)
		if (strcmp(s, kinds[i]) == 0)
			return 0;
	xasprintf(reason, "\"%s\" is not one of none, hdr10, hlg, "
	    "dolby_vision, hdr10+", s);
	return -1;
}

/* Check one component of a relative path. */
static int
conf_check_component(const char *s, size_t len, char **reason)
{
	if (len == 0)
		*reason = xstrdup("must not contain an empty component");
	else if (len == 2 && s[0] == '.' && s[1] == '.')
		*reason = xstrdup("must not contain a \"..\" component");
	else if (s[0] == '.') {
		*reason = xstrdup("must not contain a component starting "
		    "with \".\" (distencd does not enter those directories)");
	} else
		return 0;
	return -1;
}

/*
 * Check a path below the spool directory, removing any "/" at its end: it
 * must not be empty or absolute, and its components must not be empty or
 * start with ".".
 */
static int
conf_check_relpath(char *s, char **reason)
{
	const char	*item, *end;
	size_t		 len = strlen(s);

	if (*s == '/') {
		*reason = xstrdup("must be relative");
		return -1;
	}
	while (len > 0 && s[len - 1] == '/')
		s[--len] = '\0';
	if (conf_check_nonempty(s, reason) != 0)
		return -1;
	for (item = s;; item = end + 1) {
		end = strchr(item, '/');
		len = end != NULL ? (size_t)(end - item) : strlen(item);
		if (conf_check_component(item, len, reason) != 0)
			return -1;
		if (end == NULL)
			break;
	}
	return 0;
}
