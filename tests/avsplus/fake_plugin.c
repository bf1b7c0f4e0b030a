/*
 * A plugin for the stand-in AviSynth+ (tests/avsplus): loading it makes
 * the file DISTENC_TEST_PLUGIN_MARK names, so that a test can tell whether
 * a script's LoadPlugin ran code.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static void __attribute__((constructor))
fake_plugin_loaded(void)
{
	const char	*mark = getenv("DISTENC_TEST_PLUGIN_MARK");
	int		 fd;

	if (mark != NULL &&
	    (fd = open(mark, O_WRONLY | O_CREAT | O_EXCL, 0644)) != -1)
		close(fd);
}
