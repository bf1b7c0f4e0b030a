/*
 * distencctl's status page (see ctl_html.h).  data.js holds one object:
 * the daemon's status, every job's status, the hosts of the token
 * directory with when they were last seen, the chunks of chunked films
 * (pending, encoding by which host, done) from the plans and chunk
 * markers there, and totals.  The page shows it with textContent only:
 * nothing read from a file becomes markup.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_html.h"
#include "fsutil.h"
#include "log.h"
#include "token.h"
#include "xmalloc.h"

#define HTML_CHUNKS_MAX	4096	/* chunks of one film shown */

static const char html_page[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width\">\n"
"<title>distenc farm</title>\n<style>\n"
"body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222;"
"background:#f6f6f3}\n"
"h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}\n"
"#totals{color:#444}\n"
".host{background:#fff;border:1px solid #ddd;border-radius:6px;"
"padding:.5em .8em;margin:.5em 0}\n"
".host h3{margin:0 0 .3em;font-size:1em}.seen{color:#888;font-weight:normal}\n"
".job{display:grid;grid-template-columns:minmax(12em,2fr) 10em 3fr 13em;"
"gap:.6em;align-items:center;padding:.15em 0}\n"
".bar{background:#e4e4e0;border-radius:3px;height:.9em;overflow:hidden}\n"
".bar>div{background:#3a7bd5;height:100%}\n"
".st-failed{color:#b00020}.st-done{color:#2e7d32}.muted{color:#888}\n"
".strip{display:flex;flex-wrap:wrap;gap:2px;margin:.2em 0 .6em}\n"
".chunk{min-width:2.2em;height:1.6em;font-size:10px;line-height:1.6em;"
"text-align:center;border-radius:2px;background:#ddd;color:#555}\n"
".chunk.done{background:#66bb6a;color:#fff}\n"
".chunk.encoding{background:#ffb300;color:#222}\n"
"table{border-collapse:collapse;background:#fff}\n"
"td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}\n"
"</style>\n</head>\n<body>\n"
"<h1>distenc farm</h1>\n<div id=\"totals\"></div>\n"
"<div class=\"muted\" id=\"updated\"></div>\n"
"<h2>Hosts</h2>\n<div id=\"hosts\"></div>\n"
"<h2>Chunked films</h2>\n<div id=\"chunks\"></div>\n"
"<h2>Queue</h2>\n<div id=\"queue\"></div>\n"
"<h2>Last failures</h2>\n<div id=\"failures\"></div>\n"
"<h2>Finished</h2>\n<div id=\"finished\"></div>\n"
"<script>\n"
"'use strict';\n"
"function el(tag, cls, text) {\n"
"  var e = document.createElement(tag);\n"
"  if (cls) e.className = cls;\n"
"  if (text !== undefined) e.textContent = text;\n"
"  return e;\n"
"}\n"
"function hms(s) {\n"
"  if (s === undefined || s === null || s < 0) return '-';\n"
"  s = Math.round(s);\n"
"  var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;\n"
"  return h + ':' + String(m).padStart(2, '0') + ':' +\n"
"      String(s % 60).padStart(2, '0');\n"
"}\n"
"function bytes(n) {\n"
"  var u = ['B', 'KB', 'MB', 'GB', 'TB'], i = 0;\n"
"  while (Math.abs(n) >= 1000 && i < u.length - 1) { n /= 1000; i++; }\n"
"  return n.toFixed(i ? 1 : 0) + ' ' + u[i];\n"
"}\n"
"function jobLine(j) {\n"
"  var row = el('div', 'job');\n"
"  row.appendChild(el('span', '', j.relative || j.id));\n"
"  row.appendChild(el('span', 'st-' + j.state, j.state +\n"
"      (j.stage ? ' (' + j.stage + ')' : '')));\n"
"  var bar = el('div', 'bar'), fill = el('div');\n"
"  fill.style.width = Math.round(100 * (j.progress || 0)) + '%';\n"
"  bar.appendChild(fill);\n"
"  bar.title = Math.round(100 * (j.progress || 0)) + '%';\n"
"  row.appendChild(bar);\n"
"  row.appendChild(el('span', '', Math.round(100 * (j.progress || 0)) +\n"
"      '%, ' + (j.fps || 0).toFixed(1) + ' fps, ETA ' + hms(j.eta)));\n"
"  return row;\n"
"}\n"
"function render(d) {\n"
"  var t = d.totals;\n"
"  document.getElementById('totals').textContent = t.done + ' done, ' +\n"
"      t.skipped + ' skipped, ' + t.running + ' running, ' + t.queued +\n"
"      ' queued, ' + t.failed + ' failed; ' +\n"
"      (t.media_seconds / 3600).toFixed(1) + ' hours of media, ' +\n"
"      bytes(t.bytes_in) + ' in, ' +\n"
"      bytes(t.bytes_out) + ' out, ' + bytes(t.bytes_saved) + ' saved';\n"
"  document.getElementById('updated').textContent = 'updated ' + d.updated +\n"
"      (d.daemon && d.daemon.state ? ', daemon ' + d.daemon.state : '');\n"
"  var hosts = document.getElementById('hosts');\n"
"  hosts.replaceChildren();\n"
"  d.hosts.forEach(function (h) {\n"
"    var box = el('div', 'host'), title = el('h3', '', h.node);\n"
"    if (h.seen_ago !== undefined)\n"
"      title.appendChild(el('span', 'seen', ' seen ' + h.seen_ago + ' s ago'));\n"
"    box.appendChild(title);\n"
"    var n = 0;\n"
"    d.jobs.forEach(function (j) {\n"
"      if (j.node === h.node && (j.state === 'running' ||\n"
"          j.state === 'helping')) { box.appendChild(jobLine(j)); n++; }\n"
"    });\n"
"    if (!n) box.appendChild(el('div', 'muted', 'no job running'));\n"
"    hosts.appendChild(box);\n"
"  });\n"
"  var chunks = document.getElementById('chunks');\n"
"  chunks.replaceChildren();\n"
"  d.chunked.forEach(function (c) {\n"
"    var done = 0, enc = 0, strip = el('div', 'strip');\n"
"    c.chunks.forEach(function (s, i) {\n"
"      var cls = s === 'done' ? 'done' : s === 'pending' ? '' : 'encoding';\n"
"      var cell = el('div', 'chunk ' + cls, cls === 'encoding' ? s : String(i));\n"
"      cell.title = 'chunk ' + i + ': ' + (cls === 'encoding' ?\n"
"          'encoding by ' + s : s);\n"
"      if (cls === 'done') done++; else if (cls) enc++;\n"
"      strip.appendChild(cell);\n"
"    });\n"
"    chunks.appendChild(el('div', '', (c.relative || c.id) + ': ' + done +\n"
"        ' of ' + c.chunks.length + ' chunks done, ' + enc + ' encoding, ' +\n"
"        (c.chunks.length - done - enc) + ' pending'));\n"
"    chunks.appendChild(strip);\n"
"  });\n"
"  if (!d.chunked.length)\n"
"    chunks.appendChild(el('div', 'muted', 'none'));\n"
"  function list(id, want, cols) {\n"
"    var box = document.getElementById(id), tab = el('table'), n = 0;\n"
"    box.replaceChildren();\n"
"    d.jobs.forEach(function (j) {\n"
"      if (!want(j)) return;\n"
"      var tr = el('tr');\n"
"      cols(j).forEach(function (v) { tr.appendChild(el('td', '', v)); });\n"
"      tab.appendChild(tr); n++;\n"
"    });\n"
"    box.appendChild(n ? tab : el('div', 'muted', 'none'));\n"
"  }\n"
"  list('queue', function (j) {\n"
"    return j.state === 'queued' || j.state === 'waiting';\n"
"  }, function (j) { return [j.relative, j.state, j.error || '']; });\n"
"  list('failures', function (j) { return j.state === 'failed'; },\n"
"      function (j) { return [j.finished || '', j.relative, j.node || '',\n"
"          j.error || '']; });\n"
"  list('finished', function (j) {\n"
"    return j.state === 'done' || j.state === 'skipped';\n"
"  }, function (j) { return [j.finished || '', j.relative,\n"
"      j.state === 'skipped' ? 'skipped: ' + (j.reason || '') :\n"
"      j.skipped ? 'skipped: output exists' : (j.summary || '')]; });\n"
"}\n"
"function load() {\n"
"  var old = document.getElementById('data'), s = el('script');\n"
"  s.id = 'data';\n"
"  s.src = 'data.js?' + Date.now();\n"
"  s.onload = function () { render(window.DISTENC_DATA); };\n"
"  if (old) old.remove();\n"
"  document.body.appendChild(s);\n"
"}\n"
"load();\n"
"setInterval(load, 10000);\n"
"</script>\n"
"</body>\n</html>\n";

static const char *
jstr(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* Every job status file of dir, as an array (the daemon's apart). */
static json_t *
html_jobs(const char *dir, json_t **daemon)
{
	struct dirent	*de;
	json_t		*jobs = json_array(), *o;
	DIR		*d;
	size_t		 len;
	char		*path;

	*daemon = NULL;
	if ((d = opendir(dir)) == NULL) {
		log_warn("%s", dir);
		return jobs;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		o = json_load_file(path, 0, NULL);
		free(path);
		if (!json_is_object(o))
			json_decref(o);
		else if (strcmp(de->d_name, "distencd.json") == 0)
			*daemon = o;
		else
			json_array_append_new(jobs, o);
	}
	closedir(d);
	return jobs;
}

/* Size of a file, or -1. */
static double
html_size(const char *path)
{
	struct stat	sb;

	return *path != '\0' && stat(path, &sb) == 0 ? (double)sb.st_size : -1;
}

/*
 * Count states, seconds of media and bytes: done, and skipped (by a rule
 * or the size guard, or done earlier as its output existed: marked).
 */
static json_t *
html_totals(json_t *jobs)
{
	double	 in = 0, out = 0, media = 0, a, b;
	int	 done = 0, skipped = 0, failed = 0, running = 0, queued = 0;
	size_t	 i;
	json_t	*j;

	json_array_foreach(jobs, i, j) {
		if (strcmp(jstr(j, "state"), "failed") == 0)
			failed++;
		else if (strcmp(jstr(j, "state"), "running") == 0 ||
		    strcmp(jstr(j, "state"), "helping") == 0)
			running++;
		else if (strcmp(jstr(j, "state"), "queued") == 0 ||
		    strcmp(jstr(j, "state"), "waiting") == 0)
			queued++;
		else if (strcmp(jstr(j, "state"), "skipped") == 0)
			skipped++;
		if (strcmp(jstr(j, "state"), "done") != 0)
			continue;
		if (strstr(jstr(j, "summary"), "skipped") != NULL) {
			skipped++;
			json_object_set_new(j, "skipped", json_true());
			continue;
		}
		done++;
		media += json_number_value(json_object_get(j, "duration"));
		a = html_size(jstr(j, "source"));
		b = html_size(jstr(j, "output"));
		if (a >= 0 && b >= 0) {
			in += a;
			out += b;
		}
	}
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:f, s:f, s:f, s:f}",
	    "done", done, "skipped", skipped, "failed", failed,
	    "running", running, "queued", queued, "media_seconds", media,
	    "bytes_in", in,
	    "bytes_out", out, "bytes_saved", in - out);
}

/* The hosts: the token directory's nodes, and any a job names. */
static json_t *
html_hosts(const char *tdir, json_t *jobs)
{
	struct dirent	*de;
	struct tok_file	 f;
	struct stat	 sb;
	json_t		*hosts = json_array(), *h, *j;
	DIR		*d;
	char		*path, *cause = NULL;
	size_t		 i, k;
	int		 known;

	if (tdir != NULL && (d = opendir(tdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, ".node.", 6) != 0)
				continue;
			xasprintf(&path, "%s/%s", tdir, de->d_name);
			if (tok_readfile(path, &f, &sb, &cause) == 0 &&
			    f.kind == TOK_NODE)
				json_array_append_new(hosts, json_pack(
				    "{s:s, s:I}", "node", f.node, "seen_ago",
				    (json_int_t)(time(NULL) -
				    sb.st_mtim.tv_sec)));
			free(cause);
			cause = NULL;
			free(path);
		}
		closedir(d);
	}
	json_array_foreach(jobs, i, j) {
		if (*jstr(j, "node") == '\0')
			continue;
		known = 0;
		json_array_foreach(hosts, k, h)
			if (strcmp(jstr(h, "node"), jstr(j, "node")) == 0)
				known = 1;
		if (!known)
			json_array_append_new(hosts, json_pack("{s:s}", "node",
			    jstr(j, "node")));
	}
	return hosts;
}

