/* The gate library without traces: verdicts of synthetic measures,
 * baselines written and read back, suppressions on synthetic stacks. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "baseline.h"
#include "gate.h"
#include "suppress.h"

static void measure(struct ma_measure *m, uint64_t leaked, uint64_t peak)
{
	struct ma_msite *s;

	ma_measure_init(m);
	snprintf(m->label, sizeof(m->label), "test");
	ma_measure_set(m, MA_GM_PEAK_HEAP, (double)peak);
	ma_measure_set(m, MA_GM_LEAKED_BYTES, (double)leaked);
	ma_measure_set(m, MA_GM_LEAKED_BLOCKS, 4);
	s = ma_measure_site(m, "leak_here", "sites.c", "prog", 1);
	assert_non_null(s);
	s->line = 42;
	s->n[MA_SV_LEAKED_BYTES] = leaked;
	s->n[MA_SV_LEAKED_BLOCKS] = 4;
	s->n[MA_SV_PEAK_BYTES] = peak;
	s->n[MA_SV_PEAK_BLOCKS] = 1;
}

static const char *line_of(const struct ma_gate_result *r, size_t i)
{
	static char buf[1024];

	assert_true(i < r->n);
	return ma_gate_verdict_line(&r->v[i], buf, sizeof(buf));
}

static void test_limits(void **state)
{
	struct ma_gate_limits l;
	struct ma_gate_result r = { 0 };
	struct ma_measure m;
	char err[256];

	(void)state;
	measure(&m, 4096, 12u << 20);
	ma_gate_limits_init(&l);
	assert_int_equal(ma_gate_limits_parse(&l, MA_GM_PEAK_HEAP, "50MiB", err, sizeof(err)), 0);
	assert_int_equal(ma_gate_limits_parse(&l, MA_GM_LEAKED_BYTES, "0", err, sizeof(err)), 0);
	assert_int_equal(ma_gate_limits_parse(&l, MA_GM_PEAK_RSS, "1GiB", err, sizeof(err)), 0);
	assert_int_equal(ma_gate_evaluate(&r, &m, NULL, &l, NULL), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.failed, 1);
	assert_int_equal(r.skipped, 1);
	assert_string_equal(line_of(&r, 0), "PASS peak_heap_bytes 12.0 MiB <= 50.0 MiB");
	assert_string_equal(line_of(&r, 1), "SKIP peak_rss_bytes not measured in test");
	assert_string_equal(line_of(&r, 2), "FAIL leaked_bytes 4.0 KiB > 0 B: top sites: "
			    "leak_here (sites.c:42) 4.0 KiB in 4 blocks");
	assert_int_equal(ma_gate_limits_parse(&l, MA_GM_PEAK_HEAP, "5 parsecs", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid limit for --max-peak-heap"));
	ma_gate_result_release(&r);
	ma_measure_release(&m);
}

static void test_regression(void **state)
{
	struct ma_gate_limits l;
	struct ma_gate_result r = { 0 };
	struct ma_measure base, now;

	(void)state;
	measure(&base, 4096, 100000);
	measure(&now, 5120, 125000);
	ma_gate_limits_init(&l);
	l.max_regression_pct = 24.99;
	l.regression_set = 1;
	l.regress = 1u << MA_GM_PEAK_HEAP | 1u << MA_GM_LEAKED_BLOCKS;
	assert_int_equal(ma_gate_evaluate(&r, &now, &base, &l, "[pid 7]"), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(line_of(&r, 0), "FAIL regression:peak_heap_bytes[pid 7] +25.00% > "
			    "24.99% (baseline 97.7 KiB, now 122.1 KiB): top sites: leak_here "
			    "(sites.c:42) +24.4 KiB");
	assert_string_equal(line_of(&r, 1), "PASS regression:leaked_blocks[pid 7] +0.00% <= "
			    "24.99% (baseline 4, now 4)");
	ma_gate_result_release(&r);
	ma_measure_release(&base);
	ma_measure_release(&now);
}

static void test_baseline_roundtrip(void **state)
{
	struct ma_measure m, back;
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const struct ma_msite *s;

	(void)state;
	measure(&m, 4096, 1u << 20);
	ma_measure_set(&m, MA_GM_TEMPORARY_PCT, 12.5);
	ma_measure_site(&m, "odd \"name\"\n", "", "", 1)->n[MA_SV_ALLOCATIONS] = UINT64_MAX;
	assert_int_equal(ma_baseline_write(f, &m), 0);
	fclose(f);
	ma_measure_init(&back);
	assert_int_equal(ma_baseline_parse("mem", text, len, &back, err, sizeof(err)), 0);
	assert_int_equal(back.measured, m.measured);
	for (int g = 0; g < MA_GM_COUNT; g++)
		assert_true(back.v[g] == m.v[g]);
	assert_int_equal(back.nsites, 2);
	s = ma_measure_site(&back, "leak_here", "sites.c", "prog", 0);
	assert_non_null(s);
	assert_memory_equal(s->n, m.sites[0].n, sizeof(s->n));
	assert_int_equal(s->line, 42);
	s = ma_measure_site(&back, "odd \"name\"\n", "", "", 0);
	assert_non_null(s);
	assert_true(s->n[MA_SV_ALLOCATIONS] == UINT64_MAX);
	ma_measure_release(&back);
	ma_measure_release(&m);
	free(text);
}

static void test_baseline_errors(void **state)
{
	static const struct {
		const char *text;
		int rc;
		const char *err;
	} bad[] = {
		{ "{\"format\": \"memory-analyzer-baseline\", \"version\": 7, \"metrics\": {}, "
		  "\"sites\": []}", MA_BASELINE_VERSION_ERR,
		  "baseline 'b' is version 7; this memory-analyzer reads version 1: write it "
		  "again with 'memory-analyzer baseline'" },
		{ "[]", MA_BASELINE_INVALID, "'b' is not a valid baseline: not a JSON object" },
		{ "{\"format\": \"x\"}", MA_BASELINE_INVALID,
		  "'b' is not a valid baseline: no \"format\": \"memory-analyzer-baseline\"" },
		{ "{\"format\": \"memory-analyzer-baseline\", \"version\": 1, \"metrics\": {}, "
		  "\"sites\": [{\"function\": \"f\"}]}", MA_BASELINE_INVALID,
		  "'b' is not a valid baseline: a site lacks function, file or module" },
		{ "{\"format\": \"memory-analyzer-baseline\", \"version\": 1, \"metrics\": "
		  "{\"leaked_bytes\": -1}, \"sites\": []}", MA_BASELINE_INVALID,
		  "'b' is not a valid baseline: a metric is not a non-negative number" },
		{ "{", MA_BASELINE_INVALID,
		  "'b' is not a valid baseline: line 1 column 2: expected a member name" },
	};
	struct ma_measure m;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ma_measure_init(&m);
		assert_int_equal(ma_baseline_parse("b", bad[i].text, strlen(bad[i].text), &m,
						   err, sizeof(err)), bad[i].rc);
		assert_string_equal(err, bad[i].err);
		assert_int_equal(m.nsites, 0);
	}
}

static void test_suppressions(void **state)
{
	struct ma_frame frames[2] = {
		{ "g_cache_new", "/src/glib/gcache.c", 10, "/usr/lib/libglib-2.0.so.0", 0, 0, 0 },
		{ "main", "/src/app/main.c", 5, "/usr/bin/app", 0, 0, 0 },
	};
	struct ma_stack st = { frames, 2 };
	struct ma_suppressions *s = ma_supp_new();
	const struct ma_supp_rule *hit;
	char err[256];

	(void)state;
	assert_int_equal(ma_supp_add(s, "module:libglib-2.0.so*", "r1", err, sizeof(err)), 0);
	assert_int_equal(ma_supp_add(s, "function:main", "r2", err, sizeof(err)), 0);
	assert_int_equal(ma_supp_add(s, "file:*/app/*", "r3", err, sizeof(err)), 0);
	assert_int_equal(ma_supp_add(s, "fn:x", "r4", err, sizeof(err)), -1);
	assert_string_equal(err, "r4: unknown kind 'fn' (function, file, module or leak)");
	assert_int_equal(ma_supp_add(s, "leak:", "r5", err, sizeof(err)), -1);
	assert_string_equal(err, "r5: empty pattern");
	hit = ma_supp_match(s, &st, 100, 2);
	assert_non_null(hit);
	assert_string_equal(hit->origin, "r1");
	assert_true(hit->bytes == 100 && hit->blocks == 2 && hit->sites == 1);
	st.frames = &frames[1];
	st.nframes = 1;
	assert_string_equal(ma_supp_match(s, &st, 1, 1)->origin, "r2");
	assert_int_equal(ma_supp_at(s, 2)->sites, 0);
	frames[1].function = "other";
	assert_string_equal(ma_supp_match(s, &st, 1, 1)->origin, "r3");
	frames[1].file = "/src/lib/x.c";
	assert_null(ma_supp_match(s, &st, 1, 1));
	ma_supp_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_regression),
		cmocka_unit_test(test_baseline_roundtrip),
		cmocka_unit_test(test_baseline_errors),
		cmocka_unit_test(test_suppressions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
