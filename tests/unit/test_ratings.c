/* Ratings: every band boundary of every metric with the defaults, limits
 * from the config file and the command line, order checks, unmeasured
 * metrics. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config_file.h"
#include "ratings.h"

/* Values just inside each band and on each limit, for the defaults. */
struct boundary {
	enum ma_metric_id id;
	double value;
	enum ma_band band;
};

static const struct boundary boundaries[] = {
	{ MA_METRIC_MEMORY_USAGE_MB, 0, MA_BAND_TARGET },
	{ MA_METRIC_MEMORY_USAGE_MB, 499.9, MA_BAND_TARGET },
	{ MA_METRIC_MEMORY_USAGE_MB, 500, MA_BAND_GOOD },
	{ MA_METRIC_MEMORY_USAGE_MB, 999.9, MA_BAND_GOOD },
	{ MA_METRIC_MEMORY_USAGE_MB, 1000, MA_BAND_WARNING },
	{ MA_METRIC_MEMORY_USAGE_MB, 1999.9, MA_BAND_WARNING },
	{ MA_METRIC_MEMORY_USAGE_MB, 2000, MA_BAND_CRITICAL },
	{ MA_METRIC_MODEL_LOAD_TIME_MS, 999, MA_BAND_TARGET },
	{ MA_METRIC_MODEL_LOAD_TIME_MS, 1000, MA_BAND_GOOD },
	{ MA_METRIC_MODEL_LOAD_TIME_MS, 1999, MA_BAND_GOOD },
	{ MA_METRIC_MODEL_LOAD_TIME_MS, 2000, MA_BAND_WARNING },
	{ MA_METRIC_MODEL_LOAD_TIME_MS, 4999, MA_BAND_WARNING },
	{ MA_METRIC_MODEL_LOAD_TIME_MS, 5000, MA_BAND_CRITICAL },
	{ MA_METRIC_CACHE_HIT_RATE_PCT, 100, MA_BAND_TARGET },
	{ MA_METRIC_CACHE_HIT_RATE_PCT, 90.1, MA_BAND_TARGET },
	{ MA_METRIC_CACHE_HIT_RATE_PCT, 90, MA_BAND_GOOD },
	{ MA_METRIC_CACHE_HIT_RATE_PCT, 80.1, MA_BAND_GOOD },
	{ MA_METRIC_CACHE_HIT_RATE_PCT, 80, MA_BAND_WARNING },
	{ MA_METRIC_CACHE_HIT_RATE_PCT, 70.1, MA_BAND_WARNING },
	{ MA_METRIC_CACHE_HIT_RATE_PCT, 70, MA_BAND_CRITICAL },
	{ MA_METRIC_CACHE_HIT_RATE_PCT, 0, MA_BAND_CRITICAL },
	{ MA_METRIC_FRAGMENTATION_PCT, 9.9, MA_BAND_TARGET },
	{ MA_METRIC_FRAGMENTATION_PCT, 10, MA_BAND_GOOD },
	{ MA_METRIC_FRAGMENTATION_PCT, 20, MA_BAND_WARNING },
	{ MA_METRIC_FRAGMENTATION_PCT, 29.9, MA_BAND_WARNING },
	{ MA_METRIC_FRAGMENTATION_PCT, 30, MA_BAND_CRITICAL },
	{ MA_METRIC_LEAKED_BYTES, 0, MA_BAND_TARGET },
	{ MA_METRIC_LEAKED_BYTES, 1, MA_BAND_GOOD },
	{ MA_METRIC_LEAKED_BYTES, (1 << 20) - 1, MA_BAND_GOOD },
	{ MA_METRIC_LEAKED_BYTES, 1 << 20, MA_BAND_WARNING },
	{ MA_METRIC_LEAKED_BYTES, 16 << 20, MA_BAND_CRITICAL },
	{ MA_METRIC_PEAK_HEAP_MB, 499, MA_BAND_TARGET },
	{ MA_METRIC_PEAK_HEAP_MB, 500, MA_BAND_GOOD },
	{ MA_METRIC_PEAK_HEAP_MB, 1000, MA_BAND_WARNING },
	{ MA_METRIC_PEAK_HEAP_MB, 2000, MA_BAND_CRITICAL },
	{ MA_METRIC_ALLOC_RATE_PER_S, 9999, MA_BAND_TARGET },
	{ MA_METRIC_ALLOC_RATE_PER_S, 10000, MA_BAND_GOOD },
	{ MA_METRIC_ALLOC_RATE_PER_S, 100000, MA_BAND_WARNING },
	{ MA_METRIC_ALLOC_RATE_PER_S, 1000000, MA_BAND_CRITICAL },
	{ MA_METRIC_TEMPORARY_ALLOCS_PCT, 9, MA_BAND_TARGET },
	{ MA_METRIC_TEMPORARY_ALLOCS_PCT, 10, MA_BAND_GOOD },
	{ MA_METRIC_TEMPORARY_ALLOCS_PCT, 25, MA_BAND_WARNING },
	{ MA_METRIC_TEMPORARY_ALLOCS_PCT, 50, MA_BAND_CRITICAL },
	{ MA_METRIC_HEAP_GROWTH_PCT, 4.9, MA_BAND_TARGET },
	{ MA_METRIC_HEAP_GROWTH_PCT, 5, MA_BAND_GOOD },
	{ MA_METRIC_HEAP_GROWTH_PCT, 20, MA_BAND_WARNING },
	{ MA_METRIC_HEAP_GROWTH_PCT, 50, MA_BAND_CRITICAL },
};

