/* Spans, counters and file-map notes into model and cache figures.  A
 * model host has a handful of models and caches: linear lists. */
#include "config.h"

#include "model_metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "trace_codec.h"

#define LOAD_PREFIX "model_load:"

struct ma_open_span {
	size_t input;
	uint32_t thread;
	char *name;
	uint64_t ts, heap, mmap;
};

void ma_models_init(struct ma_models *m)
{
	memset(m, 0, sizeof(*m));
}

void ma_models_release(struct ma_models *m)
{
	for (size_t i = 0; i < m->nloads; i++)
		free(m->loads[i].model);
	for (size_t i = 0; i < m->ncaches; i++)
		free(m->caches[i].name);
	for (size_t i = 0; i < m->nmaps; i++)
		free(m->maps[i].path);
	for (size_t i = 0; i < m->nopen; i++)
		free(m->open[i].name);
	free(m->loads);
	free(m->caches);
	free(m->maps);
	free(m->open);
	memset(m, 0, sizeof(*m));
}

/* Grows *v (of *n elements of size sz) by one zeroed element. */
static void *grow(void *pv, size_t *n, size_t sz)
{
	void **v = pv;
	char *p = realloc(*v, (*n + 1) * sz);

	if (!p)
		return NULL;
	*v = p;
	memset(p + *n * sz, 0, sz);
	return p + (*n)++ * sz;
}

static int same(const char *s, const uint8_t *p, size_t len)
{
	return strlen(s) == len && !memcmp(s, p, len);
}

static struct ma_model_load *model(struct ma_models *m, const char *name, size_t input)
{
	struct ma_model_load *l;

	for (size_t i = 0; i < m->nloads; i++)
		if (!strcmp(m->loads[i].model, name))
			return &m->loads[i];
	if (!(l = grow(&m->loads, &m->nloads, sizeof(*l))))
		return NULL;
	if (!(l->model = strdup(name))) {
		m->nloads--;
		return NULL;
	}
	l->input = input;
	return l;
}

static int span_begin(struct ma_models *m, const struct ma_event *ev,
		      const struct ma_rec_marker *k)
{
	struct ma_open_span *s;

	if (m->nopen == m->aopen) {
		size_t n = m->aopen ? 2 * m->aopen : 16;
		struct ma_open_span *v = realloc(m->open, n * sizeof(*v));
		if (!v)
			return -1;
		m->open = v;
		m->aopen = n;
	}
	s = &m->open[m->nopen];
	*s = (struct ma_open_span){ ev->input, ev->rec->thread, NULL, ev->ts, ev->heap_live,
				    ev->mmap_live };
	if (!(s->name = strndup((const char *)k->name.ptr, k->name.len)))
		return -1;
	m->nopen++;
	return 0;
}

static int load_done(struct ma_models *m, const struct ma_open_span *s,
		     const struct ma_event *ev)
{
	struct ma_model_load *l = model(m, s->name + strlen(LOAD_PREFIX), s->input);
	uint64_t d = ev->ts - s->ts;

	if (!l)
		return -1;
	if (l->loads) {
		uint64_t gap = s->ts - l->last_start_ns;
		l->reloads++;
		l->reload_gap_total_ns += gap;
		if (gap > l->reload_gap_max_ns)
			l->reload_gap_max_ns = gap;
		if (!l->reload_gap_min_ns || gap < l->reload_gap_min_ns)
			l->reload_gap_min_ns = gap;
	}
	l->last_start_ns = s->ts;
	/* Running means of the deltas, in whole bytes. */
	l->heap_delta = (l->heap_delta * (int64_t)l->loads +
			 ((int64_t)ev->heap_live - (int64_t)s->heap)) / (int64_t)(l->loads + 1);
	l->mmap_delta = (l->mmap_delta * (int64_t)l->loads +
			 ((int64_t)ev->mmap_live - (int64_t)s->mmap)) / (int64_t)(l->loads + 1);
	l->loads++;
	l->total_ns += d;
	if (d > l->max_ns)
		l->max_ns = d;
	if (!l->min_ns || d < l->min_ns)
		l->min_ns = d;
	return 0;
}

/* The innermost open span of this thread with this name. */
static int span_end(struct ma_models *m, const struct ma_event *ev,
		    const struct ma_rec_marker *k)
{
	for (size_t i = m->nopen; i-- > 0;) {
		struct ma_open_span s = m->open[i];
		if (s.input != ev->input || s.thread != ev->rec->thread ||
		    !same(s.name, k->name.ptr, k->name.len))
			continue;
		memmove(&m->open[i], &m->open[i + 1], (m->nopen - i - 1) * sizeof(s));
		m->nopen--;
		int rc = !strncmp(s.name, LOAD_PREFIX, strlen(LOAD_PREFIX)) && ev->ts >= s.ts ?
			 load_done(m, &s, ev) : 0;
		free(s.name);
		return rc;
	}
	return 0;   /* an end without a begin: ignored */
}

