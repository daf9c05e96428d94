/* Unit tests of the live set hash map, the threads' latest allocations
 * and the mapped regions. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "latest.h"
#include "livemap.h"
#include "regions.h"

/* Random puts and removes of n addresses `spacing` bytes apart against
 * a plain array: deletion by backward shift must never lose a block that
 * is still in the table, nor a split of a segment, nor a segment moving
 * to scattered homes.  seg_bits 0: the default segments.  Returns the
 * table with what is left in it. */
static void random_run(struct ma_livemap *m, unsigned seg_bits, unsigned n, uint64_t spacing,
		       int steps)
{
	uint64_t *size = calloc(n, sizeof(*size));   /* 0 = absent */
	uint64_t live = 0;
	unsigned seed = 12345;

	assert_non_null(size);
	if (seg_bits)
		ma_livemap_init_small(m, seg_bits);
	else
		ma_livemap_init(m);
	for (int step = 0; step < steps; step++) {
		unsigned i = (unsigned)rand_r(&seed) % n;
		uint64_t addr = 0x55550000000 + (uint64_t)(i + 1) * spacing;
		struct ma_block out;
		if (size[i]) {
			assert_int_equal(ma_livemap_remove(m, addr, &out), 1);
			assert_int_equal(out.size, size[i]);
			size[i] = 0;
			live--;
		} else {
			struct ma_block b = { .addr = addr, .size = (uint64_t)step + 1 };
			assert_int_equal(ma_livemap_put(m, &b, NULL), 0);
			size[i] = b.size;
			live++;
		}
	}
	assert_int_equal(m->count, live);
	for (unsigned i = 0; i < n; i++) {
		struct ma_block b;
		int found = ma_livemap_get(m, 0x55550000000 + (uint64_t)(i + 1) * spacing, &b);
		assert_int_equal(found, size[i] != 0);
		if (found)
			assert_int_equal(b.size, size[i]);
	}
	free(size);
}

/* Segments of windowed homes (livemap.h), and of scattered ones. */
static size_t segments(const struct ma_livemap *m, int windowed)
{
	size_t k = 0;

	for (size_t i = 0; i < m->nsegs; i++)
		k += ma_livemap_windowed(&m->segs[i]) == windowed;
	return k;
}

static void test_livemap_random(void **state)
{
	struct ma_livemap m;

	(void)state;
	random_run(&m, 0, 20000, 16, 200000);
	ma_livemap_release(&m);
}

/* 20000 addresses, about half live: many splits. */
static void test_livemap_segments(void **state)
{
	struct ma_livemap m;

	(void)state;
	random_run(&m, 6, 20000, 16, 200000);
	assert_true(m.nsegs > 8 && m.depth >= 3);
	ma_livemap_release(&m);
}

/* Enough live blocks, 48 bytes apart, for full-size segments: their
 * homes are windowed, and stay so while blocks come and go. */
static void test_livemap_windowed(void **state)
{
	struct ma_livemap m;
	uint64_t a = 0x7f0000000800, h = ma_livemap_hash(a);
	const struct ma_lmseg *s;

	(void)state;
	random_run(&m, 0, 400000, 48, 1000000);
	assert_true(m.nsegs >= 2);
	assert_int_equal(segments(&m, 1), m.nsegs);
	/* neighbours in a granule: homes as far apart as their addresses */
	s = ma_livemap_seg(&m, h);
	assert_ptr_equal(ma_livemap_seg(&m, ma_livemap_hash(a + 48)), s);
	assert_int_equal((ma_livemap_slot(s, a + 48, ma_livemap_hash(a + 48)) -
			  ma_livemap_slot(s, a, h)) & s->mask, 48);
	ma_livemap_release(&m);
}

/* Blocks 2 bytes apart crowd the windows: segments move to scattered
 * homes and lose nothing on the way. */
static void test_livemap_crowded(void **state)
{
	struct ma_livemap m;
	size_t scattered = 0;

	(void)state;
	random_run(&m, 0, 400000, 2, 1000000);
	for (size_t i = 0; i < m.nsegs; i++)
		scattered += m.segs[i].scatter;
	assert_true(scattered >= 1);
	ma_livemap_release(&m);
}

