/* Unit tests of the probe's stack table (probes/stacktab.c): ids are
 * stable and distinct, concurrent inserts agree on one id per stack and
 * define each stack exactly once, a new generation (fork child) defines
 * every stack once more under the same id; and stack capture gives one id
 * per call site. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "probe.h"
#include "stacktab.h"

#define NHASH 200000 /* more than the first table: forces growth */

static uint64_t hash_of(uint64_t i)
{
	uint64_t f[2] = { i, ~i };

	return probe_stack_hash(f, 2);
}

static int reset(void **state)
{
	(void)state;
	probe_stacktab_reset();
	return 0;
}

static void test_same_stack_same_id(void **state)
{
	int define;
	uint64_t a = probe_stacktab_intern(hash_of(1), &define);

	(void)state;
	assert_int_equal(define, 1);
	assert_int_not_equal(a, 0);
	assert_int_equal(probe_stacktab_intern(hash_of(1), &define), a);
	assert_int_equal(define, 0);
	assert_int_equal(probe_stacktab_count(), 1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_distinct_stacks_distinct_ids(void **state)
{
	uint64_t *ids = malloc(NHASH * sizeof(*ids));
	int define;

	(void)state;
	for (uint64_t i = 0; i < NHASH; i++) {
		ids[i] = probe_stacktab_intern(hash_of(i), &define);
		assert_int_equal(define, 1);
	}
	for (uint64_t i = 0; i < NHASH; i++)
		assert_int_equal(probe_stacktab_intern(hash_of(i), &define), ids[i]);
	qsort(ids, NHASH, sizeof(*ids), cmp_u64);
	for (uint64_t i = 1; i < NHASH; i++)
		assert_true(ids[i] != ids[i - 1]);
	assert_int_equal(probe_stacktab_count(), NHASH);
	free(ids);
}

#define THREADS 4
#define SHARED 50000

static uint64_t shared_ids[THREADS][SHARED];
static uint32_t defines[SHARED];

static void *inserter(void *arg)
{
	uintptr_t t = (uintptr_t)arg;

	for (uint64_t k = 0; k < SHARED; k++) {
		/* each thread walks the set in its own order */
		uint64_t i = t & 1 ? SHARED - 1 - k : (k * 7919 + t) % SHARED;
		int define;

		shared_ids[t][i] = probe_stacktab_intern(hash_of(i), &define);
		if (define)
			__atomic_add_fetch(&defines[i], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void run_inserters(void)
{
	pthread_t th[THREADS];

	for (uintptr_t t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, inserter, (void *)t), 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
}

static void test_concurrent_inserts(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < SHARED; i++)
		defines[i] = 0;
	run_inserters();
	for (uint64_t i = 0; i < SHARED; i++) {
		assert_int_equal(defines[i], 1);
		for (int t = 1; t < THREADS; t++)
			assert_int_equal(shared_ids[t][i], shared_ids[0][i]);
	}
	assert_int_equal(probe_stacktab_count(), SHARED);
}

static void test_generation_redefines_once(void **state)
{
	uint64_t first[SHARED];

	(void)state;
	for (uint64_t i = 0; i < SHARED; i++)
		defines[i] = 0;
	run_inserters();
	for (uint64_t i = 0; i < SHARED; i++) {
		first[i] = shared_ids[0][i];
		defines[i] = 0;
	}
	probe_stacktab_new_generation();
	run_inserters();
	for (uint64_t i = 0; i < SHARED; i++) {
		assert_int_equal(defines[i], 1);
		assert_int_equal(shared_ids[0][i], first[i]);
	}
}

static uint64_t __attribute__((noinline)) capture_here(void)
{
	uint64_t id = probe_stack_capture();

	__asm__ volatile("" ::: "memory"); /* keep this frame */
	return id;
}

static uint64_t __attribute__((noinline)) capture_elsewhere(void)
{
	uint64_t id = capture_here();

	__asm__ volatile("" ::: "memory");
	return id;
}

/* One call site of capture_here. */
static uint64_t __attribute__((noinline)) site(void)
{
	uint64_t id = capture_here();

	__asm__ volatile("" ::: "memory");
	return id;
}

static void test_capture_same_site_same_id(void **state)
{
	uint64_t a[2], b;

	(void)state;
	probe_cfg.depth = 8;
	/* one call site, a loop the compiler cannot peel */
	for (volatile int i = 0; i < 2; i++)
		a[i] = site();
	b = capture_elsewhere();
	assert_int_not_equal(a[0], 0);
	assert_int_equal(a[0], a[1]);
	assert_int_not_equal(a[0], b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_same_stack_same_id, reset),
		cmocka_unit_test_setup(test_distinct_stacks_distinct_ids, reset),
		cmocka_unit_test_setup(test_concurrent_inserts, reset),
		cmocka_unit_test_setup(test_generation_redefines_once, reset),
		cmocka_unit_test_setup(test_capture_same_site_same_id, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