static void test_default_boundaries(void **state)
{
	struct ma_ratings r;

	(void)state;
	ma_ratings_init(&r);
	for (size_t i = 0; i < sizeof(boundaries) / sizeof(boundaries[0]); i++) {
		const struct boundary *b = &boundaries[i];
		enum ma_band got = ma_ratings_band(&r, b->id, b->value);
		if (got != b->band)
			fail_msg("%s = %g: %s, want %s", ma_metric_def(b->id)->name, b->value,
				 ma_band_name(got), ma_band_name(b->band));
	}
}

static void test_every_metric_has_all_bands(void **state)
{
	struct ma_ratings r;
	char err[256];

	(void)state;
	ma_ratings_init(&r);
	assert_int_equal(ma_ratings_check(&r, err, sizeof(err)), 0);
	for (int id = 0; id < MA_METRIC_COUNT; id++) {
		const struct ma_metric_def *d = ma_metric_def(id);
		assert_int_equal(ma_metric_find(d->name), id);
		assert_non_null(d->how);
		int seen = 0;
		for (int l = 0; l < MA_LIMIT_COUNT; l++)
			seen |= 1 << ma_ratings_band(&r, id, r.limit[id][l]);
		seen |= 1 << ma_ratings_band(&r, id, d->higher_is_better ? 1e9 : 0);
		assert_int_equal(seen, 1 << MA_BAND_TARGET | 1 << MA_BAND_GOOD |
				 1 << MA_BAND_WARNING | 1 << MA_BAND_CRITICAL);
	}
	assert_int_equal(ma_metric_find("memory_mb"), -1);
}

static struct ma_config *config(const char *text)
{
	struct ma_config *cfg = ma_config_new();
	char err[256] = "";

	if (ma_config_parse(cfg, ".memory-analyzer.conf", text, err, sizeof(err)))
		fail_msg("config rejected: %s", err);
	return cfg;
}

static void test_config_overrides(void **state)
{
	struct ma_config *cfg = config("[ratings.memory_usage_mb]\n"
				       "target = 100\ngood = 200\nwarning = 300\n"
				       "[ratings.leaked_bytes]\ngood = 64KiB\n"
				       "[ratings.cache_hit_rate_pct]\nwarning = 50\n");
	struct ma_ratings r;
	char err[256] = "";

	(void)state;
	ma_ratings_init(&r);
	assert_int_equal(ma_ratings_band(&r, MA_METRIC_MEMORY_USAGE_MB, 250), MA_BAND_TARGET);
	assert_int_equal(ma_ratings_apply_config(&r, cfg, err, sizeof(err)), 0);
	assert_int_equal(ma_ratings_band(&r, MA_METRIC_MEMORY_USAGE_MB, 250), MA_BAND_WARNING);
	assert_int_equal(ma_ratings_band(&r, MA_METRIC_MEMORY_USAGE_MB, 300), MA_BAND_CRITICAL);
	assert_int_equal(ma_ratings_band(&r, MA_METRIC_LEAKED_BYTES, 65536), MA_BAND_WARNING);
	assert_int_equal(ma_ratings_band(&r, MA_METRIC_CACHE_HIT_RATE_PCT, 60), MA_BAND_WARNING);
	assert_string_equal(r.origin[MA_METRIC_MEMORY_USAGE_MB][MA_LIMIT_GOOD],
			    "'.memory-analyzer.conf' line 3");
	assert_string_equal(r.origin[MA_METRIC_FRAGMENTATION_PCT][MA_LIMIT_GOOD], "default");

	/* The command line comes after the file and wins. */
	assert_int_equal(ma_ratings_override(&r, "memory_usage_mb.warning=1000", err,
					     sizeof(err)), 0);
	assert_int_equal(ma_ratings_band(&r, MA_METRIC_MEMORY_USAGE_MB, 300), MA_BAND_WARNING);
	ma_config_free(cfg);
}