/* The chunk count and key of the newest plan in a job's directory. */
static long
html_plan(const char *dir, char *key, size_t keylen)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		*path, *text, *cause = NULL, *p;
	time_t		 newest = 0;
	long		 n = -1, c;
	size_t		 len;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".plan") != 0)
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		text = stat(path, &sb) == 0 && sb.st_mtime >= newest ?
		    fs_read_small(path, 4096, &len, &cause) : NULL;
		free(cause);
		cause = NULL;
		free(path);
		if (text != NULL && (p = strstr(text, "\nchunks ")) != NULL &&
		    (c = strtol(p + 8, NULL, 10)) > 0 && c <= HTML_CHUNKS_MAX) {
			n = c;
			newest = sb.st_mtime;
			snprintf(key, keylen, "%.*s", (int)(strlen(de->d_name) -
			    5), de->d_name);
		}
		free(text);
	}
	closedir(d);
	return n;
}

/* Each chunk's state: "done", "pending", or the host encoding it. */
static json_t *
html_strip(const char *dir, const char *key, long n)
{
	struct tok_file	 f;
	struct stat	 sb;
	json_t		*a = json_array();
	char		*path, *cause = NULL;
	long		 k;

	for (k = 0; k < n; k++) {
		xasprintf(&path, "%s/%s.c%04ld.done", dir, key, k);
		if (stat(path, &sb) == 0) {
			json_array_append_new(a, json_string("done"));
			free(path);
			continue;
		}
		free(path);
		xasprintf(&path, "%s/%s.c%04ld.claim", dir, key, k);
		if (tok_readfile(path, &f, &sb, &cause) == 0 &&
		    f.kind == TOK_CLAIM)
			json_array_append_new(a, json_string(f.node));
		else
			json_array_append_new(a, json_string("pending"));
		free(cause);
		cause = NULL;
		free(path);
	}
	return a;
}

