/* The usable-size model of lib/fragmentation.c: glibc's chunk of every
 * request (heap, mapped, refused), the internal waste it implies, its
 * size classes, against glibc's own malloc_usable_size where the test
 * runs on glibc without a sanitizer's allocator; and the fragmentation
 * figure of the mallinfo2 samples. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "analysis.h"
#include "fragmentation.h"
#include "trace_codec.h"
#include "trace_format.h"

struct chunk_case {
	uint64_t req, chunk, usable;
	int mmapped;
};

/* By hand from glibc's request2size (x86_64: 8-byte size field, 16-byte
 * alignment, 32-byte minimum) and its mmapped chunks (8 more bytes,
 * rounded to the page, 16 bytes of header). */
static const struct chunk_case cases[] = {
	{ 0, 32, 24, 0 },
	{ 1, 32, 24, 0 },
	{ 24, 32, 24, 0 },
	{ 25, 48, 40, 0 },
	{ 40, 48, 40, 0 },
	{ 41, 64, 56, 0 },
	{ 1000, 1008, 1000, 0 },
	{ 1001, 1024, 1016, 0 },
	{ 1016, 1024, 1016, 0 },
	{ 1017, 1040, 1032, 0 },
	{ 131048, 131056, 131048, 0 },      /* last heap request */
	{ 131049, 135168, 135152, 1 },      /* its chunk reaches 128 KiB: mapped */
	{ 131072, 135168, 135152, 1 },
	{ 135144, 135168, 135152, 1 },      /* chunk + 8 fills the pages */
	{ 135145, 139264, 139248, 1 },
	{ 1048576, 1052672, 1052656, 1 },
	{ MA_GLIBC_MAX_REQUEST, (uint64_t)INT64_MAX - 4095, (uint64_t)INT64_MAX - 4095 - 16, 1 },
	/* glibc refuses these: no overhead modelled, never a wrap. */
	{ MA_GLIBC_MAX_REQUEST + 1, MA_GLIBC_MAX_REQUEST + 1, MA_GLIBC_MAX_REQUEST + 1, 0 },
	{ UINT64_MAX - 7, UINT64_MAX - 7, UINT64_MAX - 7, 0 },
	{ UINT64_MAX, UINT64_MAX, UINT64_MAX, 0 },
};

static void test_chunk_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct chunk_case *c = &cases[i];
		print_message("req %llu\n", (unsigned long long)c->req);
		assert_int_equal(ma_glibc_chunk(c->req), c->chunk);
		assert_int_equal(ma_glibc_usable(c->req), c->usable);
		assert_int_equal(ma_glibc_mmapped(c->req), c->mmapped);
	}
}

/* Over every request up to 300000 bytes: usable covers the request, the
 * chunk is aligned, the waste is under one alignment step in the heap
 * and 8 to 4103 bytes when mapped, and never shrinks as
 * the request grows within the heap or within the mapped range. */
static void test_invariants(void **state)
{
	uint64_t prev = 0, min_mapped = UINT64_MAX, max_mapped = 0;

	(void)state;
	for (uint64_t req = 0; req <= 300000; req++) {
		uint64_t chunk = ma_glibc_chunk(req), usable = ma_glibc_usable(req);
		assert_true(usable >= req);
		assert_int_equal(chunk % 16, 0);
		if (ma_glibc_mmapped(req)) {
			assert_int_equal(chunk % 4096, 0);
			if (usable - req < min_mapped)
				min_mapped = usable - req;
			if (usable - req > max_mapped)
				max_mapped = usable - req;
			assert_int_equal(chunk - usable, 16);
		} else {
			assert_true(usable - req <= 24);
			assert_true(req < 25 || usable - req < 16);
			assert_int_equal(chunk - usable, 8);
		}
		if (req != MA_GLIBC_MMAP_MIN_REQUEST)
			assert_true(usable >= prev);
		prev = usable;
	}
	/* docs/metrics.md: a mapped block wastes 8 to 4103 bytes. */
	assert_int_equal(min_mapped, 8);
	assert_int_equal(max_mapped, 4103);
}

