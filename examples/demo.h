/* memory-analyzer-demo: a small model manager that behaves like an AI
 * IDE's model host -- lazy loading by read or mmap, an LRU cache with a
 * capacity, a TTL and a memory budget, annotated model loads and cache
 * lookups -- with knobs that make it healthy or not on purpose.  Shared
 * declarations of its three files. */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>
#include <stdint.h>

enum load_mode { LOAD_MMAP, LOAD_READ };

/* Model files start with a header of this size naming the model. */
#define HEADER_SKIP 64

struct demo_opts {
	const char *profile;
	unsigned models;         /* distinct models */
	unsigned model_mb;       /* file size of each, MiB */
	unsigned requests;
	unsigned capacity;       /* models the cache holds */
	unsigned budget_mb;      /* bytes the cache may hold, MiB; 0 = no budget */
	unsigned ttl_ms;         /* time to live of a cached model */
	unsigned step_ms;        /* logical time between requests */
	enum load_mode load;
	unsigned expand;         /* read mode: in-memory size = file size * expand */
	unsigned leak_every;     /* leak a request context every N requests; 0 = never */
	unsigned load_delay_ms;  /* extra time to load the first model */
	int fragment;            /* build a long-lived table that leaves holes */
	unsigned hot_models;     /* the first hot_models models get hot_pct % */
	unsigned hot_pct;        /* of the requests */
	uint64_t seed;
	const char *dir;         /* model files; NULL = default */
	unsigned keep_pct;       /* --fragment: % of the table's blocks kept */
	unsigned request_us;     /* real time each request takes (sleep) */
	unsigned temp_allocs;    /* short-lived buffers per request */
	unsigned threads;        /* worker threads running inference; 0 = main */
	unsigned scratch_kib;    /* inference scratch per request, KiB */
};

struct demo_stats {
	unsigned long hits, misses, loads;
	unsigned long evict_capacity, evict_ttl, evict_pressure;
	unsigned long leak_blocks, frag_kept, vocab_entries;
	unsigned long long leak_bytes, peak_cached;
	uint64_t checksum;
};

struct model {
	unsigned index;
	char name[32];
	unsigned char *data;     /* the weights as loaded */
	size_t size;             /* bytes at data */
	size_t file_size;
	int mapped;
};

uint64_t demo_rand(uint64_t *state);

/* workload.c: serve o->requests requests and print the summary. */
int demo_run(const struct demo_opts *o, const char *dir, struct demo_stats *st);

/* model_store.c: the model files and loading them. */
const char *model_name(unsigned index, char *buf, size_t len);
/* Picks the folder (o->dir or the default), creates the model files that
 * are missing.  Returns 0, or -1 after printing why. */
int store_prepare(const struct demo_opts *o, char *dir, size_t len);
/* Loads one model inside a model_load:<name> span.  Returns 0 or -1. */
int model_load(const struct demo_opts *o, const char *dir, unsigned index, struct model *m);
void model_unload(struct model *m);

/* model_cache.c: LRU with capacity, TTL and budget. */
enum evict_cause { EVICT_CAPACITY, EVICT_TTL, EVICT_PRESSURE, EVICT_SHUTDOWN };
typedef void evict_fn(struct model *m, enum evict_cause cause, void *ctx);
struct cache;
struct cache *cache_new(unsigned capacity, uint64_t budget, uint64_t ttl_ms,
			evict_fn *on_evict, void *ctx);
/* The cached model, or NULL (an expired one is evicted first). */
struct model *cache_get(struct cache *c, unsigned index, uint64_t now);
/* Takes m (a copy is kept), evicting to make room first. */
struct model *cache_put(struct cache *c, const struct model *m, uint64_t now);
uint64_t cache_bytes(const struct cache *c);
void cache_free(struct cache *c);

#endif
