/* The public annotation header: its constants match the trace format and
 * its calls forward to the probe's entry point.  This test defines
 * memory_analyzer_annotate itself, as the probe does, so the weak
 * reference binds to it.  The other case, no probe at all, is the demo
 * program, which examples/test-demo.sh runs without one. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "memory-analyzer.h"
#include "trace_format.h"

_Static_assert(MEMORY_ANALYZER_MARK == MA_MARK_POINT, "mark kind");
_Static_assert(MEMORY_ANALYZER_SPAN_BEGIN == MA_MARK_SPAN_BEGIN, "span begin kind");
_Static_assert(MEMORY_ANALYZER_SPAN_END == MA_MARK_SPAN_END, "span end kind");
_Static_assert(MEMORY_ANALYZER_COUNTER == MA_MARK_COUNTER, "counter kind");

static int calls, last_kind;
static char last_name[64];
static long long last_value;

void memory_analyzer_annotate(int kind, const char *name, long long value)
{
	calls++;
	last_kind = kind;
	strncpy(last_name, name, sizeof(last_name) - 1);
	last_value = value;
}

static void test_forwarding(void **state)
{
	(void)state;
	calls = 0;
	ma_mark("phase:warm");
	assert_int_equal(last_kind, MA_MARK_POINT);
	assert_string_equal(last_name, "phase:warm");
	ma_span_begin("model_load:small");
	assert_int_equal(last_kind, MA_MARK_SPAN_BEGIN);
	ma_span_end("model_load:small");
	assert_int_equal(last_kind, MA_MARK_SPAN_END);
	assert_string_equal(last_name, "model_load:small");
	ma_counter_add("cache.miss", -3);
	assert_int_equal(last_kind, MA_MARK_COUNTER);
	assert_int_equal(last_value, -3);
	assert_int_equal(calls, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forwarding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
