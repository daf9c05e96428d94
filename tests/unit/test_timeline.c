/* Unit tests of the timeline: events land in the bucket of their time,
 * whatever order the times come in and however often the width doubles,
 * exactly as a timeline that divides for every event places them (the
 * last event's bucket is a cache); and its points carry levels across
 * gaps. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis.h"
#include "timeline.h"

/* The reference: the same timeline made to divide for every event, by
 * saying its last bucket starts after the event (the cache then misses). */
static void ref_add(struct ma_timeline *r, uint64_t t, uint64_t heap, uint64_t mmap, uint64_t rss)
{
	r->cur_lo = t + 1;
	ma_timeline_add(r, t, heap, mmap, rss);
}

static void same(const struct ma_timeline *tl, const struct ma_timeline *r, size_t step)
{
	if (tl->width != r->width || tl->last != r->last || tl->heap != r->heap)
		fail_msg("step %zu: width %llu last %zu, reference %llu %zu", step,
			 (unsigned long long)tl->width, tl->last, (unsigned long long)r->width,
			 r->last);
	for (size_t i = 0; i < r->n; i++)
		if (memcmp(&tl->b[i], &r->b[i], sizeof(r->b[i])))
			fail_msg("step %zu: bucket %zu differs", step, i);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Times mostly a little after the last, some before it (phase 2 of a
 * realloc, a producer behind another), some far after it (the width
 * doubles), from a guess of the span that is too small. */
static void run(uint64_t seed, size_t points, uint64_t guess, unsigned jump)
{
	struct ma_timeline tl, r;
	uint64_t t = 0, s = seed, width0;

	assert_int_equal(ma_timeline_init(&tl, points, guess), 0);
	assert_int_equal(ma_timeline_init(&r, points, guess), 0);
	width0 = tl.width;
	for (size_t step = 0; step < 200000; step++) {
		uint64_t k = rnd(&s), heap = k % 100000, rss = k % 7 == 0 ? k % 5000 + 1 : 0;
		switch (k >> 60) {
		case 0:
			t = t > 5000 ? t - k % 5000 : 0;    /* back a little */
			break;
		case 1:
			if (k % jump == 0)
				t += k % (64 * tl.width + 1);  /* far on */
			break;
		default:
			t += k % 97;
			break;
		}
		ma_timeline_add(&tl, t, heap, heap / 2, rss);
		ref_add(&r, t, heap, heap / 2, rss);
		if (step % 997 == 0 || step < 64)
			same(&tl, &r, step);
	}
	same(&tl, &r, 200000);
	assert_true(tl.width > width0);   /* it doubled */
	ma_timeline_release(&tl);
	ma_timeline_release(&r);
}

static void test_same_buckets(void **state)
{
	(void)state;
	run(1, 64, 1000, 50);
	run(0x9e3779b97f4a7c15ull, 10, 0, 20);
	run(42, 1, 5, 7);
	run(7, 33, 1u << 30, 1000);
}

/* A gap carries the level of the last event before it in replay order;
 * a bucket first used takes in the level before its first event. */
static void test_points(void **state)
{
	struct ma_timeline tl;
	struct ma_timeline_point p[4];

	(void)state;
	assert_int_equal(ma_timeline_init(&tl, 4, 400), 0);
	assert_int_equal(tl.width, 101);
	ma_timeline_add(&tl, 0, 10, 1, 0);
	ma_timeline_add(&tl, 50, 30, 1, 0);
	ma_timeline_add(&tl, 60, 20, 1, 0);
	ma_timeline_add(&tl, 350, 5, 2, 700);
	ma_timeline_add(&tl, 40, 25, 3, 0);   /* back into bucket 0 */
	assert_int_equal(ma_timeline_points(&tl, 400, p), 4);
	assert_int_equal(p[0].heap_bytes, 30);
	assert_int_equal(p[1].heap_bytes, 25); /* bucket 0's last event */
	assert_int_equal(p[2].heap_bytes, 25);
	assert_int_equal(p[3].heap_bytes, 20); /* the level before 350's event */
	assert_int_equal(p[3].rss_bytes, 700);
	assert_int_equal(p[0].ts, 101);
	assert_int_equal(p[3].ts, 400);
	/* past the end: the width doubles twice, neighbours merge */
	ma_timeline_add(&tl, 1000, 1, 0, 0);
	assert_int_equal(tl.width, 404);
	assert_int_equal(ma_timeline_points(&tl, 1000, p), 3);
	assert_int_equal(p[0].heap_bytes, 30);
	assert_int_equal(p[1].heap_bytes, 5);
	assert_int_equal(p[2].heap_bytes, 25);
	ma_timeline_release(&tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_buckets),
		cmocka_unit_test(test_points),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
