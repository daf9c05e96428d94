/* Fragmentation, internal waste and pressure from the replay's events.
 * The allocator's own numbers come from the mallinfo2 samples; the waste
 * inside each block comes from a model of glibc's chunk sizes applied to
 * every requested size, since the trace records requests, not chunks. */
#include "config.h"

#include "fragmentation.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "trace_codec.h"

#define SIZE_SZ MA_GLIBC_SIZE_SZ
#define MIN_CHUNK 32u

static unsigned log2u(uint64_t v)
{
	return v ? 63u - (unsigned)__builtin_clzll(v) : 0;
}

/* Class index of a request: 0..62 small heap chunks (32..1024 bytes),
 * 63..70 heap chunks of 1 KiB and more by powers of two of the request
 * (2^9..2^16), 71..118 everything else (mapped chunks, and requests glibc
 * refuses) by powers of two of the request (2^16..2^63). */
static unsigned class_of(uint64_t req, uint64_t *lo, uint64_t *hi)
{
	uint64_t chunk = ma_glibc_heap_chunk(req);
	unsigned k;

	if (!ma_glibc_mmapped(req) && req <= MA_GLIBC_MAX_REQUEST && chunk <= 1024) {
		*hi = chunk - SIZE_SZ;
		*lo = chunk == MIN_CHUNK ? 0 : chunk - 16 - SIZE_SZ + 1;
		return (unsigned)(chunk / 16 - 2);
	}
	k = log2u(req);
	if (!ma_glibc_mmapped(req) && req <= MA_GLIBC_MAX_REQUEST) {
		/* req in [1017, MA_GLIBC_MMAP_MIN_REQUEST): k in 9..16 */
		*lo = 1ull << k;
		*hi = (2ull << k) - 1;
		if (*lo < 1017)
			*lo = 1017;
		if (*hi >= MA_GLIBC_MMAP_MIN_REQUEST)
			*hi = MA_GLIBC_MMAP_MIN_REQUEST - 1;
		return 63 + (k - 9);
	}
	/* k in 16..63 here: classes 71..118. */
	*lo = 1ull << k;
	*hi = k >= 63 ? UINT64_MAX : (2ull << k) - 1;
	if (*lo < MA_GLIBC_MMAP_MIN_REQUEST)
		*lo = MA_GLIBC_MMAP_MIN_REQUEST;
	return 71 + (k - 16);
}

void ma_frag_init(struct ma_frag *f)
{
	memset(f, 0, sizeof(*f));
}

struct ma_frag_thread {
	uint64_t first, last;   /* first allocation, last heap event */
	int allocated;
};

void ma_frag_release(struct ma_frag *f)
{
	free(f->thr);
	f->thr = NULL;
	f->nthr = 0;
	free(f->fr);
	f->fr = NULL;
	f->nfr = f->afr = 0;
	f->fr_open = 0;
}

/* Sums of sizes from a trace: a damaged one must not wrap them. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t live_waste(const struct ma_frag *f)
{
	return f->live_usable > f->live_requested ? f->live_usable - f->live_requested : 0;
}

static void on_alloc(struct ma_frag *f, uint64_t size, int sign)
{
	uint64_t usable = ma_glibc_usable(size), lo, hi;

	if (sign > 0) {
		unsigned k = class_of(size, &lo, &hi);
		struct ma_waste_class *c = &f->classes[k];
		if (!c->allocations) {
			c->lo = lo;
			c->hi = hi;
			c->mmapped = ma_glibc_mmapped(size);
		}
		c->allocations++;
		c->requested = sat_add(c->requested, size);
		c->waste = sat_add(c->waste, usable - size);
		f->live_usable = sat_add(f->live_usable, usable);
		f->live_requested = sat_add(f->live_requested, size);
	} else {
		f->live_usable -= usable <= f->live_usable ? usable : f->live_usable;
		f->live_requested -= size <= f->live_requested ? size : f->live_requested;
	}
}

/* The thread's activity: from its first allocation to its last heap
 * event.  Producers past MA_FRAG_MAX_THREADS are not told apart. */
static int thread_event(struct ma_frag *f, const struct ma_event *ev)
{
	uint32_t t = ev->thread < MA_FRAG_MAX_THREADS ? ev->thread : MA_FRAG_MAX_THREADS - 1;
	struct ma_frag_thread *th;

	if (t >= f->nthr) {
		size_t n = f->nthr ? f->nthr : 16;
		while (n <= t)
			n *= 2;
		if (!(th = realloc(f->thr, n * sizeof(*th))))
			return -1;
		memset(th + f->nthr, 0, (n - f->nthr) * sizeof(*th));
		f->thr = th;
		f->nthr = n;
	}
	th = &f->thr[t];
	if (!th->allocated) {
		if (ev->kind != MA_EV_ALLOC)
			return 0;
		th->allocated = 1;
		th->first = ev->ts;
		f->alloc_threads++;
	}
	th->last = ev->ts;
	return 0;
}

