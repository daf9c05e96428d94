/* The request loop of the demo and its summary.  Each request: pick a
 * model, look it up (cache.hit / cache.miss), load it on a miss, run a
 * fake inference that allocates and frees temporaries.  The deliberate
 * problems -- leaks, a fragmenting table -- are here, each behind its
 * knob. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory-analyzer.h"
#include "demo.h"

struct run {
	const struct demo_opts *o;
	const char *dir;
	struct demo_stats *st;
	struct cache *cache;
	uint64_t rng;
	void **table;            /* --fragment: the long-lived entries */
	size_t ntable;
};

/* Holds the last leaked block: the compiler cannot see through a volatile
 * store, so it cannot drop the allocation. */
static void *volatile leak_sink;

static void leak(struct run *r, size_t size, const char *text)
{
	char *p = malloc(size);

	if (!p)
		return;
	memset(p, 0, size);
	snprintf(p, size, "%s", text);
	leak_sink = p;
	r->st->leak_blocks++;
	r->st->leak_bytes += size;
}

static void on_evict(struct model *m, enum evict_cause cause, void *ctx)
{
	struct run *r = ctx;

	if (cause == EVICT_CAPACITY)
		r->st->evict_capacity++;
	else if (cause == EVICT_TTL)
		r->st->evict_ttl++;
	else if (cause == EVICT_PRESSURE)
		r->st->evict_pressure++;
	/* leaky: the eviction notice is built and never freed */
	if (r->o->leak_every && cause != EVICT_SHUTDOWN)
		leak(r, 48, m->name);
	model_unload(m);
}

static unsigned pick_model(struct run *r)
{
	const struct demo_opts *o = r->o;
	unsigned hot = o->hot_models < o->models ? o->hot_models : o->models;
	uint64_t x = demo_rand(&r->rng);

	if (hot && (x % 100 < o->hot_pct || hot == o->models))
		return (unsigned)(demo_rand(&r->rng) % hot);
	return hot + (unsigned)(demo_rand(&r->rng) % (o->models - hot));
}

/* Tokens and activations live for one request: temporaries. */
static void infer(struct run *r, const struct model *m)
{
	size_t ntok = 256 + demo_rand(&r->rng) % 768;
	unsigned *tokens = malloc(ntok * sizeof(*tokens));
	float *act = calloc(16384, sizeof(*act));

	for (size_t i = 0; tokens && act && i < ntok; i++) {
		size_t at = HEADER_SKIP + demo_rand(&r->rng) % (m->file_size - HEADER_SKIP);
		tokens[i] = m->mapped || r->o->expand == 1 ? m->data[at] :
			    (unsigned)(m->data[(at * r->o->expand) % m->size]);
		act[i % 16384] += (float)tokens[i];
		r->st->checksum = r->st->checksum * 31 + tokens[i];
	}
	free(act);
	free(tokens);
}

static struct model *get_model(struct run *r, unsigned index, uint64_t now)
{
	struct model *m = cache_get(r->cache, index, now), loaded;

	if (m) {
		r->st->hits++;
		ma_counter_add("cache.hit", 1);
		return m;
	}
	r->st->misses++;
	ma_counter_add("cache.miss", 1);
	if (model_load(r->o, r->dir, index, &loaded))
		return NULL;
	r->st->loads++;
	m = cache_put(r->cache, &loaded, now);
	if (cache_bytes(r->cache) > r->st->peak_cached)
		r->st->peak_cached = cache_bytes(r->cache);
	return m;
}

/* A vocabulary table built at start-up among short-lived strings: one
 * block in eight stays, so the heap keeps holes it cannot give back. */
static int build_table(struct run *r)
{
	enum { BLOCKS = 200000, KEEP_ONE_IN = 8 };
	void **all = malloc(BLOCKS * sizeof(*all));
	uint64_t rng = r->o->seed ^ 0x5eed;   /* its own: requests stay as without it */

	r->table = malloc(BLOCKS / KEEP_ONE_IN * sizeof(*r->table));
	if (!all || !r->table) {
		free(all);
		return -1;
	}
	for (size_t i = 0; i < BLOCKS; i++)
		if ((all[i] = malloc(64 + demo_rand(&rng) % 448)))
			memset(all[i], (int)i, 64);
	for (size_t i = 0; i < BLOCKS; i++)
		if (i % KEEP_ONE_IN == 0)
			r->table[r->ntable++] = all[i];
		else
			free(all[i]);
	free(all);
	r->st->frag_kept = r->ntable;
	return 0;
}

static void free_table(struct run *r)
{
	for (size_t i = 0; i < r->ntable; i++)
		free(r->table[i]);
	free(r->table);
}

static int serve(struct run *r)
{
	char context[64];

	for (unsigned i = 0; i < r->o->requests; i++) {
		uint64_t now = (uint64_t)i * r->o->step_ms;
		struct model *m = get_model(r, pick_model(r), now);
		if (!m)
			return -1;
		infer(r, m);
		if (r->o->leak_every && (i + 1) % r->o->leak_every == 0) {
			snprintf(context, sizeof(context), "request %u for %s", i, m->name);
			leak(r, 4096, context);
		}
	}
	return 0;
}

static void summary(const struct demo_opts *o, const struct demo_stats *st)
{
	unsigned long total = st->hits + st->misses;

	printf("memory-analyzer-demo: profile %s, seed %llu\n", o->profile,
	       (unsigned long long)o->seed);
	printf("models: %u x %u MiB, loaded with %s, expand x%u\n", o->models, o->model_mb,
	       o->load == LOAD_MMAP ? "mmap" : "read", o->expand);
	printf("cache: %u models, ttl %u ms, ", o->capacity, o->ttl_ms);
	if (o->budget_mb)
		printf("budget %u MiB, ", o->budget_mb);
	printf("peak %llu MiB\n", st->peak_cached >> 20);
	printf("requests: %lu, hits %lu, misses %lu, hit rate %.1f%%\n", total, st->hits,
	       st->misses, total ? 100.0 * (double)st->hits / (double)total : 0.0);
	printf("loads: %lu, evictions: capacity %lu, ttl %lu, pressure %lu\n", st->loads,
	       st->evict_capacity, st->evict_ttl, st->evict_pressure);
	char first[32];
	printf("slow loads: %s +%u ms\n", o->load_delay_ms ? model_name(0, first, sizeof(first)) :
	       "none", o->load_delay_ms);
	printf("deliberate leaks: %lu blocks, %llu bytes\n", st->leak_blocks, st->leak_bytes);
	printf("fragmenting table: %lu blocks kept\n", st->frag_kept);
	printf("checksum: %016llx\n", (unsigned long long)st->checksum);
}

int demo_run(const struct demo_opts *o, const char *dir, struct demo_stats *st)
{
	struct run r = { o, dir, st, NULL, o->seed, NULL, 0 };
	int rc = -1;

	r.cache = cache_new(o->capacity, (uint64_t)o->budget_mb << 20, o->ttl_ms, on_evict, &r);
	ma_mark("demo:start");
	if (r.cache && (!o->fragment || !build_table(&r)))
		rc = serve(&r);
	ma_mark("demo:end");
	cache_free(r.cache);
	free_table(&r);
	if (!rc)
		summary(o, st);
	else
		fputs("memory-analyzer-demo: out of memory\n", stderr);
	return rc;
}
