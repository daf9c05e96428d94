/* Unit tests of the live set hash map and the mapped regions. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "livemap.h"
#include "regions.h"

#define N 20000

/* Random puts and removes against a plain array: deletion by backward
 * shift must never lose a block that is still in the table, nor a split
 * of a segment.  seg_bits 0: the default segments. */
static void random_run(unsigned seg_bits)
{
	struct ma_livemap m;
	static uint64_t size[N];   /* 0 = absent; address = (i + 1) * 16 */
	uint64_t live = 0;
	unsigned seed = 12345;

	memset(size, 0, sizeof(size));
	if (seg_bits)
		ma_livemap_init_small(&m, seg_bits);
	else
		ma_livemap_init(&m);
	for (int step = 0; step < 200000; step++) {
		unsigned i = (unsigned)rand_r(&seed) % N;
		uint64_t addr = (uint64_t)(i + 1) * 16;
		struct ma_block out;
		if (size[i]) {
			assert_int_equal(ma_livemap_remove(&m, addr, &out), 1);
			assert_int_equal(out.size, size[i]);
			size[i] = 0;
			live--;
		} else {
			struct ma_block b = { .addr = addr, .size = (uint64_t)step + 1 };
			assert_int_equal(ma_livemap_put(&m, &b, NULL), 0);
			size[i] = b.size;
			live++;
		}
	}
	assert_int_equal(m.count, live);
	for (unsigned i = 0; i < N; i++) {
		struct ma_block *b = ma_livemap_get(&m, (uint64_t)(i + 1) * 16);
		if (size[i])
			assert_int_equal(b->size, size[i]);
		else
			assert_null(b);
	}
	if (seg_bits)   /* 20000 addresses, about half live: many splits */
		assert_true(m.nsegs > 8 && m.depth >= 3);
	ma_livemap_release(&m);
}

static void test_livemap_random(void **state)
{
	(void)state;
	random_run(0);
}

static void test_livemap_segments(void **state)
{
	(void)state;
	random_run(6);
}

/* Puts blocks 1..k at addr(i) with size i; checks that each is iterated
 * once, that removing the odd ones finds each, and that then exactly the
 * even ones are found. */
static void put_iterate_halve(struct ma_livemap *m, uint64_t k, uint64_t (*addr)(uint64_t))
{
	struct ma_livemap_iter it = { 0 };
	struct ma_block *b, out;
	uint64_t n = 0, sum = 0;

	for (uint64_t i = 1; i <= k; i++) {
		struct ma_block blk = { .addr = addr(i), .size = i };
		assert_int_equal(ma_livemap_put(m, &blk, NULL), 0);
	}
	assert_int_equal(m->count, k);
	while ((b = ma_livemap_each(m, &it))) {
		n++;
		sum += b->size;
	}
	assert_int_equal(n, k);
	assert_int_equal(sum, k * (k + 1) / 2);
	for (uint64_t i = 1; i <= k; i += 2) {
		assert_int_equal(ma_livemap_remove(m, addr(i), &out), 1);
		assert_int_equal(out.size, i);
	}
	for (uint64_t i = 1; i <= k; i++) {
		b = ma_livemap_get(m, addr(i));
		if (i % 2)
			assert_null(b);
		else
			assert_int_equal(b->size, i);
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

/* The address whose hash is h: the hash multiplies by an odd constant,
 * so it has an inverse mod 2^64 (Newton's iteration doubles the bits
 * right each step). */
static uint64_t addr_of_hash(uint64_t h)
{
	const uint64_t c = ma_livemap_hash(1);
	uint64_t inv = c;

	for (int i = 0; i < 6; i++)
		inv *= 2 - c * inv;
	assert_int_equal(c * inv, 1);
	return h * inv;
}

/* Block i's address when all share their top 40 hash bits. */
static uint64_t shared_top_addr(uint64_t i)
{
	uint64_t a = addr_of_hash(UINT64_C(0xabcdef1234) << 24 | i);

	assert_int_equal(ma_livemap_hash(a) >> 24, UINT64_C(0xabcdef1234));
	return a;
}

/* Addresses crafted to share their top 40 hash bits: the directory stops
 * deepening and the segment they land in grows past full size instead;
 * every block stays found, and clear keeps the memory but forgets them. */
static void test_livemap_shared_top_bits(void **state)
{
	struct ma_livemap m;
	struct ma_livemap_iter it = { 0 };
	size_t nsegs;

	(void)state;
	ma_livemap_init_small(&m, 4);
	put_iterate_halve(&m, 3000, shared_top_addr);
	assert_true(m.depth <= 20);
	nsegs = m.nsegs;
	ma_livemap_clear(&m);
	assert_int_equal(m.count, 0);
	assert_int_equal(m.nsegs, nsegs);
	assert_null(ma_livemap_each(&m, &it));
	assert_null(ma_livemap_get(&m, shared_top_addr(2)));
	ma_livemap_release(&m);
}

static void test_livemap_replace(void **state)
{
	struct ma_livemap m;
	struct ma_block a = { .addr = 0x1000, .size = 1 }, b = { .addr = 0x1000, .size = 2 };
	struct ma_block old, *it;
	struct ma_livemap_iter i = { 0 };
	size_t n = 0;

	(void)state;
	ma_livemap_init(&m);
	assert_int_equal(ma_livemap_put(&m, &a, NULL), 0);
	assert_int_equal(ma_livemap_put(&m, &b, &old), 1);
	assert_int_equal(old.size, 1);
	while ((it = ma_livemap_each(&m, &i)))
		n++;
	assert_int_equal(n, 1);
	assert_int_equal(ma_livemap_remove(&m, 0x2000, NULL), 0);
	ma_livemap_release(&m);
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
		cmocka_unit_test(test_livemap_shared_top_bits),
		cmocka_unit_test(test_livemap_replace),
		cmocka_unit_test(test_regions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