/* Puts blocks 1..k at addr(i) with size i; checks that each is iterated
 * once, that removing the odd ones finds each, and that then exactly the
 * even ones are found. */
static void put_iterate_halve(struct ma_livemap *m, uint64_t k, uint64_t (*addr)(uint64_t))
{
	struct ma_livemap_iter it = { 0 };
	struct ma_block b, out;
	uint64_t n = 0, sum = 0;

	for (uint64_t i = 1; i <= k; i++) {
		struct ma_block blk = { .addr = addr(i), .size = i };
		assert_int_equal(ma_livemap_put(m, &blk, NULL), 0);
	}
	assert_int_equal(m->count, k);
	while (ma_livemap_each(m, &it, &b)) {
		n++;
		sum += b.size;
	}
	assert_int_equal(n, k);
	assert_int_equal(sum, k * (k + 1) / 2);
	for (uint64_t i = 1; i <= k; i += 2) {
		assert_int_equal(ma_livemap_remove(m, addr(i), &out), 1);
		assert_int_equal(out.size, i);
	}
	for (uint64_t i = 1; i <= k; i++) {
		assert_int_equal(ma_livemap_get(m, addr(i), &b), i % 2 == 0);
		if (i % 2 == 0)
			assert_int_equal(b.size, i);
	}
	assert_int_equal(m->count, k / 2);
}

static uint64_t spaced_addr(uint64_t i)
{
	return 0x7f0000000000 + i * 48;
}

/* Full-size segments (2 MiB, mapped on their own): 200 000 blocks split
 * the first one into at least four. */
static void test_livemap_full_segments(void **state)
{
	struct ma_livemap m;

	(void)state;
	ma_livemap_init(&m);
	put_iterate_halve(&m, 200000, spaced_addr);
	assert_true(m.nsegs >= 4);
	ma_livemap_release(&m);
}

/* Block i's address, all in one granule: they share their top hash
 * bits. */
static uint64_t shared_top_addr(uint64_t i)
{
	uint64_t a = 0x7f0000000800 + i;

	assert_int_equal(ma_livemap_hash(a) >> 32, ma_livemap_hash(0x7f0000000800) >> 32);
	return a;
}

/* Addresses that share their top hash bits: the directory stops
 * deepening and the segment they land in grows past full size instead;
 * every block stays found, and clear keeps the memory but forgets them. */
static void test_livemap_shared_top_bits(void **state)
{
	struct ma_livemap m;
	struct ma_livemap_iter it = { 0 };
	struct ma_block b;
	size_t nsegs;

	(void)state;
	ma_livemap_init_small(&m, 4);
	put_iterate_halve(&m, 2000, shared_top_addr);
	assert_true(m.depth <= 20);
	nsegs = m.nsegs;
	ma_livemap_clear(&m);
	assert_int_equal(m.count, 0);
	assert_int_equal(m.nsegs, nsegs);
	assert_int_equal(ma_livemap_each(&m, &it, &b), 0);
	assert_int_equal(ma_livemap_get(&m, shared_top_addr(2), &b), 0);
	ma_livemap_release(&m);
}

static void test_livemap_replace(void **state)
{
	struct ma_livemap m;
	struct ma_block a = { .addr = 0x1000, .size = 1 }, b = { .addr = 0x1000, .size = 2 };
	struct ma_block old, it;
	struct ma_livemap_iter i = { 0 };
	size_t n = 0;

	(void)state;
	ma_livemap_init(&m);
	assert_int_equal(ma_livemap_put(&m, &a, NULL), 0);
	assert_int_equal(ma_livemap_put(&m, &b, &old), 1);
	assert_int_equal(old.size, 1);
	while (ma_livemap_each(&m, &i, &it))
		n++;
	assert_int_equal(n, 1);
	assert_int_equal(ma_livemap_remove(&m, 0x2000, NULL), 0);
	ma_livemap_release(&m);
}

static void assert_block(const struct ma_block *b, const struct ma_block *want)
{
	assert_int_equal(b->addr, want->addr);
	assert_int_equal(b->size, want->size);
	assert_int_equal(b->stack, want->stack);
	assert_int_equal(b->fn, want->fn);
	assert_int_equal(b->flags, want->flags);
}

