/* Allocation churn for benchmarks: each thread runs ITERATIONS steps; a
 * step walks down a call chain chosen from a few hundred distinct chains
 * ("recipes", depth 5 to 40) and, at the bottom, frees the oldest of a
 * window of live blocks and allocates a new one of a random size from 16 B
 * to 4 KiB.  So every step is one malloc and one free, from a realistic
 * number of distinct stacks.
 *
 *   churn [-t THREADS] [-n ITERATIONS] [-r RECIPES] [-w WINDOW] [-s SEED]
 *         [-b BURST -p PAUSE_US]
 *
 * With -b and -p each thread sleeps PAUSE_US microseconds after every
 * BURST steps: threads that allocate now and then, as the many worker
 * threads of an IDE or a language server do.
 *
 * Prints the number of malloc+free pairs and the wall time on stderr, and a
 * checksum on stdout (so it can be compared with and without a profiler). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NSTEPS 16
#define MAX_DEPTH 40

struct recipe {
	int depth;
	unsigned char path[MAX_DEPTH];
};

/* A worker writes its seed and checksum at every step: two workers on
 * one cache line would make every step a cache miss on the other core,
 * and the run would measure that, not the allocator or the profiler. */
struct worker {
	pthread_t tid;
	unsigned seed;
	long iterations;
	int window;
	void **live;
	uint64_t checksum;
} __attribute__((aligned(128)));

static struct recipe *recipes;
static int nrecipes = 300;
static long burst;          /* steps between pauses, 0: no pause */
static long pause_us;

typedef void step_fn(struct worker *w, const struct recipe *r, int level, size_t size);
static step_fn *steps[NSTEPS];

static uint32_t rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void leaf(struct worker *w, size_t size)
{
	long slot = (long)(rnd(&w->seed) % (unsigned)w->window);
	char *p;

	free(w->live[slot]);
	p = malloc(size);
	if (!p)
		abort();
	p[0] = (char)size;
	w->checksum += (unsigned char)p[0];
	w->live[slot] = p;
}

/* Sixteen distinct functions, so each recipe is a distinct stack.  The
 * empty asm after the call keeps it from becoming a tail call. */
#define STEP(i)                                                              \
	static __attribute__((noinline)) void step##i(struct worker *w,      \
			const struct recipe *r, int level, size_t size)      \
	{                                                                    \
		if (level == r->depth)                                       \
			leaf(w, size);                                       \
		else                                                         \
			steps[r->path[level]](w, r, level + 1, size);        \
		__asm__ volatile("" ::: "memory");                           \
	}
STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7)
STEP(8) STEP(9) STEP(10) STEP(11) STEP(12) STEP(13) STEP(14) STEP(15)

static step_fn *steps[NSTEPS] = {
	step0, step1, step2, step3, step4, step5, step6, step7,
	step8, step9, step10, step11, step12, step13, step14, step15,
};

static void make_recipes(unsigned seed)
{
	recipes = calloc((size_t)nrecipes, sizeof(*recipes));
	if (!recipes)
		abort();
	for (int i = 0; i < nrecipes; i++) {
		recipes[i].depth = 5 + (int)(rnd(&seed) % (MAX_DEPTH - 5 + 1));
		for (int k = 0; k < MAX_DEPTH; k++)
			recipes[i].path[k] = (unsigned char)(rnd(&seed) % NSTEPS);
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;

	w->live = calloc((size_t)w->window, sizeof(void *));
	if (!w->live)
		abort();
	for (long i = 0; i < w->iterations; i++) {
		const struct recipe *r = &recipes[rnd(&w->seed) % (unsigned)nrecipes];
		size_t size = 16 + rnd(&w->seed) % (4096 - 16 + 1);
		steps[r->path[0]](w, r, 1, size);
		if (burst && i % burst == burst - 1) {
			struct timespec ts = { pause_us / 1000000, pause_us % 1000000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	for (int i = 0; i < w->window; i++)
		free(w->live[i]);
	free(w->live);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	int threads = 1, window = 1024, opt;
	long iterations = 1000000;
	unsigned seed = 42;
	struct worker *w;
	uint64_t sum = 0;
	double t0;

	while ((opt = getopt(argc, argv, "t:n:r:w:s:b:p:")) != -1) {
		switch (opt) {
		case 't': threads = atoi(optarg); break;
		case 'n': iterations = atol(optarg); break;
		case 'r': nrecipes = atoi(optarg); break;
		case 'w': window = atoi(optarg); break;
		case 's': seed = (unsigned)atoi(optarg); break;
		case 'b': burst = atol(optarg); break;
		case 'p': pause_us = atol(optarg); break;
		default:
			fprintf(stderr, "usage: churn [-t threads] [-n iterations] [-r recipes] [-w window] [-s seed] [-b burst -p pause_us]\n");
			return 2;
		}
	}
	if (threads < 1 || iterations < 1 || nrecipes < 1 || window < 1 || burst < 0 ||
	    pause_us < 0 || (burst > 0) != (pause_us > 0)) {
		fprintf(stderr, "churn: arguments must be positive (-b and -p together)\n");
		return 2;
	}
	make_recipes(seed);
	w = aligned_alloc(_Alignof(struct worker), (size_t)threads * sizeof(*w));
	if (!w)
		abort();
	memset(w, 0, (size_t)threads * sizeof(*w));
	t0 = now();
	for (int i = 0; i < threads; i++) {
		w[i].seed = seed + 7919u * (unsigned)(i + 1);
		w[i].iterations = iterations;
		w[i].window = window;
		/* One thread is the program's only thread, as in a
		 * single-threaded program: no second thread is started. */
		if (threads == 1)
			work(&w[i]);
		else if (pthread_create(&w[i].tid, NULL, work, &w[i]))
			abort();
	}
	for (int i = 0; i < threads; i++) {
		if (threads > 1)
			pthread_join(w[i].tid, NULL);
		sum += w[i].checksum;
	}
	fprintf(stderr, "churn: %d threads, %ld pairs each, %.3f s\n", threads, iterations, now() - t0);
	printf("checksum %llu\n", (unsigned long long)sum);
	free(w);
	free(recipes);
	return 0;
}