struct edge {
	uint64_t ts;
	int start;
};

static int cmp_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return y->start - x->start;   /* starts first: touching counts as overlap */
}

/* The most threads active at one time, by a sweep over their intervals. */
static void thread_peak(struct ma_frag *f)
{
	struct edge *e = f->alloc_threads ? calloc(2 * f->alloc_threads, sizeof(*e)) : NULL;
	size_t n = 0;
	uint64_t now = 0;

	if (!e) {
		/* Without memory for the sweep: every thread counts as concurrent. */
		f->peak_alloc_threads = f->alloc_threads;
		return;
	}
	for (size_t i = 0; i < f->nthr; i++)
		if (f->thr[i].allocated) {
			e[n++] = (struct edge){ f->thr[i].first, 1 };
			e[n++] = (struct edge){ f->thr[i].last, 0 };
		}
	qsort(e, n, sizeof(*e), cmp_edge);
	for (size_t i = 0; i < n; i++) {
		now = e[i].start ? now + 1 : now - 1;
		if (now > f->peak_alloc_threads) {
			f->peak_alloc_threads = now;
			f->peak_alloc_threads_ts = e[i].ts;
		}
	}
	free(e);
}

static void growth(struct ma_frag *f, const struct ma_event *ev)
{
	uint64_t q = f->span_ns / 4;

	if (!q)
		return;
	if (ev->ts >= q && ev->ts < 2 * q && ev->heap_live > f->q2_max)
		f->q2_max = ev->heap_live;
	if (ev->ts >= 3 * q && (ev->heap_live > f->q4_max || !f->q4_seen)) {
		f->q4_max = ev->heap_live > f->q4_max ? ev->heap_live : f->q4_max;
		f->q4_seen = 1;
	}
}

static int keep_frag(struct ma_frag *f, double pct)
{
	if (f->nfr == f->afr) {
		size_t n = f->afr ? 2 * f->afr : 256;
		struct ma_frag_rated *v = realloc(f->fr, n * sizeof(*v));
		if (!v)
			return -1;
		f->fr = v;
		f->afr = n;
	}
	f->fr[f->nfr++] = (struct ma_frag_rated){ pct, 1 };
	f->fr_open = 1;
	return 0;
}

static void psi(struct ma_frag *f, const struct ma_rec_sample *s)
{
	if (!(s->flags & MA_SAMPLE_F_PSI))
		return;
	if (!f->psi) {
		f->psi = 1;
		f->psi_first_some = f->last_some = s->psi_some_us;
		f->psi_first_full = s->psi_full_us;
	}
	if (s->psi_some_us > f->last_some)
		f->psi_events++;
	f->last_some = s->psi_some_us;
	f->psi_some_us = s->psi_some_us - f->psi_first_some;
	f->psi_full_us = s->psi_full_us >= f->psi_first_full ?
			 s->psi_full_us - f->psi_first_full : 0;
}

static void point(struct ma_frag *f, const struct ma_frag_point *p)
{
	unsigned k = f->span_ns ? (unsigned)(p->ts * MA_FRAG_POINTS / (f->span_ns + 1)) : 0;

	if (k >= MA_FRAG_POINTS)
		k = MA_FRAG_POINTS - 1;
	/* The last sample of each interval; intervals fill in time order. */
	if (f->npoints && f->points[f->npoints - 1].ts * MA_FRAG_POINTS / (f->span_ns + 1) == k)
		f->points[f->npoints - 1] = *p;
	else if (f->npoints < MA_FRAG_POINTS)
		f->points[f->npoints++] = *p;
}

