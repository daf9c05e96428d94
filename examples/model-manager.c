/* memory-analyzer-demo: the model manager of an AI IDE, in miniature.
 *
 *   memory-analyzer-demo --profile healthy
 *   memory-analyzer record -- memory-analyzer-demo --profile leaky
 *
 * Requests pick a model (a few hot ones get most of them), find it in the
 * LRU cache or load it lazily, then run a fake inference that allocates
 * temporaries.  Time is logical -- each request advances the clock by
 * --step-ms -- so hits, misses and evictions are the same on every
 * machine and the summary on stdout is deterministic.  The profiles set
 * the knobs so that each rating band, and each recommendation, can be
 * seen to fire (docs/metrics.md); knobs given after them override. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory-analyzer.h"
#include "demo.h"

struct profile {
	const char *name;
	const char *what;
	struct demo_opts o;
};

/* Fields in the order of struct demo_opts: models, MiB, requests,
 * capacity, budget MiB, ttl ms, step ms, load, expand, leak every, load
 * delay ms, fragment, hot models, hot %, seed, dir, keep %, request us,
 * temporaries per request, worker threads, scratch KiB. */
static const struct profile profiles[] = {
	{ "healthy", "mmap loading, a cache that fits the hot models",
	  { NULL, 6, 4, 400, 4, 0, 60000, 10, LOAD_MMAP, 1, 0, 0, 0, 3, 95, 1, NULL, 0, 500, 0, 0, 0 } },
	{ "leaky", "healthy, but request contexts and evicted names are never freed",
	  { NULL, 6, 4, 400, 4, 0, 60000, 10, LOAD_MMAP, 1, 10, 0, 0, 3, 95, 1, NULL, 0, 500, 0, 0, 0 } },
	{ "fragmented", "healthy, plus a long-lived table built among temporaries",
	  { NULL, 6, 4, 400, 4, 0, 60000, 10, LOAD_MMAP, 1, 0, 0, 1, 3, 95, 1, NULL, 12, 2000, 0, 0, 0 } },
	{ "bloated", "every model read and widened to floats, all kept: 1 GiB",
	  { NULL, 8, 32, 200, 8, 0, 60000, 10, LOAD_READ, 4, 0, 0, 0, 8, 100, 1, NULL, 0, 500, 0, 0, 0 } },
	{ "slow-load", "the first model takes 2.5 s to load (once: all models fit)",
	  { NULL, 6, 4, 400, 6, 0, 60000, 10, LOAD_MMAP, 1, 0, 2500, 0, 3, 95, 1, NULL, 0, 500, 0, 0, 0 } },
	{ "thrashing", "uniform requests, a small cache, a short TTL and a tight budget",
	  { NULL, 8, 2, 400, 4, 6, 50, 10, LOAD_READ, 1, 0, 0, 0, 8, 100, 1, NULL, 0, 500, 0, 0, 0 } },
	{ "threaded", "healthy, but 8 worker threads infer, each with 4 MiB scratch in its arena",
	  { NULL, 6, 4, 400, 4, 0, 60000, 10, LOAD_MMAP, 1, 0, 0, 0, 3, 95, 1, NULL, 0, 500, 0,
	    8, 4096 } },
};

enum { OPT_MODELS = 256, OPT_MODEL_SIZE, OPT_REQUESTS, OPT_CAPACITY, OPT_BUDGET, OPT_TTL,
       OPT_STEP, OPT_LOAD, OPT_EXPAND, OPT_LEAK, OPT_DELAY, OPT_FRAGMENT, OPT_HOT,
       OPT_HOT_PCT, OPT_SEED, OPT_DIR, OPT_PROFILE, OPT_HELP, OPT_KEEP, OPT_REQUEST_US,
       OPT_TEMP, OPT_THREADS, OPT_SCRATCH };

static const struct option long_opts[] = {
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "models", required_argument, NULL, OPT_MODELS },
	{ "model-size", required_argument, NULL, OPT_MODEL_SIZE },
	{ "requests", required_argument, NULL, OPT_REQUESTS },
	{ "cache-capacity", required_argument, NULL, OPT_CAPACITY },
	{ "cache-budget", required_argument, NULL, OPT_BUDGET },
	{ "ttl-ms", required_argument, NULL, OPT_TTL },
	{ "step-ms", required_argument, NULL, OPT_STEP },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "expand", required_argument, NULL, OPT_EXPAND },
	{ "leak-every", required_argument, NULL, OPT_LEAK },
	{ "load-delay-ms", required_argument, NULL, OPT_DELAY },
	{ "fragment", no_argument, NULL, OPT_FRAGMENT },
	{ "hot-models", required_argument, NULL, OPT_HOT },
	{ "hot-pct", required_argument, NULL, OPT_HOT_PCT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "model-dir", required_argument, NULL, OPT_DIR },
	{ "fragment-keep-pct", required_argument, NULL, OPT_KEEP },
	{ "request-us", required_argument, NULL, OPT_REQUEST_US },
	{ "temp-allocs", required_argument, NULL, OPT_TEMP },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "scratch-kib", required_argument, NULL, OPT_SCRATCH },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("usage: memory-analyzer-demo [--profile NAME] [knobs]\n"
	      "profiles (default healthy):\n", f);
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		fprintf(f, "  %-11s %s\n", profiles[i].name, profiles[i].what);
	fputs("knobs: --models N --model-size MiB --requests N --cache-capacity N\n"
	      "  --cache-budget MiB --ttl-ms N --step-ms N --load read|mmap --expand N\n"
	      "  --leak-every N --load-delay-ms N --fragment --hot-models N --hot-pct N\n"
	      "  --seed N --model-dir DIR --fragment-keep-pct N --request-us N\n"
	      "  --temp-allocs N --threads N --scratch-kib N\n"
	      "--expand N: read models take N times their file size in memory (4: bytes\n"
	      "  widened to floats, else each byte repeated), up to 64.\n"
	      "--threads N: inference runs on N worker threads, request i on worker\n"
	      "  i % N, one request at a time: the same results, but each worker\n"
	      "  allocates in its own malloc arena.  --scratch-kib N: each request's\n"
	      "  inference takes N KiB of scratch, freed when it ends.\n", f);
}

