/* The JSON parser of baselines: every kind of value, escapes, exact
 * 64-bit numbers, and malformed or hostile input rejected with a
 * position. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_parse.h"

static struct ma_json *parse(const char *text, char *err)
{
	return ma_json_parse(text, strlen(text), err, 128);
}

static void test_values(void **state)
{
	char err[128];
	struct ma_json *j = parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\"], \"b\": {}} ", err);
	const struct ma_json *a, *e;

	(void)state;
	assert_non_null(j);
	assert_int_equal(j->type, MA_JSON_OBJECT);
	assert_int_equal(j->count, 2);
	a = ma_json_get(j, "a");
	assert_non_null(a);
	assert_int_equal(a->count, 6);
	e = a->child;
	assert_int_equal(e->type, MA_JSON_NUMBER);
	assert_true(e->number == 1);
	e = e->next;
	assert_true(e->number == -2500);
	assert_int_equal(e->next->type, MA_JSON_BOOL);
	assert_int_equal(e->next->boolean, 1);
	assert_int_equal(e->next->next->boolean, 0);
	assert_int_equal(e->next->next->next->type, MA_JSON_NULL);
	assert_string_equal(ma_json_str(e->next->next->next->next), "x");
	assert_int_equal(ma_json_get(j, "b")->type, MA_JSON_OBJECT);
	assert_null(ma_json_get(j, "c"));
	ma_json_free(j);
}

static void test_escapes(void **state)
{
	char err[128];
	struct ma_json *j = parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20ac "
				  "\\ud83d\\ude00 \\u0000\"", err);

	(void)state;
	assert_non_null(j);
	static const char want[] = "q\" b\\ s/ \b\f\n\r\t \xc3\xa9 \xe2\x82\xac "
				   "\xf0\x9f\x98\x80 \0";

	assert_int_equal(j->len, sizeof(want) - 1);
	assert_memory_equal(j->str, want, sizeof(want) - 1);
	ma_json_free(j);
}

static void test_u64(void **state)
{
	char err[128];
	struct ma_json *j = parse("[18446744073709551615, 9007199254740993, 1.0, -1, 1e3, "
				  "18446744073709551616]", err);
	const struct ma_json *e = j->child;
	uint64_t v;

	(void)state;
	assert_true(ma_json_u64(e, &v));
	assert_true(v == UINT64_MAX);
	assert_true(ma_json_u64(e->next, &v));
	assert_true(v == 9007199254740993ull);
	for (e = e->next->next; e; e = e->next)
		assert_false(ma_json_u64(e, &v));
	ma_json_free(j);
}

static void test_errors(void **state)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "", "line 1 column 1: unexpected end of input" },
		{ "{\"a\": 1,}", "line 1 column 9: expected a member name" },
		{ "[1, 2", "line 1 column 6: expected ',' or ']'" },
		{ "{\"a\" 1}", "line 1 column 6: expected ':'" },
		{ "\"abc", "line 1 column 5: unterminated string" },
		{ "\"a\\x\"", "line 1 column 4: invalid escape" },
		{ "\"\\ud800\"", "line 1 column 8: unpaired high surrogate" },
		{ "\"\\udc00\"", "line 1 column 8: unpaired low surrogate" },
		{ "\"\\u12g4\"", "line 1 column 6: invalid \\u escape" },
		{ "\"a\nb\"", "line 1 column 3: control character in a string" },
		{ "01", "line 1 column 2: unexpected text after the value" },
		{ "-", "line 1 column 1: invalid number" },
		{ "1.", "line 1 column 1: invalid number" },
		{ "tru", "line 1 column 1: unexpected character" },
		{ "{}\n  x", "line 2 column 3: unexpected text after the value" },
	};
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_null(parse(bad[i].text, err));
		assert_string_equal(err, bad[i].err);
	}
}

/* Nesting beyond the limit is refused without using the stack for it. */
static void test_depth(void **state)
{
	char text[200 * 2 + 1], err[128];
	struct ma_json *j;

	(void)state;
	memset(text, '[', 200);
	memset(text + 200, ']', 200);
	text[400] = '\0';
	assert_null(parse(text, err));
	assert_non_null(strstr(err, "nested deeper than 64"));
	text[MA_JSON_MAX_DEPTH + 1] = '\0';
	memset(text, '[', MA_JSON_MAX_DEPTH + 1);
	memset(text + MA_JSON_MAX_DEPTH + 1, ']', MA_JSON_MAX_DEPTH + 1);
	text[2 * (MA_JSON_MAX_DEPTH + 1)] = '\0';
	j = parse(text, err);
	assert_non_null(j);
	ma_json_free(j);
}

/* Every prefix of a valid document is either valid or an error, never a
 * crash or a read past the end (ASan watches). */
static void test_prefixes(void **state)
{
	static const char doc[] = "{\"format\": \"x\", \"v\": [1, 2.5, {\"s\": \"\\u00e9\"}], "
				  "\"t\": true}";
	char err[128];

	(void)state;
	for (size_t n = 0; n <= strlen(doc); n++) {
		char *copy = malloc(n ? n : 1);
		memcpy(copy, doc, n);
		struct ma_json *j = ma_json_parse(copy, n, err, sizeof(err));
		assert_true(n == strlen(doc) ? j != NULL : j == NULL);
		ma_json_free(j);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