static int on_sample(struct ma_frag *f, const struct ma_event *ev)
{
	const struct ma_rec_sample *s = &ev->rec->u.sample;
	struct ma_frag_point p = { ev->ts, s->rss, 0, ev->heap_live, live_waste(f), 0, 0, 0 };

	f->samples++;
	psi(f, s);
	if (s->rss > f->peak_rss) {
		f->peak_rss = s->rss;
		f->peak_rss_ts = ev->ts;
		f->heap_at_peak_rss = ev->heap_live;
		f->mmap_at_peak_rss = ev->mmap_live;
	}
	if (!(s->flags & MA_SAMPLE_F_MALLINFO)) {
		/* a sample the probe took without mallinfo2 (it spaces them out
		 * when they are dear): the last rated one stands for it too */
		if (f->fr_open)
			f->fr[f->nfr - 1].weight++;
		point(f, &p);
		return 0;
	}
	f->mallinfo_samples++;
	f->fr_open = 0;
	p.held = s->arena + s->hblkhd;
	p.free_bytes = s->fordblks;
	p.top = s->keepcost;
	p.frag_pct = s->arena && s->fordblks >= s->keepcost ?
		     100.0 * (double)(s->fordblks - s->keepcost) / (double)s->arena : 0;
	if (s->arena > f->max_arena)
		f->max_arena = s->arena;
	if (p.held > f->at_peak_held.held) {
		f->at_peak_held = p;
		f->peak_held_arena = s->arena;
		f->peak_held_hblkhd = s->hblkhd;
	}
	point(f, &p);
	if (s->arena < MA_FRAG_MIN_ARENA)
		return 0;
	f->rated_samples++;
	if (p.frag_pct > f->frag_worst_pct || f->rated_samples == 1) {
		f->frag_worst_pct = p.frag_pct;
		f->frag_worst_ts = ev->ts;
	}
	return keep_frag(f, p.frag_pct);
}

/* The kernel's peak RSS, "peak-rss" (docs/trace-format.md). */
static void on_info(struct ma_frag *f, const struct ma_rec_info *in)
{
	uint64_t v;

	if (ma_info_counts(in, "peak-rss", &v, 1) == 0 && v > f->peak_rss_kernel)
		f->peak_rss_kernel = v;
}

uint64_t ma_frag_peak_rss(const struct ma_frag *f)
{
	return f->peak_rss > f->peak_rss_kernel ? f->peak_rss : f->peak_rss_kernel;
}

int ma_frag_event(struct ma_frag *f, const struct ma_event *ev)
{
	switch (ev->kind) {
	case MA_EV_BEGIN:
		f->span_ns = ev->span_ns;
		return 0;
	case MA_EV_ALLOC:
	case MA_EV_FREE:
		if (thread_event(f, ev) < 0)
			return -1;
		on_alloc(f, ev->size, ev->kind == MA_EV_ALLOC ? 1 : -1);
		if (live_waste(f) > f->peak_waste) {
			f->peak_waste = live_waste(f);
			f->peak_waste_ts = ev->ts;
		}
		growth(f, ev);
		return 0;
	case MA_EV_SAMPLE:
		growth(f, ev);
		return on_sample(f, ev);
	case MA_EV_INFO:
		on_info(f, &ev->rec->u.info);
		return 0;
	default:
		return 0;
	}
}

static int cmp_rated(const void *a, const void *b)
{
	double x = ((const struct ma_frag_rated *)a)->pct;
	double y = ((const struct ma_frag_rated *)b)->pct;

	return x < y ? -1 : x > y;
}

/* The median of the rated samples, each weighted by the samples it
 * stands for: itself and those the probe took without mallinfo2 until
 * the next one.  Spacing mallinfo2 out where it is slow -- on a heap full
 * of holes -- must not pull the figure towards the cheaper moments.
 * Weights count samples, not nanoseconds, so that a writer thread kept
 * off the CPU for a while (the program busy on every core) does not
 * weigh the moment it was kept from sampling.  With every sample rated it
 * is the plain median, the mean of the two middle values included. */
static double weighted_median(struct ma_frag_rated *fr, size_t n)
{
	uint64_t total = 0, sum = 0;

	qsort(fr, n, sizeof(*fr), cmp_rated);
	for (size_t i = 0; i < n; i++)
		total += fr[i].weight;
	for (size_t i = 0; i < n; i++) {
		sum += fr[i].weight;
		if (2 * sum == total && i + 1 < n)
			return (fr[i].pct + fr[i + 1].pct) / 2;
		if (2 * sum >= total)
			return fr[i].pct;
	}
	return fr[n - 1].pct;
}

static int cmp_waste(const void *a, const void *b)
{
	const struct ma_waste_class *x = a, *y = b;

	if (x->waste != y->waste)
		return x->waste < y->waste ? 1 : -1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void ma_frag_finish(struct ma_frag *f)
{
	unsigned n = 0;

	if (f->nfr)
		f->frag_median_pct = weighted_median(f->fr, f->nfr);
	thread_peak(f);
	for (unsigned i = 0; i < MA_FRAG_CLASSES; i++)
		if (f->classes[i].allocations)
			f->classes[n++] = f->classes[i];
	memset(f->classes + n, 0, (MA_FRAG_CLASSES - n) * sizeof(f->classes[0]));
	f->nclasses = n;
	qsort(f->classes, n, sizeof(f->classes[0]), cmp_waste);
}