uint64_t demo_rand(uint64_t *state)
{
	/* xorshift64*: small, fast and the same everywhere. */
	uint64_t x = *state ? *state : 0x2545f4914f6cdd1dull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static int number(const char *opt, const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || *s == '-' || v > max) {
		fprintf(stderr, "memory-analyzer-demo: --%s wants a number up to %u, not '%s'\n",
			opt, max, s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int set_profile(struct demo_opts *o, const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].name, name)) {
			*o = profiles[i].o;
			o->profile = profiles[i].name;
			return 0;
		}
	fprintf(stderr, "memory-analyzer-demo: unknown profile '%s'\n", name);
	return -1;
}

/* The numeric knob of an option, with its largest value. */
static unsigned *knob(struct demo_opts *o, int opt, unsigned *max)
{
	*max = 1000000;
	switch (opt) {
	case OPT_MODELS: *max = 64; return &o->models;
	case OPT_MODEL_SIZE: *max = 4096; return &o->model_mb;
	case OPT_REQUESTS: return &o->requests;
	case OPT_CAPACITY: *max = 64; return &o->capacity;
	case OPT_BUDGET: return &o->budget_mb;
	case OPT_TTL: return &o->ttl_ms;
	case OPT_STEP: return &o->step_ms;
	case OPT_EXPAND: *max = 64; return &o->expand;
	case OPT_LEAK: return &o->leak_every;
	case OPT_DELAY: *max = 60000; return &o->load_delay_ms;
	case OPT_HOT: *max = 64; return &o->hot_models;
	case OPT_HOT_PCT: *max = 100; return &o->hot_pct;
	case OPT_KEEP: *max = 100; return &o->keep_pct;
	case OPT_REQUEST_US: return &o->request_us;
	case OPT_TEMP: *max = 1000; return &o->temp_allocs;
	case OPT_THREADS: *max = 64; return &o->threads;
	case OPT_SCRATCH: *max = 1 << 20; return &o->scratch_kib;
	default: return NULL;
	}
}

static const char *option_name(int opt)
{
	const struct option *l = long_opts;

	while (l->name && l->val != opt)
		l++;
	return l->name;
}

static int apply_option(struct demo_opts *o, int opt, const char *arg)
{
	unsigned max, seed;
	unsigned *k = knob(o, opt, &max);

	if (k)
		return number(option_name(opt), arg, max, k);
	switch (opt) {
	case OPT_LOAD:
		if (strcmp(arg, "read") && strcmp(arg, "mmap")) {
			fprintf(stderr, "memory-analyzer-demo: --load is read or mmap, not '%s'\n", arg);
			return -1;
		}
		o->load = strcmp(arg, "read") ? LOAD_MMAP : LOAD_READ;
		return 0;
	case OPT_FRAGMENT:
		o->fragment = 1;
		if (!o->keep_pct)
			o->keep_pct = 12;
		return 0;
	case OPT_DIR: o->dir = arg; return 0;
	case OPT_SEED:
		if (number("seed", arg, 1u << 31, &seed))
			return -1;
		o->seed = seed;
		return 0;
	default: return 0;
	}
}

/* Two passes: the profile first, wherever it is, then the knobs. */
static int parse_args(int argc, char **argv, struct demo_opts *o)
{
	int opt;

	set_profile(o, "healthy");
	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (opt == OPT_HELP) {
			usage(stdout);
			exit(0);
		}
		if (opt == '?' || (opt == OPT_PROFILE && set_profile(o, optarg)))
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "memory-analyzer-demo: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	for (optind = 0; (opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1;)
		if (apply_option(o, opt, optarg))
			return -1;
	if (!o->models || !o->model_mb || !o->capacity || !o->expand) {
		fputs("memory-analyzer-demo: --models, --model-size, --cache-capacity and "
		      "--expand must be at least 1\n", stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* stdio would otherwise malloc its buffer and keep it to the end:
	 * the demo's only leaks are the deliberate ones. */
	static char outbuf[BUFSIZ];
	struct demo_opts o;
	struct demo_stats st = { 0 };
	char dir[4096];

	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	if (parse_args(argc, argv, &o)) {
		fputs("try 'memory-analyzer-demo --help'\n", stderr);
		return 2;
	}
	if (store_prepare(&o, dir, sizeof(dir)) || demo_run(&o, dir, &st))
		return 1;
	return 0;
}
