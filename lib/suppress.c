/* Leak suppressions: parsing rules and matching them on stacks. */
#include "config.h"

#include "suppress.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sitekey.h"

struct ma_suppressions {
	struct ma_supp_rule *v;
	size_t n, cap;
};

static const char *const kind_names[] = { "function", "file", "module", "leak" };

const char *ma_supp_kind_name(enum ma_supp_kind kind)
{
	return (unsigned)kind <= MA_SUPP_ANY ? kind_names[kind] : "?";
}

struct ma_suppressions *ma_supp_new(void)
{
	return calloc(1, sizeof(struct ma_suppressions));
}

void ma_supp_free(struct ma_suppressions *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].pattern);
	free(s->v);
	free(s);
}

int ma_supp_add_pattern(struct ma_suppressions *s, enum ma_supp_kind kind,
			const char *pattern, const char *origin)
{
	struct ma_supp_rule *r;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct ma_supp_rule *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	r = &s->v[s->n];
	memset(r, 0, sizeof(*r));
	if (!(r->pattern = strdup(pattern)))
		return -1;
	r->kind = kind;
	snprintf(r->origin, sizeof(r->origin), "%s", origin);
	s->n++;
	return 0;
}

int ma_supp_add(struct ma_suppressions *s, const char *rule, const char *origin,
		char *err, size_t errlen)
{
	const char *colon = strchr(rule, ':');
	size_t klen = colon ? (size_t)(colon - rule) : 0;

	if (!colon) {
		snprintf(err, errlen, "%s: expected kind:pattern, not '%s'", origin, rule);
		return -1;
	}
	for (int k = MA_SUPP_FUNCTION; k <= MA_SUPP_ANY; k++) {
		if (strlen(kind_names[k]) != klen || strncmp(rule, kind_names[k], klen))
			continue;
		if (!colon[1]) {
			snprintf(err, errlen, "%s: empty pattern", origin);
			return -1;
		}
		if (ma_supp_add_pattern(s, (enum ma_supp_kind)k, colon + 1, origin) < 0) {
			snprintf(err, errlen, "%s: out of memory", origin);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "%s: unknown kind '%.*s' (function, file, module or leak)",
		 origin, (int)klen, rule);
	return -1;
}

/* Strips blanks at both ends, in place. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int ma_supp_load(struct ma_suppressions *s, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char buf[4096], origin[160];
	unsigned line = 0;
	int rc = 0;

	if (!f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(buf, sizeof(buf), f)) {
		char *t = trim(buf);
		line++;
		if (!*t || *t == '#')
			continue;
		snprintf(origin, sizeof(origin), "'%s' line %u", path, line);
		rc = ma_supp_add(s, t, origin, err, errlen);
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	return rc;
}

/* A pattern with '/' sees the whole path, one without the base name. */
static int match_path(const char *pattern, const char *path)
{
	if (!path)
		return 0;
	if (!strchr(pattern, '/'))
		path = ma_path_base(path);
	return fnmatch(pattern, path, 0) == 0;
}

static int rule_matches(const struct ma_supp_rule *r, const struct ma_frame *f)
{
	int fn = f->function && fnmatch(r->pattern, f->function, 0) == 0;

	switch (r->kind) {
	case MA_SUPP_FUNCTION: return fn;
	case MA_SUPP_FILE: return match_path(r->pattern, f->file);
	case MA_SUPP_MODULE: return match_path(r->pattern, f->module);
	default:
		return fn || match_path(r->pattern, f->file) || match_path(r->pattern, f->module);
	}
}

const struct ma_supp_rule *ma_supp_match(struct ma_suppressions *s, const struct ma_stack *st,
					 uint64_t bytes, uint64_t blocks)
{
	for (size_t i = 0; i < s->n; i++) {
		struct ma_supp_rule *r = &s->v[i];
		for (unsigned k = 0; k < st->nframes; k++) {
			if (!rule_matches(r, &st->frames[k]))
				continue;
			r->sites++;
			r->bytes += bytes;
			r->blocks += blocks;
			return r;
		}
	}
	return NULL;
}

size_t ma_supp_count(const struct ma_suppressions *s)
{
	return s ? s->n : 0;
}

const struct ma_supp_rule *ma_supp_at(const struct ma_suppressions *s, size_t i)
{
	return i < s->n ? &s->v[i] : NULL;
}
