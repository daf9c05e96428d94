/* The model cache: least recently used first out, with the three
 * eviction causes of the memory guide -- capacity (count of models),
 * time to live, and memory pressure (a byte budget).  A handful of
 * models, so a linear scan is the clearest structure. */
#include <stdlib.h>
#include <string.h>

#include "demo.h"

struct entry {
	struct model model;
	uint64_t loaded_at, used_at;
};

struct cache {
	struct entry *v;
	unsigned n, capacity;
	uint64_t budget, ttl, bytes;
	evict_fn *on_evict;
	void *ctx;
};

struct cache *cache_new(unsigned capacity, uint64_t budget, uint64_t ttl_ms,
			evict_fn *on_evict, void *ctx)
{
	struct cache *c = calloc(1, sizeof(*c));

	if (!c || !(c->v = calloc(capacity ? capacity : 1, sizeof(*c->v)))) {
		free(c);
		return NULL;
	}
	c->capacity = capacity ? capacity : 1;
	c->budget = budget;
	c->ttl = ttl_ms;
	c->on_evict = on_evict;
	c->ctx = ctx;
	return c;
}

static void evict(struct cache *c, unsigned i, enum evict_cause cause)
{
	c->bytes -= c->v[i].model.size;
	c->on_evict(&c->v[i].model, cause, c->ctx);
	c->v[i] = c->v[--c->n];
}

static unsigned least_recent(const struct cache *c)
{
	unsigned lru = 0;

	for (unsigned i = 1; i < c->n; i++)
		if (c->v[i].used_at < c->v[lru].used_at)
			lru = i;
	return lru;
}

struct model *cache_get(struct cache *c, unsigned index, uint64_t now)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct entry *e = &c->v[i];
		if (e->model.index != index)
			continue;
		if (now - e->loaded_at >= c->ttl) {
			evict(c, i, EVICT_TTL);
			return NULL;
		}
		e->used_at = now;
		return &e->model;
	}
	return NULL;
}

struct model *cache_put(struct cache *c, const struct model *m, uint64_t now)
{
	while (c->n && c->budget && c->bytes + m->size > c->budget)
		evict(c, least_recent(c), EVICT_PRESSURE);
	if (c->n == c->capacity)
		evict(c, least_recent(c), EVICT_CAPACITY);
	struct entry *e = &c->v[c->n++];
	e->model = *m;
	e->loaded_at = e->used_at = now;
	c->bytes += m->size;
	return &e->model;
}

uint64_t cache_bytes(const struct cache *c)
{
	return c->bytes;
}

void cache_free(struct cache *c)
{
	while (c && c->n)
		evict(c, c->n - 1, EVICT_SHUTDOWN);
	if (c)
		free(c->v);
	free(c);
}