/* A film's path in the spool, from its job's status. */
static void
html_name_film(json_t *film, json_t *jobs)
{
	json_t	*j;
	size_t	 i;

	json_array_foreach(jobs, i, j)
		if (strcmp(jstr(j, "id"), jstr(film, "id")) == 0)
			json_object_set_new(film, "relative",
			    json_string(jstr(j, "relative")));
}

/* The chunked films of the token directory with their jobs' paths. */
static json_t *
html_chunked(const char *tdir, json_t *jobs)
{
	struct dirent	*de;
	json_t		*films = json_array(), *j;
	DIR		*d;
	char		*dir, *id, key[256];
	size_t		 len, i;
	long		 n;

	if (tdir == NULL || (d = opendir(tdir)) == NULL)
		return films;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 3 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 2, ".d") != 0)
			continue;
		xasprintf(&dir, "%s/%s", tdir, de->d_name);
		if ((n = html_plan(dir, key, sizeof(key))) > 0) {
			id = xstrdup(de->d_name);
			id[len - 2] = '\0';
			j = json_pack("{s:s, s:o}", "id", id, "chunks",
			    html_strip(dir, key, n));
			free(id);
			json_array_append_new(films, j);
		}
		free(dir);
	}
	closedir(d);
	json_array_foreach(films, i, j)
		html_name_film(j, jobs);
	return films;
}

