/* The request loop of the demo and its summary.  Each request: pick a
 * model, look it up (cache.hit / cache.miss), load it on a miss, run a
 * fake inference that allocates and frees temporaries -- on the main
 * thread, or handed to a worker thread (--threads).  The deliberate
 * problems -- leaks, a fragmenting table, scratch spread over many malloc
 * arenas -- are here, each behind its knob. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memory-analyzer.h"
#include "demo.h"

#define HISTORY 16
#define ACTIVATIONS 16384
#define SCRATCH_BLOCK 32768      /* below the mmap threshold: heap chunks */

/* What one thread running inference keeps between its requests: the
 * last block of its scratch (say, a prompt prefix reused next time). */
struct lane {
	void *prefix;
};

struct pool;

struct run {
	const struct demo_opts *o;
	const char *dir;
	struct demo_stats *st;
	struct cache *cache;
	uint64_t rng;
	void **table;            /* --fragment: the long-lived entries */
	size_t ntable;
	char **vocab;            /* the tokenizer's vocabulary, for the whole run */
	size_t nvocab;
	float *act;              /* activations: one buffer reused by every request */
	char *history[HISTORY];  /* the last responses, kept for the editor */
	struct lane main_lane;   /* inference on the main thread */
	struct pool *pool;       /* --threads: the workers */
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

/* Tokens live for one request, activations in a buffer reused by every
 * request; the response is kept in a short history.  So a request makes
 * no allocation that is freed before the next one -- unless --temp-allocs
 * asks for such temporaries (say, log lines formatted and dropped). */
/* --scratch-kib: the inference's working memory (say, a key/value cache)
 * as heap blocks, freed when the response is made -- all but the last
 * block, which the lane keeps until its next request has its own.  So the
 * freed scratch is a hole below a live block, which the thread's next
 * request fills again: one such hole in every arena that ran requests. */
static void **scratch_new(const struct demo_opts *o, size_t *n)
{
	void **v;

	*n = (size_t)o->scratch_kib * 1024 / SCRATCH_BLOCK;
	if (!*n || !(v = malloc(*n * sizeof(*v))))
		return *n = 0, NULL;
	for (size_t k = 0; k < *n; k++)
		if ((v[k] = malloc(SCRATCH_BLOCK)))
			memset(v[k], (int)k, SCRATCH_BLOCK);
	return v;
}

static void scratch_done(struct lane *l, void **v, size_t n)
{
	free(l->prefix);
	l->prefix = v[n - 1];
	for (size_t k = 0; k + 1 < n; k++)
		free(v[k]);
	free(v);
}

static void lane_free(struct lane *l)
{
	free(l->prefix);
	l->prefix = NULL;
}

static void infer(struct run *r, struct lane *l, const struct model *m, unsigned i)
{
	size_t ntok = 256 + demo_rand(&r->rng) % 768, nscratch;
	unsigned *tokens = malloc(ntok * sizeof(*tokens));
	float *act = r->act;
	void **scratch = scratch_new(r->o, &nscratch);
	char *resp;

	memset(act, 0, ACTIVATIONS * sizeof(*act));
	for (size_t k = 0; tokens && k < ntok; k++) {
		size_t at = HEADER_SKIP + demo_rand(&r->rng) % (m->file_size - HEADER_SKIP);
		tokens[k] = m->mapped || r->o->expand == 1 ? m->data[at] :
			    (unsigned)(m->data[(at * r->o->expand) % m->size]);
		act[k % ACTIVATIONS] += (float)tokens[k];
		r->st->checksum = r->st->checksum * 31 + tokens[k];
	}
	for (unsigned t = 0; t < r->o->temp_allocs; t++) {
		char *line = malloc(96 + t % 64);
		if (line)
			snprintf(line, 96, "request %u: %zu tokens from %.31s", i, ntok, m->name);
		free(line);
	}
	if ((resp = malloc(64 + ntok % 64)))
		snprintf(resp, 64, "%zu tokens from %.31s", ntok, m->name);
	if (scratch)
		scratch_done(l, scratch, nscratch);
	free(r->history[i % HISTORY]);
	r->history[i % HISTORY] = resp;
	free(tokens);
}

/* --threads: request i runs on worker i % N while the main thread waits
 * for it, so requests keep their order (and the summary its numbers), but
 * each worker allocates through its own malloc arena. */
struct worker {
	struct pool *pool;
	unsigned index;
	pthread_t thread;
	struct lane lane;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct worker *w;
	unsigned n, started;
	struct run *r;
	const struct model *m;   /* the request handed over */
	unsigned i, to;
	int pending, quit;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && !(p->pending && p->to == w->index))
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->quit)
			break;
		pthread_mutex_unlock(&p->mu);
		infer(p->r, &w->lane, p->m, p->i);
		pthread_mutex_lock(&p->mu);
		p->pending = 0;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	lane_free(&w->lane);
	return NULL;
}

