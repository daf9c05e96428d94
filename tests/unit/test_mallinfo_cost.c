/* Unit tests of probes/mallinfo_cost.h: when the probe's writer may call
 * mallinfo2.  The first call is always due; after that a call is due
 * MALLINFO_SPACING times its expected CPU time after the last one, and
 * at least once a second; that time is the last call's, plus, once a
 * call has walked MALLINFO_CALIBRATE chunks, a chunk's walk for each
 * release beyond allocations since that is expected to stay a chunk (the
 * share seen between two calls); huge counts neither overflow nor make a
 * call due early. */
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

/* perl freeing its hash at exit: the call as it starts sees 20 000 more
 * free chunks for 20 000 releases (all stay chunks: the fast bins) and
 * takes 4 ms over them; half a million releases later the next call is
 * expected to take 104 ms, so it waits the full second, past perl's
 * exit, where the last call's time alone would have spaced it by 200 ms. */
static void test_releases_push_it_back(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;
	uint64_t at = 1000 * MS;

	(void)state;
	probe_mallinfo_called(&c, at - 11 * MS, 0, 50 * US, 100);
	assert_int_equal(c.share, 0);
	probe_mallinfo_called(&c, at, 20000, 4 * MS, 20100);
	assert_int_equal(c.share, 1024);
	assert_int_equal(c.chunk_ns, 199);
	assert_true(probe_mallinfo_due(&c, at + 200 * MS, 20000));
	assert_int_equal(probe_mallinfo_expected(&c, 520000), 4 * MS + 500000ull * 199);
	assert_false(probe_mallinfo_due(&c, at + 200 * MS, 520000));
	assert_false(probe_mallinfo_due(&c, at + 1000 * MS - 1, 520000));
	assert_true(probe_mallinfo_due(&c, at + 1000 * MS, 520000));
	/* Fewer releases push it back less: 1000 more, 4.2 ms, 210 ms. */
	assert_int_equal(probe_mallinfo_expected(&c, 21000), 4 * MS + 1000 * 199);
	assert_false(probe_mallinfo_due(&c, at + 209950 * US - 1, 21000));
	assert_true(probe_mallinfo_due(&c, at + 209950 * US, 21000));
}

/* A small heap (the demo's before its holes): no guess from releases,
 * whatever they are, until a call has walked MALLINFO_CALIBRATE chunks. */
static void test_small_heap_no_guess(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;

	(void)state;
	probe_mallinfo_called(&c, 0, 0, 10 * US, 3);
	assert_int_equal(probe_mallinfo_expected(&c, 1000000), 10 * US);
	assert_true(probe_mallinfo_due(&c, 500 * US, 1000000));
	probe_mallinfo_called(&c, 10 * MS, 100000, 20 * US, 4000);
	assert_int_equal(probe_mallinfo_expected(&c, 1100000), 20 * US);
	assert_true(probe_mallinfo_due(&c, 11 * MS, 1100000));
}

/* Releases that coalesce: 100 000 of them and 50 more free chunks on a
 * heap already full of them: hardly any counted.  A quarter staying
 * chunks: a quarter counted.  Too few releases between two calls leave
 * the share as it was; more chunks than releases count them all. */
static void test_share(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;

	(void)state;
	probe_mallinfo_called(&c, 0, 0, 1 * MS, 10000);
	probe_mallinfo_called(&c, 10 * MS, 100000, 1 * MS, 10050);
	assert_int_equal(c.share, 0);
	assert_int_equal(probe_mallinfo_expected(&c, 1100000), 1 * MS);
	probe_mallinfo_called(&c, 20 * MS, 110000, 1 * MS, 12550);
	assert_int_equal(c.share, 256);
	assert_int_equal(c.chunk_ns, 79);
	assert_int_equal(probe_mallinfo_expected(&c, 150000), 1 * MS + 10000 * 79);
	probe_mallinfo_called(&c, 30 * MS, 110500, 1 * MS, 20000);
	assert_int_equal(c.share, 256);
	probe_mallinfo_called(&c, 40 * MS, 112000, 1 * MS, 30000);
	assert_int_equal(c.share, 1024);
}

/* The walk is measured on calls of MALLINFO_CALIBRATE chunks or more. */
static void test_walk_measured(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;

	(void)state;
	probe_mallinfo_called(&c, 0, 0, 3 * MS, MALLINFO_CALIBRATE - 1);
	assert_int_equal(c.chunk_ns, 0);
	/* 400 000 more chunks over 404 095 in 8.0819 ms: 20 ns each */
	probe_mallinfo_called(&c, 0, 400000, 8081900, MALLINFO_CALIBRATE - 1 + 400000);
	assert_int_equal(c.chunk_ns, 20);
	assert_int_equal(c.share, 1024);
	assert_int_equal(probe_mallinfo_expected(&c, 450000), 8081900 + 50000 * 20);
	/* A small call later: no guess (too few chunks), the base time its. */
	probe_mallinfo_called(&c, 10 * MS, 450000, 2 * US, 5);
	assert_int_equal(probe_mallinfo_expected(&c, 460000), 2 * US);
	/* Fast enough to round to zero: then only the last call counts. */
	probe_mallinfo_called(&c, 20 * MS, 0, 4000, 8192);
	assert_int_equal(c.chunk_ns, 0);
	assert_int_equal(probe_mallinfo_expected(&c, 1000000), 4000);
}

/* Counts and times far beyond any heap: bounded by the second, never due
 * early by a wrap; a call that took nothing is due at every sample. */
static void test_huge_counts(void **state)
{
	struct mallinfo_cost c = MALLINFO_COST_INIT;

	(void)state;
	probe_mallinfo_called(&c, 0, INT64_MIN / 2, 0, 0);
	probe_mallinfo_called(&c, 1, INT64_MIN / 2 + 8192, 1000000 * MS, 8192);
	assert_int_equal(c.share, 1024);
	assert_true(probe_mallinfo_expected(&c, INT64_MAX / 2) >
		    (uint64_t)MALLINFO_GROWN_MAX * c.chunk_ns);
	assert_false(probe_mallinfo_due(&c, 1000 * MS, INT64_MAX / 2));
	assert_true(probe_mallinfo_due(&c, 1001 * MS, INT64_MAX / 2));
	probe_mallinfo_called(&c, 5, 0, 0, 0);
	assert_true(probe_mallinfo_due(&c, 5, INT64_MAX / 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_call_due),
		cmocka_unit_test(test_spaced_by_last_call),
		cmocka_unit_test(test_releases_push_it_back),
		cmocka_unit_test(test_small_heap_no_guess),
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_walk_measured),
		cmocka_unit_test(test_huge_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
