/*
 * Which files are jobs (include and exclude globs on the path relative to
 * the spool or the inputs' root), and the rules on what a probed source
 * is: the first rule whose conditions all hold decides its profile, or
 * that it is skipped.  Pure logic, without FFmpeg: the media layer fills
 * a struct rules_facts from its probe.
 */
#ifndef RULES_H
#define RULES_H

#include <stddef.h>

#include "conf.h"

enum rules_hdr {
	RULES_HDR_NONE,
	RULES_HDR_HDR10,
	RULES_HDR_HLG,
	RULES_HDR_DOLBY_VISION,
	RULES_HDR_HDR10PLUS
};

/* What probing a source found, as the rules see it; 0 is unknown. */
struct rules_facts {
	const char		*codec;		/* FFmpeg's name: hevc, h264 */
	int			 width;
	int			 height;
	double			 fps;
	int			 depth;
	enum rules_hdr		 hdr;
	int			 interlaced;	/* the interlace verdict */
	int			 kbps;		/* video bitrate */
	double			 duration;	/* seconds */
	const char		*path;		/* relative */
	const char *const	*languages;	/* of the audio tracks */
	size_t			 nlanguages;
};

int		 rules_is_job(const struct config *, const char *, char *,
		    size_t);
const struct conf_rule *rules_match(const struct config *,
		    const struct rules_facts *, size_t *);
void		 rules_name(const struct conf_rule *, size_t, char *, size_t);
const char	*rules_hdr_name(enum rules_hdr);

#endif
