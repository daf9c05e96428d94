/* Unit tests of the live set hash map and the mapped regions. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "livemap.h"
#include "regions.h"

#define N 20000

/* Random puts and removes against a plain array: deletion by backward
 * shift must never lose a block that is still in the table. */
static void test_livemap_random(void **state)
{
	struct ma_livemap m;
	static uint64_t size[N];   /* 0 = absent; address = (i + 1) * 16 */
	uint64_t live = 0;
	unsigned seed = 12345;

	(void)state;
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
	ma_livemap_release(&m);
}

static void test_livemap_replace(void **state)
{
	struct ma_livemap m;
	struct ma_block a = { .addr = 0x1000, .size = 1 }, b = { .addr = 0x1000, .size = 2 };
	struct ma_block old, *it;
	size_t i = 0, n = 0;

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
		cmocka_unit_test(test_livemap_replace),
		cmocka_unit_test(test_regions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