static void expect_config_error(const char *text, const char *want)
{
	struct ma_config *cfg = config(text);
	struct ma_ratings r;
	char err[256] = "";

	ma_ratings_init(&r);
	assert_int_equal(ma_ratings_apply_config(&r, cfg, err, sizeof(err)), -1);
	if (strcmp(err, want))
		fail_msg("got \"%s\", want \"%s\"", err, want);
	ma_config_free(cfg);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("[gate]\nfail_on = never\n[ratings.memory_mb]\ngood = 1\n",
			    "'.memory-analyzer.conf' line 4: unknown metric 'memory_mb'");
	expect_config_error("[ratings.memory_usage_mb]\nbest = 1\n",
			    "'.memory-analyzer.conf' line 2: unknown limit 'best' "
			    "(use target, good or warning)");
	expect_config_error("[ratings.memory_usage_mb]\ngood = 1GB\n",
			    "'.memory-analyzer.conf' line 2: memory_usage_mb limits are "
			    "numbers, not '1GB'");
	expect_config_error("[ratings.memory_usage_mb]\n\ngood = 400\n",
			    "'.memory-analyzer.conf' line 3: memory_usage_mb: good (400) "
			    "must be at least target (500)");
	expect_config_error("[ratings.cache_hit_rate_pct]\nwarning = 85\n",
			    "'.memory-analyzer.conf' line 2: cache_hit_rate_pct: warning (85) "
			    "must be at most good (80)");
	expect_config_error("[ratings.leaked_bytes]\ngood = lots\n",
			    "'.memory-analyzer.conf' line 2: invalid size 'lots': "
			    "expected a number");
}

static void test_command_line_errors(void **state)
{
	struct ma_ratings r;
	char err[256] = "";

	(void)state;
	ma_ratings_init(&r);
	assert_int_equal(ma_ratings_override(&r, "memory_usage_mb=5", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid rating 'memory_usage_mb=5': expected metric.limit=value");
	assert_int_equal(ma_ratings_override(&r, "nope.good=5", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid rating 'nope.good=5': unknown metric 'nope'");
	assert_int_equal(ma_ratings_override(&r, "fragmentation_pct.target=50", err,
					     sizeof(err)), -1);
	assert_string_equal(err, "command line fragmentation_pct.target=50: fragmentation_pct: "
			    "good (20) must be at least target (50)");
}

static void test_metrics(void **state)
{
	struct ma_ratings r;
	struct ma_metric m;
	char buf[200];

	(void)state;
	ma_ratings_init(&r);
	ma_metric_measured(&m, &r, MA_METRIC_CACHE_HIT_RATE_PCT, 93.5);
	assert_int_equal(m.band, MA_BAND_TARGET);
	assert_string_equal(ma_metric_format(&m, buf, sizeof(buf)), "93.5 %");
	ma_metric_measured(&m, &r, MA_METRIC_LEAKED_BYTES, 3 << 20);
	assert_int_equal(m.band, MA_BAND_WARNING);
	assert_string_equal(ma_metric_format(&m, buf, sizeof(buf)), "3.0 MiB");
	ma_metric_measured(&m, &r, MA_METRIC_MEMORY_USAGE_MB, 812.4);
	assert_string_equal(ma_metric_format(&m, buf, sizeof(buf)), "812 MB");
	ma_metric_unmeasured(&m, MA_METRIC_MODEL_LOAD_TIME_MS, "no model loads annotated");
	assert_int_equal(m.measured, 0);
	assert_int_equal(m.band, MA_BAND_NONE);
	assert_string_equal(ma_band_name(m.band), "not measured");
	assert_string_equal(ma_metric_format(&m, buf, sizeof(buf)),
			    "not measured: no model loads annotated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_boundaries),
		cmocka_unit_test(test_every_metric_has_all_bands),
		cmocka_unit_test(test_config_overrides),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_command_line_errors),
		cmocka_unit_test(test_metrics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
