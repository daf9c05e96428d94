/* Unit tests of the buffer that keeps the events of signal handlers that
 * interrupted the probe (probes/signals.c): events come out in order and
 * each once, also when handlers interrupt an append or the move into the
 * ring (real signals, every few microseconds); an overflow and words
 * claimed but never filled are counted as lost, never loop or tear a
 * record.  signals.c is compiled into this test with its sink,
 * probe_record_raw, replaced by one that keeps the records. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define probe_record_raw test_record_raw
#include "signals.c"
#undef probe_record_raw

#define KEPT_MAX 400000

static uint64_t kept[KEPT_MAX][3]; /* addr, size, fn of each record */
static size_t nkept;

void test_record_raw(const uint64_t *w, uint32_t n)
{
	/* Only the allocation and free records of probe_nested_*: an ALLOC
	 * is hdr ts addr size stack fn; a FREE hdr ts addr fn. */
	assert_true(nkept < KEPT_MAX);
	if (n == 6) {
		kept[nkept][0] = w[2];
		kept[nkept][1] = w[3];
		kept[nkept][2] = w[5];
	} else {
		assert_int_equal(n, 4);
		kept[nkept][0] = w[2];
		kept[nkept][1] = 0;
		kept[nkept][2] = w[3];
	}
	nkept++;
}

static int setup(void **state)
{
	(void)state;
	nkept = 0;
	probe_tls.guard = PROBE_GUARD_NONE;
	probe_tls.lost = 0;
	ma_atomic_store_relaxed(&probe_lost_reentrant, 0);
	ma_atomic_store_relaxed(&probe_nested_waiting, 0);
	return 0;
}

/* What a hook does when the wrapper ran a handler inside the probe. */
static void as_handler(uint64_t addr, uint64_t size)
{
	int g = probe_tls.guard;

	probe_tls.guard = PROBE_GUARD_HANDLER;
	if (size)
		probe_nested_alloc((void *)(uintptr_t)addr, size, 0, MA_FN_MALLOC);
	else
		probe_nested_free((void *)(uintptr_t)addr, MA_FN_FREE);
	probe_tls.guard = g;
}

static void test_in_order(void **state)
{
	(void)state;
	for (uint64_t i = 1; i <= 100; i++)
		as_handler(i, i % 2 ? 10 + i : 0);
	assert_int_equal(probe_nested_waiting, 100);
	probe_tls.guard = PROBE_GUARD_RECORD; /* not moved inside the probe */
	probe_nested_flush();
	assert_int_equal(nkept, 0);
	probe_tls.guard = PROBE_GUARD_NONE;
	probe_nested_flush_if_any();
	assert_int_equal(nkept, 100);
	for (uint64_t i = 1; i <= 100; i++) {
		assert_int_equal(kept[i - 1][0], i);
		assert_int_equal(kept[i - 1][1], i % 2 ? 10 + i : 0);
		assert_int_equal(kept[i - 1][2], i % 2 ? MA_FN_MALLOC : MA_FN_FREE);
	}
	assert_int_equal(probe_nested_len, 0);
	assert_int_equal(probe_nested_waiting, 0);
	assert_int_equal(probe_lost_reentrant, 0);
}

static void test_overflow_counted(void **state)
{
	uint64_t n = NESTED_WORDS / 6 + 50;

	(void)state;
	for (uint64_t i = 1; i <= n; i++)
		as_handler(i, 7);
	assert_int_equal(probe_lost_reentrant, n - NESTED_WORDS / 6);
	assert_int_equal(probe_tls.lost, n - NESTED_WORDS / 6);
	probe_nested_flush();
	assert_int_equal(nkept, NESTED_WORDS / 6);
	assert_int_equal(probe_nested_waiting, 0);
}

/* A handler that left by siglongjmp between claiming words and filling
 * them: the move stops there and counts it, it does not loop. */