/* The model against the allocator this test runs on: every heap request
 * of 0..4096 bytes and a spread of larger ones, all live at once (each
 * from the top of the heap, split exactly), with the mmap threshold
 * pinned at its default so glibc does not move it. */
static void test_against_glibc(void **state)
{
	(void)state;
#if defined(__GLIBC__) && defined(__LP64__) && !defined(__SANITIZE_ADDRESS__) && \
	!defined(__SANITIZE_THREAD__)
	enum { SMALL = 4097, BIG = 64 };
	void **p = calloc(SMALL + BIG, sizeof(*p));
	size_t n = 0, mismatches = 0;

	assert_non_null(p);
	assert_int_equal(mallopt(M_MMAP_THRESHOLD, MA_GLIBC_MMAP_THRESHOLD), 1);
	for (uint64_t req = 0; req < SMALL; req++, n++) {
		assert_non_null(p[n] = malloc(req));
		if (malloc_usable_size(p[n]) != ma_glibc_usable(req))
			print_message("req %llu: glibc %zu, model %llu\n", (unsigned long long)req,
				      malloc_usable_size(p[n]),
				      (unsigned long long)ma_glibc_usable(req)), mismatches++;
	}
	for (uint64_t i = 0; i < BIG; i++, n++) {
		uint64_t req = 4097 + i * (MA_GLIBC_MMAP_MIN_REQUEST - 4098) / (BIG - 1);
		assert_non_null(p[n] = malloc(req));
		if (malloc_usable_size(p[n]) != ma_glibc_usable(req))
			print_message("req %llu: glibc %zu, model %llu\n", (unsigned long long)req,
				      malloc_usable_size(p[n]),
				      (unsigned long long)ma_glibc_usable(req)), mismatches++;
	}
	while (n)
		free(p[--n]);
	free(p);
	assert_int_equal(mismatches, 0);
#else
	skip();
#endif
}

static void feed(struct ma_frag *f, enum ma_event_kind kind, uint64_t size)
{
	struct ma_event ev = { 0 };

	ev.kind = kind;
	ev.size = size;
	assert_int_equal(ma_frag_event(f, &ev), 0);
}

static const struct ma_waste_class *find_class(const struct ma_frag *f, uint64_t lo)
{
	for (unsigned i = 0; i < f->nclasses; i++)
		if (f->classes[i].lo == lo)
			return &f->classes[i];
	return NULL;
}

struct class_case {
	uint64_t req, lo, hi;
	int mmapped;
};

static const struct class_case class_cases[] = {
	{ 0, 0, 24, 0 },
	{ 24, 0, 24, 0 },
	{ 25, 25, 40, 0 },
	{ 1001, 1001, 1016, 0 },
	{ 1017, 1017, 1023, 0 },
	{ 1024, 1024, 2047, 0 },
	{ 100000, 65536, 131048, 0 },
	{ 131049, 131049, 131071, 1 },
	{ 131072, 131072, 262143, 1 },
	{ (uint64_t)1 << 40, (uint64_t)1 << 40, ((uint64_t)2 << 40) - 1, 1 },
	{ UINT64_MAX, (uint64_t)1 << 63, UINT64_MAX, 0 },
};

/* Each request lands in the class whose bounds hold it; the class sums
 * allocations, requested bytes and waste; classes come out by waste. */
