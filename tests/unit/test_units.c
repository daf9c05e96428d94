/* ma_parse_size and ma_format_size. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "units.h"

static uint64_t parse_ok(const char *s)
{
	char err[160] = "";
	uint64_t v = 0;

	if (ma_parse_size(s, &v, err, sizeof(err)))
		fail_msg("'%s' rejected: %s", s, err);
	return v;
}

static void test_plain_and_units(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1024"), 1024);
	assert_int_equal(parse_ok("0"), 0);
	assert_int_equal(parse_ok("500MB"), 500000000ull);
	assert_int_equal(parse_ok("2GiB"), 2ull << 30);
	assert_int_equal(parse_ok("2 GiB"), 2ull << 30);
	assert_int_equal(parse_ok("16gib"), 16ull << 30);
	assert_int_equal(parse_ok("1.5G"), 1500000000ull);
	assert_int_equal(parse_ok("1.5KiB"), 1536);
	assert_int_equal(parse_ok("64k"), 64000);
	assert_int_equal(parse_ok("3Mi"), 3ull << 20);
	assert_int_equal(parse_ok("7B"), 7);
	assert_int_equal(parse_ok(" 1TB "), 1000000000000ull);
	assert_int_equal(parse_ok("2TiB"), 2ull << 40);
}

static void expect_error(const char *s, const char *want)
{
	char err[160] = "";
	uint64_t v = 42;

	assert_int_equal(ma_parse_size(s, &v, err, sizeof(err)), -1);
	assert_int_equal(v, 42);
	if (!strstr(err, want))
		fail_msg("'%s': got \"%s\", want \"%s\"", s, err, want);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "invalid size '': expected a number");
	expect_error("MB", "expected a number");
	expect_error("-5MB", "negative");
	expect_error("12XB", "invalid size '12XB': unknown unit 'XB'");
	expect_error("1e9", "unknown unit 'e9'");
	expect_error("5 MB extra", "unknown unit");
	expect_error("99999999999TiB", "too large");
	expect_error("18446744073709551616", "too large");
}

static void test_format(void **state)
{
	char buf[MA_SIZE_BUF];

	(void)state;
	assert_string_equal(ma_format_size(0, buf, sizeof(buf)), "0 B");
	assert_string_equal(ma_format_size(1023, buf, sizeof(buf)), "1023 B");
	assert_string_equal(ma_format_size(1536, buf, sizeof(buf)), "1.5 KiB");
	assert_string_equal(ma_format_size(2ull << 30, buf, sizeof(buf)), "2.0 GiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_units),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
