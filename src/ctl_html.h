/*
 * distencctl's status page: a self-contained index.html (its CSS and a
 * little plain JavaScript inside, no network) and the data file it reads
 * (data.js, so the page also works from file://), made from the status
 * files and the token directory.
 */
#ifndef CTL_HTML_H
#define CTL_HTML_H

int	html_write(const char *, const char *, const char *, int);

#endif