/* Blocks at the edges of the packing and beyond it (the side table):
 * each comes back whole, through get, each, replace and remove, and side
 * entries freed are used again. */
static void test_livemap_unpacked(void **state)
{
	static const struct ma_block edge[] = {
		{ 0x1000, (UINT64_C(1) << 34) - 1, (1u << 23) - 1, 31, 1 },  /* packs */
		{ 0x2000, UINT64_C(1) << 34, 7, 2, 0 },                      /* size */
		{ 0x3000, 48, 1u << 23, 0, 1 },                              /* stack */
		{ 0x4000, 48, 5, 32, 0 },                                    /* fn */
		{ 0x5000, UINT64_MAX, UINT32_MAX, 255, 1 },                  /* all */
		{ 0x6000, 0, 0, 0, 0 },
	};
	const size_t n = sizeof(edge) / sizeof(edge[0]);
	struct ma_livemap m;
	struct ma_livemap_iter it = { 0 };
	struct ma_block b, old;
	size_t seen = 0;

	(void)state;
	ma_livemap_init(&m);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ma_livemap_put(&m, &edge[i], NULL), 0);
	assert_int_equal(m.nbig, 4);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ma_livemap_get(&m, edge[i].addr, &b), 1);
		assert_block(&b, &edge[i]);
	}
	while (ma_livemap_each(&m, &it, &b)) {
		size_t i = b.addr / 0x1000 - 1;
		assert_true(i < n);
		assert_block(&b, &edge[i]);
		seen++;
	}
	assert_int_equal(seen, n);
	/* An unpacked block replaced by a packed one, and the reverse. */
	b = edge[0];
	b.addr = edge[1].addr;
	assert_int_equal(ma_livemap_put(&m, &b, &old), 1);
	assert_block(&old, &edge[1]);
	b = edge[4];
	b.addr = edge[0].addr;
	assert_int_equal(ma_livemap_put(&m, &b, &old), 1);
	assert_block(&old, &edge[0]);
	assert_int_equal(ma_livemap_remove(&m, edge[0].addr, &old), 1);
	assert_int_equal(old.size, UINT64_MAX);
	assert_int_equal(old.stack, UINT32_MAX);
	assert_int_equal(old.fn, 255);
	/* Churn of unpacked blocks: the side table does not grow past the
	 * most ever live in it. */
	for (uint64_t k = 0; k < 1000; k++) {
		struct ma_block big = { 0x100000 + 16 * (k % 8), UINT64_C(1) << 40 | k, 9, 1, 0 };
		if (k >= 8)
			assert_int_equal(ma_livemap_remove(&m, big.addr, &old), 1);
		if (k >= 8)
			assert_int_equal(old.size, (UINT64_C(1) << 40) | (k - 8));
		assert_int_equal(ma_livemap_put(&m, &big, NULL), 0);
	}
	assert_true(m.nbig <= 4 + 8);
	/* Address 0 marks an empty slot: it is never stored. */
	b = edge[1];
	b.addr = 0;
	assert_int_equal(ma_livemap_put(&m, &b, NULL), 0);
	assert_int_equal(ma_livemap_get(&m, 0, &old), 0);
	assert_int_equal(m.count, n - 1 + 8);
	ma_livemap_clear(&m);
	assert_int_equal(m.nbig, 0);
	assert_int_equal(ma_livemap_get(&m, edge[4].addr, &b), 0);
	ma_livemap_release(&m);
}

/* A block is its thread's latest allocation until that thread allocates
 * again; another thread allocating, a block gone, or an address used
 * again by another thread does not change whose latest is what. */
