/*
 * One interface for the video encoders: open with parameters, send frames,
 * receive packets, close.  Each backend is one file behind one struct of
 * function pointers: x265 in enc_x265.c, libaom (AV1) in enc_aom.c,
 * SVT-AV1 in enc_svt.c.
 */
#ifndef ENC_H
#define ENC_H

#include <stdint.h>

#include <libavutil/frame.h>
#include <libavutil/rational.h>

#include "conf.h"
#include "media.h"

struct enc_params {
	int			 width;		/* after crop and scale */
	int			 height;
	int			 depth;		/* 8 or 10 */
	AVRational		 fps;
	AVRational		 tb;		/* of the frames' pts */
	int			 pass;		/* 0 single, 1 or 2 */
	const char		*stats;		/* two-pass stats file */
	const char		*analysis;	/* pass 1's analysis for pass
						 * 2 (pass_reuse), or NULL */
	int			 kbps;		/* target bitrate */
	int64_t			 frames;	/* total, 0 unknown */
	const struct profile	*prof;
	const struct media_info	*mi;		/* colour, HDR10 */
};

struct enc_packet {
	const uint8_t	*data;
	int		 size;
	int64_t		 pts;
	int64_t		 dts;
	int		 key;
};

struct encoder;

struct enc_ops {
	const char	*name;
	enum AVCodecID	 codec;
	/* the rate to aim at from the one the profile gives (0: constant
	 * quality), the settings told in the log */
	int		 (*settings)(const struct profile *, int, int);
	struct encoder	*(*open)(const struct enc_params *, char **);
	int		 (*headers)(struct encoder *, const uint8_t **, int *);
	int		 (*send)(struct encoder *, const AVFrame *, char **);
	int		 (*receive)(struct encoder *, struct enc_packet *, char **);
	void		 (*close)(struct encoder *);
};

extern const struct enc_ops enc_x265_ops;
extern const struct enc_ops enc_aom_ops;
extern const struct enc_ops enc_svt_ops;

const struct enc_ops *enc_find(const char *);
int	 enc_set_params(struct encoder *, const char *,
	    int (*)(struct encoder *, const char *, const char *, char **),
	    char **);
enum AVPixelFormat enc_pix_fmt(int);

#endif