/* Write data.js: everything the page shows. */
static int
html_data(const char *sdir, const char *tdir, const char *out)
{
	json_t	*daemon, *jobs, *root;
	char	*text, *js, *path, *cause = NULL, now[32];
	time_t	 t = time(NULL);
	int	 rv;

	jobs = html_jobs(sdir, &daemon);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	root = json_pack("{s:s, s:o, s:o, s:o, s:o}", "updated", now,
	    "totals", html_totals(jobs), "hosts", html_hosts(tdir, jobs),
	    "chunked", html_chunked(tdir, jobs), "jobs", json_incref(jobs));
	json_object_set_new(root, "daemon", daemon != NULL ? daemon :
	    json_null());
	text = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	xasprintf(&js, "window.DISTENC_DATA = %s;\n", text);
	xasprintf(&path, "%s/data.js", out);
	if ((rv = fs_write_atomic(path, js, strlen(js), &cause)) != 0) {
		log_warnx("%s", cause);
		free(cause);
	}
	free(path);
	free(js);
	free(text);
	json_decref(root);
	json_decref(jobs);
	return rv;
}

/*
 * Write the status page into out (made if need be) from the status files
 * of sdir and the token directory tdir (NULL: none); with every > 0,
 * refresh data.js every that many seconds until interrupted.
 */
int
html_write(const char *sdir, const char *tdir, const char *out, int every)
{
	char	*path, *cause = NULL;

	if (fs_mkdirs(out, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return 1;
	}
	xasprintf(&path, "%s/index.html", out);
	if (fs_write_atomic(path, html_page, strlen(html_page), &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		free(path);
		return 1;
	}
	if (html_data(sdir, tdir, out) != 0) {
		free(path);
		return 1;
	}
	printf("%s\n", path);
	fflush(stdout);
	free(path);
	while (every > 0) {
		sleep(every);
		if (html_data(sdir, tdir, out) != 0)
			return 1;
	}
	return 0;
}
