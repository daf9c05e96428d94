/* Cache hit rates from counter names (lib/model_metrics.c): which names
 * are cache counters and of which cache, sums per cache and over all,
 * zero and negative totals, counters that would overflow; and the rated
 * cache_hit_rate_pct computed from them (lib/metrics.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "analysis.h"
#include "metrics.h"
#include "model_metrics.h"
#include "trace_codec.h"
#include "trace_format.h"

struct name_case {
	const char *name;
	size_t len;          /* 0: strlen(name) */
	int ok, hit;
	const char *cache;   /* when ok */
};

static const struct name_case names[] = {
	{ "cache.hit", 0, 1, 1, "" },
	{ "cache.miss", 0, 1, 0, "" },
	{ "cache.docs.hit", 0, 1, 1, "docs" },
	{ "cache.docs.miss", 0, 1, 0, "docs" },
	{ "cache.a.hit", 0, 1, 1, "a" },
	{ "cache.models.v2.miss", 0, 1, 0, "models.v2" },
	{ "cache.miss.hit", 0, 1, 1, "miss" },      /* a cache called "miss" */
	{ "cache.hit.miss", 0, 1, 0, "hit" },
	/* malformed: ignored, never counted */
	{ "", 0, 0, 0, NULL },
	{ "cache", 0, 0, 0, NULL },
	{ "cache.", 0, 0, 0, NULL },
	{ "cache.hi", 0, 0, 0, NULL },
	{ "cache.hits", 0, 0, 0, NULL },
	{ "cache.misses", 0, 0, 0, NULL },
	{ "cache.Hit", 0, 0, 0, NULL },
	{ "Cache.hit", 0, 0, 0, NULL },
	{ "cachehit", 0, 0, 0, NULL },
	{ "cache_hit", 0, 0, 0, NULL },
	{ "cache.xhit", 0, 0, 0, NULL },
	{ "cache.xmiss", 0, 0, 0, NULL },
	{ "cache..hit", 0, 0, 0, NULL },            /* empty name */
	{ "cache...miss", 0, 0, 0, NULL },
	{ "cache..docs.hit", 0, 0, 0, NULL },       /* leading dot */
	{ "cache.docs..hit", 0, 0, 0, NULL },       /* trailing dot */
	{ "cache.a..b.hit", 0, 0, 0, NULL },        /* doubled dot */
	{ "cache.hit.", 0, 0, 0, NULL },
	{ "xcache.hit", 0, 0, 0, NULL },
	{ "cache.do\0cs.hit", 15, 0, 0, NULL },     /* a NUL inside */
	{ "cache.hit\0", 10, 0, 0, NULL },
	{ "requests.hit", 0, 0, 0, NULL },
};

static void test_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct name_case *c = &names[i];
		size_t l = c->len ? c->len : strlen(c->name), at = 99, len = 99;
		int hit = -1;
		print_message("'%s'\n", c->name);
		assert_int_equal(ma_cache_counter_name((const uint8_t *)c->name, l, &at, &len, &hit),
				 c->ok);
		if (!c->ok)
			continue;
		assert_int_equal(hit, c->hit);
		assert_int_equal(len, strlen(c->cache));
		assert_memory_equal(c->name + at, c->cache, len);
	}
}

/* A cache name as long as one likes: no buffer cuts it. */
static void test_long_name(void **state)
{
	char name[1200];
	size_t at, len;
	int hit;

	(void)state;
	memcpy(name, "cache.", 6);
	memset(name + 6, 'n', 1000);
	memcpy(name + 1006, ".miss", 5);
	assert_int_equal(ma_cache_counter_name((const uint8_t *)name, 1011, &at, &len, &hit), 1);
	assert_int_equal(at, 6);
	assert_int_equal(len, 1000);
	assert_int_equal(hit, 0);
}

static void counter(struct ma_models *m, const char *name, int64_t value)
{
	struct ma_record rec;
	struct ma_event ev = { 0 };

	memset(&rec, 0, sizeof(rec));
	rec.tag = MA_REC_MARKER;
	rec.u.marker.kind = MA_MARK_COUNTER;
	rec.u.marker.name.ptr = (const uint8_t *)name;
	rec.u.marker.name.len = (uint32_t)strlen(name);
	rec.u.marker.value = value;
	ev.kind = MA_EV_MARKER;
	ev.rec = &rec;
	assert_int_equal(ma_models_event(m, &ev), 0);
}

static const struct ma_cache_counts *cache(const struct ma_models *m, const char *name)
{
	for (size_t i = 0; i < m->ncaches; i++)
		if (!strcmp(m->caches[i].name, name))
			return &m->caches[i];
	return NULL;
}

/* The rated metric of these counters. */
static struct ma_metric rate(const struct ma_models *m)
{
	struct ma_metric out[MA_METRIC_COUNT];
	struct ma_ratings r;
	struct ma_process p;

	memset(&p, 0, sizeof(p));
	ma_ratings_init(&r);
	ma_metrics_compute(out, &r, &p, NULL, m);
	return out[MA_METRIC_CACHE_HIT_RATE_PCT];
}

/* Per cache and over all caches, in order of first count; deltas may be
 * negative; other counters and malformed names change nothing. */
