/*
 * Encoder options a sidecar may set in x265_params, aom_params and
 * svt_params: an allow-list of options that tune the encode and cannot
 * name a file, start a process or raise the host's thread counts.
 * Options that name files (stats, csv, analysis-save, qpfile,
 * film-grain-table, ...) get their own message, so that a user learns
 * why.  Profiles in the configuration file are the administrator's and
 * are not checked here.
 */
#include "config.h"

#include <string.h>

#include "conf_local.h"
#include "xmalloc.h"

#define PARAM_KEY_MAX	64

/* x265 options (param_parse names, without a "no-" prefix). */
static const char *const params_x265[] = {
	"amp", "aq-mode", "aq-motion", "aq-strength", "aud", "b-adapt",
	"b-intra", "b-pyramid", "bframe-bias", "bframes", "bitrate",
	"cbqpoffs", "chromaloc", "colormatrix", "colorprim", "const-vbv",
	"crf", "crf-max", "crf-min", "crqpoffs", "ctu", "cu-lossless",
	"cutree", "deblock", "early-skip", "fades", "fast-intra", "hdr10",
	"hdr10-opt", "high-tier", "hist-scenecut", "hrd", "info",
	"ipratio", "keyint", "level-idc", "limit-modes", "limit-refs",
	"limit-sao", "limit-tu", "lossless", "master-display", "max-cll",
	"max-merge", "max-tu-size", "me", "merange", "min-cu-size",
	"min-keyint", "nr-inter", "nr-intra", "open-gop", "overscan",
	"pbratio", "psy-rd", "psy-rdoq", "qcomp", "qg-size", "qp",
	"qpmax", "qpmin", "qpstep", "range", "rc-grain", "rc-lookahead",
	"rd", "rd-refine", "rdoq-level", "rect", "ref", "repeat-headers",
	"rskip", "sao", "sao-non-deblock", "sar", "scenecut",
	"scenecut-bias", "selective-sao", "signhide", "splitrd-skip",
	"ssim-rd", "strong-intra-smoothing", "subme", "temporal-layers",
	"temporal-mvp", "transfer", "tskip", "tskip-fast",
	"tu-inter-depth", "tu-intra-depth", "vbv-bufsize", "vbv-init",
	"vbv-maxrate", "videoformat", "weightb", "weightp", NULL
};

/* libaom options (aom_codec_set_option names). */
static const char *const params_aom[] = {
	"aq-mode", "arnr-maxframes", "arnr-strength", "bias-pct",
	"color-primaries", "cdf-update-mode", "chroma-sample-position",
	"coeff-cost-upd-freq", "deltaq-mode", "deltaq-strength",
	"dv-cost-upd-freq", "enable-cdef", "enable-chroma-deltaq",
	"enable-dual-filter", "enable-fwd-kf", "enable-keyframe-filtering",
	"enable-qm", "enable-restoration", "enable-tpl-model",
	"kf-max-dist", "kf-min-dist", "matrix-coefficients", "max-q",
	"min-q", "mode-cost-upd-freq", "mv-cost-upd-freq", "overshoot-pct",
	"qm-max", "qm-min", "quant-b-adapt", "sb-size", "sharpness",
	"tile-columns", "tile-rows", "transfer-characteristics",
	"undershoot-pct", NULL
};

/*
 * SVT-AV1 options (svt_av1_enc_parse_parameter names); not lp, pin or ss,
 * which place threads on the host's processors.
 */
static const char *const params_svt[] = {
	"aq-mode", "bias-pct", "color-primaries", "crf", "enable-cdef",
	"enable-dlf", "enable-mfmv", "enable-overlays", "enable-qm",
	"enable-restoration", "enable-tf", "fast-decode", "film-grain",
	"film-grain-denoise", "hierarchical-levels", "keyint", "lookahead",
	"matrix-coefficients", "max-qp", "maxsection-pct", "min-qp",
	"minsection-pct", "overshoot-pct", "preset", "qm-max", "qm-min",
	"scd", "tile-columns", "tile-rows", "transfer-characteristics",
	"tune", "undershoot-pct", NULL
};

/* Options known to name a file: refused with this reason. */
static const char *const params_files[] = {
	"analysis-load", "analysis-reuse-file", "analysis-save", "csv",
	"dhdr10-info", "dolby-vision-rpu", "fgs-table", "film-grain-table",
	"lambda-file", "partition-info-path", "qpfile", "recon",
	"scaling-list", "stats", "vmaf-model-path", "zonefile", NULL
};

/* Whether key is in the NULL-terminated list. */
static int
params_listed(const char *const *list, const char *key)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

/*
 * The option name of an item "key=value" or "key" in out: '_' read as '-'
 * (as both encoders do) and, for x265, a "no-" prefix dropped.
 */
static void
params_key(const char *item, size_t len, int x265, char *out)
{
	size_t	i;

	if (len >= PARAM_KEY_MAX)
		len = PARAM_KEY_MAX - 1;
	for (i = 0; i < len && item[i] != '='; i++)
		out[i] = item[i] == '_' ? '-' : item[i];
	out[i] = '\0';
	if (x265 && strncmp(out, "no-", 3) == 0)
		memmove(out, out + 3, strlen(out + 3) + 1);
}

/* Check one item against list; *reason says why it is refused. */
static int
params_item(const char *item, size_t len, const char *const *list,
    char **reason)
{
	char	key[PARAM_KEY_MAX];

	params_key(item, len, list == params_x265, key);
	if (params_listed(params_files, key)) {
		xasprintf(reason, "option \"%s\" names a file and is not "
		    "allowed in a sidecar", key);
		return -1;
	}
	if (!params_listed(list, key)) {
		xasprintf(reason, "option \"%s\" is not allowed in a sidecar "
		    "(see distenc.conf(5) for the options that are)", key);
		return -1;
	}
	return 0;
}

/*
 * Check a params string from a sidecar (items split by ':', already
 * checked for shape) against the allow-list of the encoder the setting
 * is for (x265_params, aom_params, svt_params).  Return 0, or -1 with
 * *reason set.
 */
int
conf_params_allowed(const char *params, const char *setting, char **reason)
{
	const char *const	*list;
	const char		*item, *end;
	size_t			 len;

	if (*params == '\0')
		return 0;
	list = strcmp(setting, "x265_params") == 0 ? params_x265 :
	    strcmp(setting, "svt_params") == 0 ? params_svt : params_aom;
	for (item = params;; item = end + 1) {
		end = strchr(item, ':');
		len = end != NULL ? (size_t)(end - item) : strlen(item);
		if (params_item(item, len, list, reason) != 0)
			return -1;
		if (end == NULL)
			return 0;
	}
}
