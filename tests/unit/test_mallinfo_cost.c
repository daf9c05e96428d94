/* Unit tests of probes/mallinfo_cost.h: when the probe's writer may call
 * mallinfo2.  The first call is always due; after that a call is due
 * MALLINFO_SPACING times its expected CPU time after the last one, that
 * time being the last call's plus a chunk's walk for each release beyond
 * allocations since; the walk is measured on calls that walked enough
 * chunks; huge counts neither overflow nor make a call due early. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mallinfo_cost.h"

#define MS 1000000ull
#define US 1000ull

static void test_first_call_due(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;

	(void)state;
	assert_true(probe_mallinfo_due(&c, 0, 0));
	assert_true(probe_mallinfo_due(&c, 12345, -7));
}

/* No releases since: spaced by the last call's time alone. */
static void test_spaced_by_last_call(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;
	uint64_t at = 5000 * MS;

	(void)state;
	probe_mallinfo_called(&c, at, 100, 1 * MS, 10);
	assert_int_equal(probe_mallinfo_expected(&c, 100), 1 * MS);
	assert_false(probe_mallinfo_due(&c, at, 100));
	assert_false(probe_mallinfo_due(&c, at + 50 * MS - 1, 100));
	assert_true(probe_mallinfo_due(&c, at + 50 * MS, 100));
	/* More allocations than releases: the lists may have shrunk, never
	 * expected faster than the last call. */
	assert_int_equal(probe_mallinfo_expected(&c, -100000), 1 * MS);
	assert_false(probe_mallinfo_due(&c, at + 50 * MS - 1, -100000));
	/* A clock read before the call (another thread's stamp): not due. */
	assert_false(probe_mallinfo_due(&c, at - 1, 100));
}

/* A program freeing a million blocks after a cheap call: the next is
 * expected to walk them, at the default 100 ns each. */
static void test_releases_push_it_back(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;
	uint64_t at = 1000 * MS, want = 10 * US + 1000000ull * MALLINFO_CHUNK_NS;

	(void)state;
	probe_mallinfo_called(&c, at, 0, 10 * US, 3);
	assert_true(probe_mallinfo_due(&c, at + MS, 0));
	assert_int_equal(probe_mallinfo_expected(&c, 1000000), want);
	assert_int_equal(want, 100010 * US);
	assert_false(probe_mallinfo_due(&c, at + MS, 1000000));
	assert_false(probe_mallinfo_due(&c, at + want * MALLINFO_SPACING - 1, 1000000));
	assert_true(probe_mallinfo_due(&c, at + want * MALLINFO_SPACING, 1000000));
	/* Allocations since that reuse the chunks bring it forward again:
	 * 400 left, 50 us expected, due 2.5 ms after; 1000 left, 5.5 ms. */
	assert_true(probe_mallinfo_due(&c, at + 3 * MS, 400));
	assert_false(probe_mallinfo_due(&c, at + 3 * MS, 1000));
	assert_true(probe_mallinfo_due(&c, at + 5500 * US, 1000));
}

/* The walk is measured on calls of MALLINFO_CALIBRATE chunks or more. */
static void test_walk_measured(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;

	(void)state;
	probe_mallinfo_called(&c, 0, 0, 3 * MS, MALLINFO_CALIBRATE - 1);
	assert_int_equal(c.chunk_ns, MALLINFO_CHUNK_NS);
	probe_mallinfo_called(&c, 0, 0, 8 * MS, 400000);
	assert_int_equal(c.chunk_ns, 20);
	assert_int_equal(probe_mallinfo_expected(&c, 50000), 8 * MS + 50000 * 20);
	/* A small call later keeps the measure and sets the base time. */
	probe_mallinfo_called(&c, 10 * MS, 50000, 2 * US, 5);
	assert_int_equal(c.chunk_ns, 20);
	assert_int_equal(probe_mallinfo_expected(&c, 50000), 2 * US);
	assert_int_equal(probe_mallinfo_expected(&c, 50100), 2 * US + 100 * 20);
	/* Fast enough to round to zero: then only the last call counts. */
	probe_mallinfo_called(&c, 20 * MS, 0, 4000, 8192);
	assert_int_equal(c.chunk_ns, 0);
	assert_int_equal(probe_mallinfo_expected(&c, 1000000), 4000);
}

/* Counts far beyond any heap: bounded, and never due early by a wrap. */
static void test_huge_counts(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;
	uint64_t cap = (uint64_t)MALLINFO_GROWN_MAX * MALLINFO_CHUNK_NS;

	(void)state;
	probe_mallinfo_called(&c, 1, INT64_MIN / 2, 0, 0);
	assert_int_equal(probe_mallinfo_expected(&c, INT64_MAX / 2), cap);
	assert_false(probe_mallinfo_due(&c, 1 + cap * MALLINFO_SPACING - 1, INT64_MAX / 2));
	assert_true(probe_mallinfo_due(&c, 1 + cap * MALLINFO_SPACING, INT64_MAX / 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_call_due),
		cmocka_unit_test(test_spaced_by_last_call),
		cmocka_unit_test(test_releases_push_it_back),
		cmocka_unit_test(test_walk_measured),
		cmocka_unit_test(test_huge_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