static void test_classes(void **state)
{
	struct ma_frag f;
	uint64_t live_waste = 0;

	(void)state;
	ma_frag_init(&f);
	for (size_t i = 0; i < sizeof(class_cases) / sizeof(class_cases[0]); i++) {
		if (class_cases[i].req == UINT64_MAX)
			continue;   /* below: it saturates the live sums */
		feed(&f, MA_EV_ALLOC, class_cases[i].req);
		live_waste += ma_glibc_usable(class_cases[i].req) - class_cases[i].req;
	}
	feed(&f, MA_EV_ALLOC, 40);     /* a second one in [25, 40], no waste */
	feed(&f, MA_EV_ALLOC, 26);     /* and a third, 14 bytes of waste */
	live_waste += 14;
	assert_int_equal(f.peak_waste, live_waste);
	assert_int_equal(f.live_usable - f.live_requested, live_waste);
	/* Freeing gives the waste back; the peak stays. */
	feed(&f, MA_EV_FREE, 131072);
	assert_int_equal(f.live_usable - f.live_requested, live_waste - 4080);
	assert_int_equal(f.peak_waste, live_waste);
	feed(&f, MA_EV_ALLOC, UINT64_MAX);
	ma_frag_finish(&f);

	/* 0 and 24 share a class: 11 cases less one, the two extras join. */
	assert_int_equal(f.nclasses, 10);
	for (size_t i = 0; i < sizeof(class_cases) / sizeof(class_cases[0]); i++) {
		const struct class_case *c = &class_cases[i];
		const struct ma_waste_class *k = find_class(&f, c->lo);
		print_message("req %llu\n", (unsigned long long)c->req);
		assert_non_null(k);
		assert_int_equal(k->hi, c->hi);
		assert_int_equal(k->mmapped, c->mmapped);
		assert_true(k->lo <= c->req && c->req <= k->hi);
	}
	const struct ma_waste_class *k = find_class(&f, 25);
	assert_int_equal(k->allocations, 3);
	assert_int_equal(k->requested, 25 + 40 + 26);
	assert_int_equal(k->waste, 15 + 0 + 14);
	k = find_class(&f, 0);
	assert_int_equal(k->allocations, 2);
	assert_int_equal(k->waste, 24 + 0);
	/* Sorted by waste, most first: the first mapped request, 4103 bytes
	 * beyond it (the 1 TiB one wastes 4080, then 131072 the same). */
	for (unsigned i = 1; i < f.nclasses; i++)
		assert_true(f.classes[i - 1].waste >= f.classes[i].waste);
	assert_int_equal(f.classes[0].lo, 131049);
	assert_int_equal(f.classes[0].waste, 4103);
	assert_int_equal(f.classes[1].lo, 131072);      /* ties: lower sizes first */
	assert_int_equal(f.classes[1].waste, 4080);
	assert_int_equal(f.classes[2].lo, (uint64_t)1 << 40);
	assert_int_equal(f.classes[2].waste, 4080);
	/* The refused request: a class of its own, no waste. */
	k = find_class(&f, (uint64_t)1 << 63);
	assert_int_equal(k->waste, 0);
	assert_int_equal(k->requested, UINT64_MAX);
	ma_frag_release(&f);
}

/* Sums of sizes saturate instead of wrapping. */
static void test_overflow(void **state)
{
	struct ma_frag f;

	(void)state;
	ma_frag_init(&f);
	feed(&f, MA_EV_ALLOC, UINT64_MAX);
	feed(&f, MA_EV_ALLOC, UINT64_MAX);
	feed(&f, MA_EV_ALLOC, 25);
	assert_int_equal(f.live_requested, UINT64_MAX);
	assert_int_equal(f.live_usable, UINT64_MAX);
	assert_int_equal(f.peak_waste, 0);
	/* A free of more than is live leaves zero, not a wrapped count. */
	feed(&f, MA_EV_FREE, UINT64_MAX);
	feed(&f, MA_EV_FREE, UINT64_MAX);
	feed(&f, MA_EV_FREE, 25);
	assert_int_equal(f.live_requested, 0);
	assert_int_equal(f.live_usable, 0);
	ma_frag_finish(&f);
	assert_int_equal(f.nclasses, 2);
	assert_int_equal(f.classes[0].waste, 15);
	assert_int_equal(f.classes[1].requested, UINT64_MAX);
	ma_frag_release(&f);
}

/* Feeds f a sample record at ts with these fields. */
static void push_sample(struct ma_frag *f, uint64_t ts, const struct ma_rec_sample *smp)
{
	struct ma_record rec;
	struct ma_event ev = { 0 };

	memset(&rec, 0, sizeof(rec));
	rec.tag = MA_REC_SAMPLE;
	rec.u.sample = *smp;
	ev.kind = MA_EV_SAMPLE;
	ev.ts = ts;
	ev.rec = &rec;
	assert_int_equal(ma_frag_event(f, &ev), 0);
}