int ma_cache_counter_name(const uint8_t *s, size_t l, size_t *at, size_t *len, int *hit)
{
	size_t mid;

	if (l < 9 || memcmp(s, "cache.", 6))
		return 0;
	if (!memcmp(s + l - 3, "hit", 3))
		*hit = 1, mid = l - 3;
	else if (l >= 10 && !memcmp(s + l - 4, "miss", 4))
		*hit = 0, mid = l - 4;
	else
		return 0;
	/* s[6, mid) is "" (cache.hit) or "<name>." (cache.<name>.hit). */
	*at = 6;
	*len = 0;
	if (mid == 6)
		return 1;
	if (s[mid - 1] != '.' || mid - 1 == 6)
		return 0;
	*len = mid - 7;
	/* No empty segment (leading, trailing or doubled dot), no NUL. */
	if (s[6] == '.' || s[mid - 2] == '.' || memchr(s + 6, '\0', *len))
		return 0;
	for (size_t i = 7; i + 1 < mid - 1; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
	return 1;
}

/* *v += d, kept within +-MA_COUNTER_LIMIT; 1 when it had to be clamped. */
static int add_clamped(int64_t *v, int64_t d)
{
	int64_t sum;

	if (__builtin_add_overflow(*v, d, &sum) || sum > MA_COUNTER_LIMIT ||
	    sum < -MA_COUNTER_LIMIT) {
		*v = (d > 0) ? MA_COUNTER_LIMIT : -MA_COUNTER_LIMIT;
		return 1;
	}
	*v = sum;
	return 0;
}

static int counter(struct ma_models *m, const struct ma_rec_marker *k)
{
	size_t at, len;
	int hit;
	struct ma_cache_counts *c = NULL;
	const char *s = (const char *)k->name.ptr;

	if (!ma_cache_counter_name(k->name.ptr, k->name.len, &at, &len, &hit))
		return 0;
	for (size_t i = 0; i < m->ncaches && !c; i++)
		if (same(m->caches[i].name, (const uint8_t *)s + at, len))
			c = &m->caches[i];
	if (!c) {
		if (!(c = grow(&m->caches, &m->ncaches, sizeof(*c))))
			return -1;
		if (!(c->name = strndup(s + at, len))) {
			m->ncaches--;
			return -1;
		}
	}
	if (add_clamped(hit ? &c->hits : &c->misses, k->value))
		c->overflow = 1;
	return 0;
}

/* The probe's "file-map" info: "<resident> <size> <path>". */
static int file_map(struct ma_models *m, const struct ma_rec_info *in)
{
	char buf[4200], *path;
	uint64_t rss, size;
	struct ma_file_map *f = NULL;
	int at = 0;

	if (!same("file-map", in->key.ptr, in->key.len) || in->value.len >= sizeof(buf))
		return 0;
	memcpy(buf, in->value.ptr, in->value.len);
	buf[in->value.len] = '\0';
	if (sscanf(buf, "%" SCNu64 " %" SCNu64 " %n", &rss, &size, &at) != 2 || !at)
		return 0;
	path = buf + at;
	for (size_t i = 0; i < m->nmaps && !f; i++)
		if (!strcmp(m->maps[i].path, path))
			f = &m->maps[i];
	if (!f) {
		if (!(f = grow(&m->maps, &m->nmaps, sizeof(*f))))
			return -1;
		if (!(f->path = strdup(path))) {
			m->nmaps--;
			return -1;
		}
	}
	if (size > f->size)
		f->size = size;
	if (rss > f->resident)
		f->resident = rss;
	return 0;
}

int ma_models_event(struct ma_models *m, const struct ma_event *ev)
{
	const struct ma_rec_marker *k;

	if (ev->kind == MA_EV_INFO)
		return file_map(m, &ev->rec->u.info);
	if (ev->kind != MA_EV_MARKER)
		return 0;
	k = &ev->rec->u.marker;
	m->markers++;
	switch (k->kind) {
	case MA_MARK_SPAN_BEGIN: return span_begin(m, ev, k);
	case MA_MARK_SPAN_END: return span_end(m, ev, k);
	case MA_MARK_COUNTER: return counter(m, k);
	default: return 0;
	}
}

void ma_models_finish(struct ma_models *m)
{
	for (size_t i = 0; i < m->nopen; i++) {
		if (!strncmp(m->open[i].name, LOAD_PREFIX, strlen(LOAD_PREFIX)))
			m->unfinished++;
		free(m->open[i].name);
	}
	m->nopen = 0;
}

const struct ma_model_load *ma_models_slowest(const struct ma_models *m)
{
	const struct ma_model_load *best = NULL;

	for (size_t i = 0; i < m->nloads; i++)
		if (m->loads[i].loads && (!best || m->loads[i].max_ns > best->max_ns))
			best = &m->loads[i];
	return best;
}

int ma_models_cache_total(const struct ma_models *m, int64_t *hits, int64_t *misses,
			  int *overflow)
{
	*hits = *misses = 0;
	*overflow = 0;
	for (size_t i = 0; i < m->ncaches; i++) {
		*overflow |= m->caches[i].overflow;
		*overflow |= add_clamped(hits, m->caches[i].hits);
		*overflow |= add_clamped(misses, m->caches[i].misses);
	}
	return m->ncaches > 0;
}
