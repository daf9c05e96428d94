/* Symbolization of recorded addresses: the module map of the recording,
 * time-aware, over a cache of resolved addresses per module.  The libdwfl
 * side is in symbols_dwfl.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "symbols.h"
#include "symbols_int.h"

struct ma_symbols *ma_symbols_new(const struct ma_symbols_opts *opts)
{
	struct ma_symbols *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	if (ma_sym_dwfl_init(s, opts) < 0) {
		ma_symbols_free(s);
		return NULL;
	}
	return s;
}

static void module_free(struct ma_sym_module *m)
{
	ma_sym_cache_release(&m->cache);
	ma_sym_units_release(&m->units);
	free(m->path);
	free(m->build_id);
	free(m);
}

void ma_symbols_free(struct ma_symbols *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nmods; i++)
		module_free(s->mods[i]);
	free(s->mods);
	ma_sym_dwfl_end(s);
	free(s);
}

static int reserve_module(struct ma_symbols *s)
{
	if (s->nmods < s->capmods)
		return 0;
	size_t cap = s->capmods ? s->capmods * 2 : 16;
	struct ma_sym_module **mods = realloc(s->mods, cap * sizeof(*mods));
	if (mods == NULL)
		return -1;
	s->mods = mods;
	s->capmods = cap;
	return 0;
}

static struct ma_sym_module *module_new(const char *path,
					const uint8_t *build_id, size_t len)
{
	struct ma_sym_module *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->path = strdup(path ? path : "");
	m->build_id = len ? malloc(len) : NULL;
	if (m->path == NULL || (len && m->build_id == NULL)) {
		module_free(m);
		return NULL;
	}
	if (len)
		memcpy(m->build_id, build_id, len);
	m->build_id_len = len;
	return m;
}

int ma_symbols_add_module(struct ma_symbols *s, uint64_t id, uint64_t bias,
			  uint64_t lo, uint64_t hi, const char *path,
			  const uint8_t *build_id, size_t build_id_len, uint64_t ts)
{
	if (reserve_module(s) < 0)
		return -1;
	struct ma_sym_module *m = module_new(path, build_id, build_id_len);
	if (m == NULL)
		return -1;
	m->id = id;
	m->bias = bias;
	m->lo = lo;
	m->hi = hi;
	m->load_ts = ts;
	m->gone_ts = UINT64_MAX;
	m->seq = s->nmods;
	s->mods[s->nmods++] = m;
	s->unsorted = 1;
	if (hi > lo && hi - lo > s->max_span)
		s->max_span = hi - lo;
	return 0;
}

/* The record of id that came last: ids may be reused when a module is
 * loaded again after it was unloaded. */
static struct ma_sym_module *module_by_id(struct ma_symbols *s, uint64_t id,
					  int loaded_only)
{
	struct ma_sym_module *best = NULL;
	for (size_t i = 0; i < s->nmods; i++) {
		struct ma_sym_module *m = s->mods[i];
		if (m->id != id || (loaded_only && m->gone_ts != UINT64_MAX))
			continue;
		if (best == NULL || m->seq > best->seq)
			best = m;
	}
	return best;
}

void ma_symbols_module_gone(struct ma_symbols *s, uint64_t id, uint64_t ts)
{
	struct ma_sym_module *m = module_by_id(s, id, 1);
	if (m != NULL)
		m->gone_ts = ts < m->load_ts ? m->load_ts : ts;
}

static int by_lo(const void *a, const void *b)
{
	const struct ma_sym_module *x = *(const struct ma_sym_module *const *)a;
	const struct ma_sym_module *y = *(const struct ma_sym_module *const *)b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Index of the first module whose lo is above addr. */
static size_t upper_bound(struct ma_symbols *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nmods;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->mods[mid]->lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int better(const struct ma_sym_module *m, const struct ma_sym_module *best)
{
	if (best == NULL)
		return 1;
	if (m->load_ts != best->load_ts)
		return m->load_ts > best->load_ts;
	return m->seq > best->seq;
}

/* The module that held addr at ts.  Both ends of a module's lifetime are
 * inclusive: addresses recorded at the very moment of a dlclose (from
 * destructors) still belong to it, unless another module was loaded at
 * that moment too, which then wins as the later one. */
static struct ma_sym_module *module_at(struct ma_symbols *s, uint64_t addr,
				       uint64_t ts)
{
	if (s->unsorted) {
		qsort(s->mods, s->nmods, sizeof(*s->mods), by_lo);
		s->unsorted = 0;
	}
	struct ma_sym_module *best = NULL;
	for (size_t i = upper_bound(s, addr); i-- > 0;) {
		struct ma_sym_module *m = s->mods[i];
		if (addr - m->lo > s->max_span)
			break;
		if (addr < m->hi && m->load_ts <= ts && ts <= m->gone_ts &&
		    better(m, best))
			best = m;
	}
	return best;
}

static void bare_frame(struct ma_frame_info *out, const char *module,
		       uint64_t offset)
{
	memset(out, 0, sizeof(*out));
	out->module = module;
	out->offset = offset;
}

static struct ma_sym_entry *lookup(struct ma_sym_module *m, uint64_t offset)
{
	struct ma_sym_entry *e = ma_sym_cache_find(&m->cache, offset);
	if (e != NULL)
		return e;
	struct ma_sym_entry fresh = { .offset = offset };
	if (ma_sym_dwfl_resolve(m, &fresh) < 0)
		return NULL;
	e = ma_sym_cache_add(&m->cache, &fresh);
	if (e == NULL)
		ma_sym_entry_release(&fresh);
	return e;
}

int ma_symbols_resolve(struct ma_symbols *s, uint64_t addr, uint64_t ts,
		       struct ma_frame_info *out, int max)
{
	if (max < 1)
		return 0;
	struct ma_sym_module *m = module_at(s, addr, ts);
	if (m == NULL) {
		bare_frame(out, NULL, addr);
		return 1;
	}
	ma_sym_module_use(s, m);
	uint64_t offset = addr - m->bias;
	struct ma_sym_entry *e = NULL;
	if (m->state == MA_SYM_READY)
		e = lookup(m, offset);
	if (e == NULL) {
		bare_frame(out, m->path, offset);
		return 1;
	}
	int n = e->n < max ? e->n : max;
	memcpy(out, e->frames, (size_t)n * sizeof(*out));
	return n;
}

const char *ma_symbols_module_problem(struct ma_symbols *s, uint64_t id)
{
	struct ma_sym_module *m = module_by_id(s, id, 0);
	if (m == NULL)
		return NULL;
	ma_sym_module_use(s, m);
	return m->problem;
}

void ma_symbols_load(struct ma_symbols *s, size_t k)
{
	if (k < s->nmods && s->mods[k]->state == MA_SYM_UNLOADED)
		ma_sym_module_load(s, s->mods[k]);
}