static void sample(struct ma_frag *f, uint64_t ts, uint64_t arena, uint64_t fordblks,
		   uint64_t keepcost)
{
	struct ma_rec_sample smp = { .rss = arena, .arena = arena, .fordblks = fordblks,
				     .keepcost = keepcost, .flags = MA_SAMPLE_F_MALLINFO };

	push_sample(f, ts, &smp);
}

/* Holes are the free bytes below the top against the heap; the rated
 * figure is their median over samples of a heap of 1 MiB or more. */
static void test_holes_median(void **state)
{
	struct ma_frag f;

	(void)state;
	ma_frag_init(&f);
	sample(&f, 1, 512 << 10, 500 << 10, 0);          /* too small to rate */
	sample(&f, 2, 4 << 20, 2 << 20, 1 << 20);        /* 25 % */
	sample(&f, 3, 4 << 20, 3 << 20, 0);              /* 75 %: the worst */
	sample(&f, 4, 2 << 20, 1 << 20, 0);              /* 50 % */
	sample(&f, 5, 2 << 20, 1 << 10, 1 << 20);        /* top above free: 0 % */
	ma_frag_finish(&f);
	assert_int_equal(f.mallinfo_samples, 5);
	assert_int_equal(f.rated_samples, 4);
	assert_int_equal(f.max_arena, 4 << 20);
	assert_true(f.frag_median_pct == 37.5);           /* (25 + 50) / 2 */
	assert_true(f.frag_worst_pct == 75.0);
	assert_int_equal(f.frag_worst_ts, 3);
	ma_frag_release(&f);
}

/* A sample taken without mallinfo2 (the probe spaces mallinfo2 out where
 * it is slow: a heap full of holes) counts for the rated sample before
 * it, so that the sparse, fragmented moments weigh what they lasted. */
static void rss_sample(struct ma_frag *f, uint64_t ts)
{
	struct ma_rec_sample smp = { .rss = 1 << 20 };

	push_sample(f, ts, &smp);
}

static void test_median_by_samples(void **state)
{
	struct ma_frag f;
	uint64_t ts = 0;

	(void)state;
	ma_frag_init(&f);
	for (int i = 0; i < 10; i++)
		sample(&f, ts++, 4 << 20, 400 << 10, 0);   /* 9.8 %, every sample */
	for (int i = 0; i < 3; i++) {
		sample(&f, ts++, 4 << 20, 2 << 20, 0);     /* 50 %, then 4 without */
		for (int k = 0; k < 4; k++)
			rss_sample(&f, ts++);
	}
	ma_frag_finish(&f);
	assert_int_equal(f.rated_samples, 13);
	assert_int_equal(f.samples, 25);
	assert_true(f.frag_median_pct == 50.0);       /* by count it would be 9.8 */
	ma_frag_release(&f);

	/* a mallinfo2 sample not rated (heap under 1 MiB) ends the run of
	 * the one before; samples before any rated one count for nothing */
	ma_frag_init(&f);
	rss_sample(&f, 0);
	rss_sample(&f, 1);
	sample(&f, 2, 4 << 20, 2 << 20, 0);           /* 50 % */
	sample(&f, 3, 512 << 10, 0, 0);               /* not rated */
	rss_sample(&f, 4);
	rss_sample(&f, 5);
	sample(&f, 6, 4 << 20, 1 << 20, 0);           /* 25 %, weight 3 */
	rss_sample(&f, 7);
	rss_sample(&f, 8);
	sample(&f, 9, 4 << 20, 3 << 20, 0);           /* 75 % */
	ma_frag_finish(&f);
	assert_int_equal(f.rated_samples, 3);
	assert_true(f.frag_median_pct == 25.0);
	ma_frag_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk_table),
		cmocka_unit_test(test_invariants),
		cmocka_unit_test(test_against_glibc),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_holes_median),
		cmocka_unit_test(test_median_by_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
