/* Finding the traces of one run: every process of the run copies the
 * session token into its trace header, so a scan of the output directory
 * finds them all, forked children and exec'd programs included, and
 * nothing left there by other runs. */
#include "config.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fnmatch.h>

#include "cli_util.h"
#include "record.h"
#include "trace_reader.h"

struct found {
	char *path;
	uint64_t pid, start_ns;
};

struct found_list {
	struct found *v;
	size_t n, cap;
};

/* The fnmatch pattern of a template's file name: %p matches anything,
 * %% a '%', every other byte only itself.  Without %p the probe names the
 * traces of later processes NAME.PID, so those match too. */
static char *name_pattern(const char *name)
{
	char *pat = malloc(2 * strlen(name) + 2), *q = pat;
	int has_pid = 0;

	if (!pat)
		return NULL;
	for (const char *p = name; *p; p++) {
		if (p[0] == '%' && (p[1] == 'p' || p[1] == '%')) {
			has_pid |= p[1] == 'p';
			*q++ = p[1] == 'p' ? '*' : '%';
			p++;
			continue;
		}
		if (strchr("*?[]\\", *p))
			*q++ = '\\';
		*q++ = *p;
	}
	strcpy(q, has_pid ? "" : "*");
	return pat;
}

/* Reads the process header of the trace at path: 1 when it carries
 * session (then *f is filled), else 0. */
static int trace_of_session(const char *path, const char *session, struct found *f)
{
	struct ma_chunk_iter *it;
	struct ma_chunk_view view;
	struct ma_codec_state st;
	struct ma_record rec;
	const uint8_t *p;
	char err[256];
	int match = 0;

	if (ma_chunk_iter_open(path, &it, err, sizeof err) != MA_TRACE_OPEN_OK)
		return 0;
	if (ma_chunk_iter_next(it, &view) == 1 && view.hdr.kind == MA_CHUNK_HEADER) {
		p = view.payload;
		ma_codec_state_init(&st, view.hdr.ts_first, view.version);
		if (ma_record_get(&p, p + view.hdr.raw_len, &st, &rec) == 0 &&
		    rec.tag == MA_REC_PROCESS &&
		    rec.u.process.session.len == strlen(session) &&
		    !memcmp(rec.u.process.session.ptr, session, strlen(session))) {
			f->pid = rec.u.process.pid;
			f->start_ns = rec.u.process.start_monotonic_ns;
			match = 1;
		}
	}
	ma_chunk_iter_close(it);
	return match;
}

static int add(struct found_list *l, const struct found *f)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct found *v = realloc(l->v, cap * sizeof *v);

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *f;
	return 0;
}

static void scan(const char *dir, const char *pattern, const char *session,
		 struct found_list *l)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct found f = { 0 };

		if (fnmatch(pattern, e->d_name, 0) != 0)
			continue;
		if (asprintf(&f.path, "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name) < 0)
			break;
		if (!trace_of_session(f.path, session, &f) || add(l, &f) < 0)
			free(f.path);
	}
	closedir(d);
}

static int by_start(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int record_report_traces(const char *template, const char *session)
{
	const char *slash = strrchr(template, '/');
	char *dir = record_template_dir(template);
	char *pattern = name_pattern(slash + 1);
	struct found_list l = { 0 };

	if (dir && pattern)
		scan(dir, pattern, session, &l);
	qsort(l.v, l.n, sizeof *l.v, by_start);
	for (size_t i = 0; i < l.n; i++) {
		fprintf(stderr, "%s: trace written: %s (pid %" PRIu64 ")\n",
			MA_PROGRAM, l.v[i].path, l.v[i].pid);
		free(l.v[i].path);
	}
	free(l.v);
	free(pattern);
	free(dir);
	return (int)l.n;
}