static void test_sums(void **state)
{
	struct ma_models m;
	int64_t hits, misses;
	int overflow;

	(void)state;
	ma_models_init(&m);
	assert_int_equal(ma_models_cache_total(&m, &hits, &misses, &overflow), 0);
	assert_false(rate(&m).measured);
	assert_non_null(strstr(rate(&m).reason, "no cache lookups annotated"));

	counter(&m, "requests.served", 5);
	counter(&m, "cache.hits", 5);
	counter(&m, "cache..hit", 5);
	assert_int_equal(m.ncaches, 0);
	for (int i = 0; i < 9; i++)
		counter(&m, "cache.hit", 1);
	counter(&m, "cache.miss", 1);
	counter(&m, "cache.docs.hit", 30);
	counter(&m, "cache.docs.miss", 12);
	counter(&m, "cache.docs.miss", -2);      /* a correction */
	assert_int_equal(m.ncaches, 2);
	assert_string_equal(m.caches[0].name, "");
	assert_string_equal(m.caches[1].name, "docs");
	assert_int_equal(cache(&m, "")->hits, 9);
	assert_int_equal(cache(&m, "")->misses, 1);
	assert_int_equal(cache(&m, "docs")->hits, 30);
	assert_int_equal(cache(&m, "docs")->misses, 10);
	assert_int_equal(ma_models_cache_total(&m, &hits, &misses, &overflow), 1);
	assert_int_equal(hits, 39);
	assert_int_equal(misses, 11);
	assert_int_equal(overflow, 0);
	struct ma_metric r = rate(&m);
	assert_true(r.measured);
	assert_true(r.value == 100.0 * 39 / 50);   /* 78 %: warning */
	assert_int_equal(r.band, MA_BAND_WARNING);
	ma_models_release(&m);
}

/* Counters that sum to no lookup (zero, or negative) are no rate. */
static void test_zero_totals(void **state)
{
	struct ma_models m;
	int64_t hits, misses;
	int overflow;

	(void)state;
	ma_models_init(&m);
	counter(&m, "cache.hit", 0);
	assert_int_equal(ma_models_cache_total(&m, &hits, &misses, &overflow), 1);
	assert_int_equal(hits + misses, 0);
	struct ma_metric r = rate(&m);
	assert_false(r.measured);
	assert_int_equal(r.band, MA_BAND_NONE);
	assert_string_equal(r.reason, "cache counters sum to no lookups (hits 0, misses 0)");

	counter(&m, "cache.hit", 3);
	counter(&m, "cache.hit", -3);
	counter(&m, "cache.miss", -1);
	r = rate(&m);
	assert_false(r.measured);
	assert_string_equal(r.reason, "cache counters sum to no lookups (hits 0, misses -1)");

	/* Only misses: a measured 0 %, critical. */
	counter(&m, "cache.miss", 5);
	r = rate(&m);
	assert_true(r.measured);
	assert_true(r.value == 0.0);
	assert_int_equal(r.band, MA_BAND_CRITICAL);
	ma_models_release(&m);
}

/* A counter stops at +-2^62 and says so; the rate is then not rated.
 * Hits plus misses of one cache can always be added (json, text). */
static void test_overflow(void **state)
{
	struct ma_models m;
	int64_t hits, misses;
	int overflow;

	(void)state;
	ma_models_init(&m);
	counter(&m, "cache.a.hit", MA_COUNTER_LIMIT);     /* at the limit: exact */
	counter(&m, "cache.a.miss", 1);
	assert_int_equal(cache(&m, "a")->overflow, 0);
	assert_int_equal(ma_models_cache_total(&m, &hits, &misses, &overflow), 1);
	assert_int_equal(overflow, 0);
	assert_true(rate(&m).measured);

	/* Two caches, each exact, whose sum passes the limit. */
	counter(&m, "cache.b.hit", 1);
	assert_int_equal(ma_models_cache_total(&m, &hits, &misses, &overflow), 1);
	assert_int_equal(overflow, 1);
	assert_int_equal(hits, MA_COUNTER_LIMIT);
	struct ma_metric r = rate(&m);
	assert_false(r.measured);
	assert_non_null(strstr(r.reason, "2^62"));

	/* One counter past it, both ways, by INT64 extremes. */
	counter(&m, "cache.c.hit", INT64_MAX);
	counter(&m, "cache.c.hit", INT64_MAX);
	counter(&m, "cache.c.miss", INT64_MIN);
	counter(&m, "cache.c.miss", INT64_MIN);
	assert_int_equal(cache(&m, "c")->hits, MA_COUNTER_LIMIT);
	assert_int_equal(cache(&m, "c")->misses, -MA_COUNTER_LIMIT);
	assert_int_equal(cache(&m, "c")->overflow, 1);
	assert_int_equal(cache(&m, "c")->hits + cache(&m, "c")->misses, 0);
	/* Coming back from the limit keeps the mark. */
	counter(&m, "cache.c.hit", -5);
	assert_int_equal(cache(&m, "c")->hits, MA_COUNTER_LIMIT - 5);
	assert_int_equal(cache(&m, "c")->overflow, 1);
	ma_models_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_zero_totals),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