static void pool_stop(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned k = 0; k < p->started; k++)
		pthread_join(p->w[k].thread, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->w);
	free(p);
}

static struct pool *pool_start(struct run *r, unsigned n)
{
	struct pool *p = calloc(1, sizeof(*p));

	if (!p || !(p->w = calloc(n, sizeof(*p->w)))) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->n = n;
	p->r = r;
	for (unsigned k = 0; k < n; k++) {
		p->w[k].pool = p;
		p->w[k].index = k;
		if (pthread_create(&p->w[k].thread, NULL, worker_main, &p->w[k])) {
			pool_stop(p);
			return NULL;
		}
		p->started++;
	}
	return p;
}

static void run_request(struct run *r, const struct model *m, unsigned i)
{
	struct pool *p = r->pool;

	if (!p) {
		infer(r, &r->main_lane, m, i);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->m = m;
	p->i = i;
	p->to = i % p->n;
	p->pending = 1;
	pthread_cond_broadcast(&p->cv);
	while (p->pending)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
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

/* A symbol table built at start-up among short-lived strings: keep_pct %
 * of the blocks stay, so the heap keeps holes it cannot give back. */
static int build_table(struct run *r)
{
	enum { BLOCKS = 60000 };
	void **all = malloc(BLOCKS * sizeof(*all));
	uint64_t rng = r->o->seed ^ 0x5eed;   /* its own: requests stay as without it */
	unsigned keep = r->o->keep_pct ? r->o->keep_pct : 12, acc = 0;

	r->table = malloc(BLOCKS * sizeof(*r->table));
	if (!all || !r->table) {
		free(all);
		return -1;
	}
	for (size_t i = 0; i < BLOCKS; i++)
		if ((all[i] = malloc(64 + demo_rand(&rng) % 448)))
			memset(all[i], (int)i, 64);
	for (size_t i = 0; i < BLOCKS; i++) {
		/* keep % of the blocks, spread evenly */
		acc += keep;
		if (acc >= 100) {
			acc -= 100;
			r->table[r->ntable++] = all[i];
		} else
			free(all[i]);
	}
	free(all);
	r->st->frag_kept = r->ntable;
	return 0;
}

/* The tokenizer's vocabulary: small strings made once, kept to the end,
 * with nothing freed among them -- a heap of a few MiB without holes. */
static int build_vocab(struct run *r)
{
	enum { ENTRIES = 2500 };
	uint64_t rng = r->o->seed ^ 0x70c4;

	if (!(r->vocab = malloc(ENTRIES * sizeof(*r->vocab))))
		return -1;
	for (size_t i = 0; i < ENTRIES; i++) {
		size_t len = 384 + demo_rand(&rng) % 640;
		if (!(r->vocab[i] = malloc(len)))
			return -1;
		memset(r->vocab[i], 'a' + (int)(i % 26), len);
		r->nvocab++;
	}
	r->st->vocab_entries = r->nvocab;
	return 0;
}

static void free_vocab(struct run *r)
{
	for (size_t i = 0; i < r->nvocab; i++)
		free(r->vocab[i]);
	free(r->vocab);
	for (unsigned i = 0; i < HISTORY; i++)
		free(r->history[i]);
	free(r->act);
}

static void sleep_us(unsigned us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
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
		run_request(r, m, i);
		if (r->o->request_us)
			sleep_us(r->o->request_us);
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
	if (o->threads || o->scratch_kib)
		printf("inference: %s%.0u%s, %u KiB scratch per request\n",
		       o->threads ? "" : "main thread", o->threads,
		       o->threads ? " worker threads" : "", o->scratch_kib);
	printf("checksum: %016llx\n", (unsigned long long)st->checksum);
}

int demo_run(const struct demo_opts *o, const char *dir, struct demo_stats *st)
{
	struct run r = { .o = o, .dir = dir, .st = st, .rng = o->seed };
	int rc = -1;

	r.cache = cache_new(o->capacity, (uint64_t)o->budget_mb << 20, o->ttl_ms, on_evict, &r);
	r.act = malloc(ACTIVATIONS * sizeof(*r.act));
	ma_mark("demo:start");
	if (o->threads && !(r.pool = pool_start(&r, o->threads)))
		fputs("memory-analyzer-demo: cannot start the worker threads\n", stderr);
	else if (r.cache && r.act && !build_vocab(&r) && (!o->fragment || !build_table(&r)))
		rc = serve(&r);
	ma_mark("demo:end");
	pool_stop(r.pool);
	lane_free(&r.main_lane);
	cache_free(r.cache);
	free_table(&r);
	free_vocab(&r);
	if (!rc)
		summary(o, st);
	else
		fputs("memory-analyzer-demo: out of memory\n", stderr);
	return rc;
}