static void test_claimed_never_filled(void **state)
{
	(void)state;
	as_handler(1, 5);
	memset(buffer() + probe_nested_len, 0, 6 * sizeof(uint64_t));
	probe_nested_len += 6;
	probe_nested_flush();
	assert_int_equal(nkept, 1);
	assert_int_equal(probe_lost_reentrant, 1);
	assert_int_equal(probe_nested_len, 0);
	/* and the buffer works on */
	as_handler(2, 5);
	probe_nested_flush();
	assert_int_equal(nkept, 2);
	assert_int_equal(kept[1][0], 2);
}

/* ---- handlers interrupting appends and the move ---- */

static volatile int stop;
static pthread_t target;
static uint64_t runs;

/* Each handler run appends two records: addr = 1<<40 | run, sizes that
 * tie them to the run; a nested run (SIGUSR2 inside SIGUSR1) the same. */
static void on_signal(int sig)
{
	uint64_t run = __atomic_add_fetch(&runs, 1, __ATOMIC_RELAXED);

	(void)sig;
	as_handler((1ull << 40) | run, 3 * run + 1);
	as_handler((1ull << 40) | run, 0);
}

static void *sender(void *arg)
{
	struct timespec ts = { 0, 2000 };
	unsigned i = 0;

	(void)arg;
	while (!stop) {
		pthread_kill(target, i++ % 2 ? SIGUSR1 : SIGUSR2);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void test_handlers_interrupting(void **state)
{
	struct sigaction sa;
	pthread_t t;
	uint64_t main_next = 1, want_main = 1;
	uint64_t *seen_run;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask); /* SIGUSR2 may land inside SIGUSR1's run */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	runs = 0;
	stop = 0;
	target = pthread_self();
	assert_int_equal(pthread_create(&t, NULL, sender, NULL), 0);
	/* Bursts of appends (as a handler inside the probe would), then the
	 * move (as the thread's next hook would), for a second at most. */
	for (time_t end = time(NULL) + 1; time(NULL) < end && main_next < KEPT_MAX / 2;) {
		for (int k = 0; k < 20; k++, main_next++) {
			as_handler(main_next, 2);
			for (volatile int spin = 0; spin < 300; spin++)
				;
		}
		probe_nested_flush();
	}
	stop = 1;
	pthread_join(t, NULL);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	probe_nested_flush();
	assert_int_equal(probe_lost_reentrant, 0);
	assert_int_equal(probe_nested_waiting, 0);
	assert_true(runs > 0);
	seen_run = calloc(runs + 1, sizeof(*seen_run));
	assert_non_null(seen_run);
	for (size_t i = 0; i < nkept; i++) {
		uint64_t addr = kept[i][0], size = kept[i][1];

		if (addr >> 40) {
			uint64_t run = addr & ((1ull << 40) - 1);

			assert_true(run >= 1 && run <= runs);
			/* the run's alloc, then its free, each once */
			if (size) {
				assert_int_equal(size, 3 * run + 1);
				assert_int_equal(seen_run[run], 0);
				seen_run[run] = 1;
			} else {
				assert_int_equal(seen_run[run], 1);
				seen_run[run] = 2;
			}
		} else {
			assert_int_equal(addr, want_main); /* in order, each once */
			assert_int_equal(size, 2);
			want_main++;
		}
	}
	assert_int_equal(want_main, main_next);
	for (uint64_t r = 1; r <= runs; r++)
		assert_int_equal(seen_run[r], 2);
	assert_int_equal(nkept, (main_next - 1) + 2 * runs);
	print_message("%lu appends, %lu handler runs\n", (unsigned long)main_next - 1,
		      (unsigned long)runs);
	free(seen_run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_in_order, setup),
		cmocka_unit_test_setup(test_overflow_counted, setup),
		cmocka_unit_test_setup(test_claimed_never_filled, setup),
		cmocka_unit_test_setup(test_handlers_interrupting, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