static void test_latest(void **state)
{
	struct ma_latest l = { 0 };

	(void)state;
	/* freed at once */
	assert_int_equal(ma_latest_alloc(&l, 1, 0xa0, 0), 0);
	assert_int_equal(ma_latest_release_block(&l, 0xa0), 1);
	/* another allocation came between */
	assert_int_equal(ma_latest_alloc(&l, 1, 0xa0, 0), 0);
	assert_int_equal(ma_latest_alloc(&l, 1, 0xb0, 0), 0);
	assert_int_equal(ma_latest_release_block(&l, 0xa0), 0);
	/* another thread's allocation does not count */
	assert_int_equal(ma_latest_alloc(&l, 2, 0xc0, 0), 0);
	assert_int_equal(ma_latest_release_block(&l, 0xb0), 1);
	/* thread 1 freed its latest (0xb0); thread 2 gets 0xb0; thread 1
	 * allocating again must not take thread 2's latest away */
	assert_int_equal(ma_latest_alloc(&l, 2, 0xb0, 0), 0);   /* 0xc0 no longer */
	assert_int_equal(ma_latest_alloc(&l, 1, 0xd0, 0), 0);
	assert_int_equal(ma_latest_release_block(&l, 0xc0), 0);
	assert_int_equal(ma_latest_release_block(&l, 0xb0), 1);
	/* a block allocated again without its release: thread 1's 0xd0 is
	 * gone, thread 3's is the latest there */
	assert_int_equal(ma_latest_alloc(&l, 3, 0xd0, 1), 0);
	assert_int_equal(ma_latest_alloc(&l, 1, 0xe0, 0), 0);
	assert_int_equal(ma_latest_release_block(&l, 0xd0), 1);
	assert_int_equal(ma_latest_release_block(&l, 0xd0), 0);
	assert_int_equal(ma_latest_release_block(&l, 0xe0), 1);
	/* threads not followed */
	assert_int_equal(ma_latest_alloc(&l, MA_LATEST_MAX_THREADS, 0xf0, 0), 0);
	assert_int_equal(ma_latest_release_block(&l, 0xf0), 0);
	/* many threads at once: the table grows, each keeps its own */
	for (uint32_t t = 0; t < 5000; t++)
		assert_int_equal(ma_latest_alloc(&l, t, 0x10000 + 16 * (uint64_t)t, 0), 0);
	assert_int_equal(l.count, 5000);
	for (uint32_t t = 0; t < 5000; t += 2)
		assert_int_equal(ma_latest_alloc(&l, t, 0x900000 + 16 * (uint64_t)t, 0), 0);
	for (uint32_t t = 0; t < 5000; t++)
		assert_int_equal(ma_latest_release_block(&l, 0x10000 + 16 * (uint64_t)t), t % 2);
	assert_int_equal(l.count, 2500);
	ma_latest_clear(&l);
	assert_int_equal(l.count, 0);
	assert_int_equal(ma_latest_release_block(&l, 0x900000), 0);
	assert_int_equal(ma_latest_alloc(&l, 7, 0x900000, 0), 0);
	assert_int_equal(ma_latest_release_block(&l, 0x900000), 1);
	ma_latest_release(&l);
}

static void test_regions(void **state)
{
	struct ma_regions r;

	(void)state;
	ma_regions_init(&r);
	assert_int_equal(ma_regions_map(&r, 0x10000, 0x4000, 1), 0);
	assert_int_equal(ma_regions_map(&r, 0x20000, 0x1000, 2), 0);
	assert_int_equal(r.bytes, 0x5000);
	/* A hole in the middle splits the first mapping. */
	ma_regions_unmap(&r, 0x11000, 0x1000);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.bytes, 0x4000);
	/* One munmap over the tail of one and all of the next. */
	ma_regions_unmap(&r, 0x13000, 0x10000);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.bytes, 0x2000);
	/* MAP_FIXED over part of a mapping replaces it. */
	assert_int_equal(ma_regions_map(&r, 0x10800, 0x1000, 3), 0);
	assert_int_equal(r.bytes, 0x2000 + 0x800);
	ma_regions_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_livemap_random),
		cmocka_unit_test(test_livemap_segments),
		cmocka_unit_test(test_livemap_full_segments),
		cmocka_unit_test(test_livemap_windowed),
		cmocka_unit_test(test_livemap_crowded),
		cmocka_unit_test(test_livemap_shared_top_bits),
		cmocka_unit_test(test_livemap_replace),
		cmocka_unit_test(test_livemap_unpacked),
		cmocka_unit_test(test_latest),
		cmocka_unit_test(test_regions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
