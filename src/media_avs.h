/* What media_avs.c shares with media_avs_src.c, the script as a source. */
#ifndef MEDIA_AVS_H
#define MEDIA_AVS_H

#include "avs.h"
#include "media.h"

const struct avs_plan	*script_plan(const struct media_script *);
struct avsplus		*script_plus(const struct media_script *);
const struct avsplus_info *script_plus_info(const struct media_script *);

#endif
