/* .memory-analyzer.conf: syntax, schema checks, errors naming the line,
 * command-line settings, lookup and finding the file. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config_file.h"

static const char good_text[] =
	"# workspace settings\n"
	"[workspace]\n"
	"ram = 16GiB   # the CI runners\n"
	"skip = generated\n"
	"skip = fixtures\n"
	"\n"
	"[ratings.memory_usage_mb]\n"
	"target = 400\n"
	"good = 800 ; inline comment\n"
	"\n"
	"[gate]\n"
	"baseline = \".memory-analyzer/baseline #1.json\"\n"
	"fail_on = warning\n"
	"[limits]\n"
	"peak_heap = 1.5GB\n"
	"fragmentation_pct = 25\n";

static struct ma_config *parse_ok(const char *text)
{
	struct ma_config *cfg = ma_config_new();
	char err[256] = "";

	assert_non_null(cfg);
	if (ma_config_parse(cfg, ".memory-analyzer.conf", text, err, sizeof(err)))
		fail_msg("rejected: %s", err);
	return cfg;
}

static void test_parse_and_lookup(void **state)
{
	struct ma_config *cfg = parse_ok(good_text);
	const struct ma_config_entry *e;
	uint64_t size = 0;
	double num = 0;
	char where[96];

	(void)state;
	assert_int_equal(ma_config_size(cfg, "workspace", "ram", &size), 1);
	assert_int_equal(size, 16ull << 30);
	assert_int_equal(ma_config_size(cfg, "limits", "peak_heap", &size), 1);
	assert_int_equal(size, 1500000000ull);
	assert_int_equal(ma_config_number(cfg, "limits", "fragmentation_pct", &num), 1);
	assert_true(num == 25);
	assert_int_equal(ma_config_number(cfg, "limits", "allocations", &num), 0);
	e = ma_config_lookup(cfg, "ratings.memory_usage_mb", "good");
	assert_non_null(e);
	assert_string_equal(e->value, "800");
	assert_int_equal(e->line, 9);
	assert_string_equal(ma_config_where(e, where, sizeof(where)),
			    "'.memory-analyzer.conf' line 9");
	e = ma_config_lookup(cfg, "gate", "baseline");
	assert_string_equal(e->value, ".memory-analyzer/baseline #1.json");
	assert_int_equal(ma_config_count(cfg), 9);
	assert_string_equal(ma_config_at(cfg, 2)->value, "fixtures");
	ma_config_free(cfg);
}

struct bad {
	const char *text;
	const char *error;
};

static const struct bad bad_files[] = {
	{ "[gate]\nfail_on = warning\n\n\n\n\nthis line is wrong\n",
	  "'.memory-analyzer.conf' line 7: expected key = value" },
	{ "ram = 1GB\n", "line 1: 'ram' is outside any section" },
	{ "[workspace]\nram = lots\n", "line 2: invalid size 'lots': expected a number" },
	{ "[workspace]\nram = 12XB\n", "line 2: invalid size '12XB': unknown unit 'XB'" },
	{ "[colour]\n", "line 1: unknown section [colour]" },
	{ "[gate\n", "line 1: expected ']' at the end of the section name" },
	{ "[[gate]]\n", "line 1: arrays of tables" },
	{ "[gate]\nfail_on = sometimes\n", "line 2: fail_on is never, warning or critical" },
	{ "[gate]\nmax_regression = 5\n", "line 2: unknown key 'max_regression' in [gate]" },
	{ "[limits]\nallocations = many\n", "line 2: 'allocations' wants a number" },
	{ "[limits]\nleaked = 1MB\n# again\nleaked = 2MB\n",
	  "line 4: duplicate key 'leaked' (first on line 2)" },
	{ "[gate]\nbaseline = \"x.json\n", "line 2: missing closing quote" },
	{ "[gate]\nbaseline =\n", "line 2: missing value for 'baseline'" },
	{ "[ratings.memory_usage_mb]\nGood = 5\n", "line 2: invalid key name 'Good'" },
};

static void test_errors_name_the_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct ma_config *cfg = ma_config_new();
		char err[256] = "";
		assert_int_equal(ma_config_parse(cfg, ".memory-analyzer.conf", bad_files[i].text,
						 err, sizeof(err)), -1);
		if (!strstr(err, bad_files[i].error))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, bad_files[i].error);
		assert_int_equal(ma_config_count(cfg), 0);   /* nothing half-added */
		ma_config_free(cfg);
	}
}

static void test_command_line_wins(void **state)
{
	struct ma_config *cfg = parse_ok(good_text);
	char err[256] = "";
	char where[96];

	(void)state;
	assert_int_equal(ma_config_set_spec(cfg, "ratings.memory_usage_mb.good=900", err,
					    sizeof(err)), 0);
	const struct ma_config_entry *e = ma_config_lookup(cfg, "ratings.memory_usage_mb", "good");
	assert_string_equal(e->value, "900");
	assert_null(e->file);
	assert_string_equal(ma_config_where(e, where, sizeof(where)),
			    "command line setting ratings.memory_usage_mb.good");
	assert_int_equal(ma_config_set_spec(cfg, "gate.fail_on=sometimes", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid setting 'gate.fail_on=sometimes': "
			    "fail_on is never, warning or critical, not 'sometimes'");
	assert_int_equal(ma_config_set_spec(cfg, "nodot=1", err, sizeof(err)), -1);
	assert_int_equal(ma_config_set_spec(cfg, "paint.colour=red", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid setting 'paint.colour=red': unknown section [paint]");
	ma_config_free(cfg);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_and_find(void **state)
{
	char dir[] = "/tmp/ma-test-config-XXXXXX", path[512], found[512], err[512];
	struct ma_config *cfg = ma_config_new();

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/.git", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/src", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/src/deep", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(ma_config_find(path, found, sizeof(found)), 0);

	snprintf(path, sizeof(path), "%s/%s", dir, MA_CONFIG_NAME);
	write_file(path, "[gate]\nfail_on = critical\nnonsense\n");
	snprintf(found, sizeof(found), "%s/src/deep", dir);
	assert_int_equal(ma_config_find(found, found, sizeof(found)), 1);
	assert_non_null(strstr(found, "/.memory-analyzer.conf"));
	assert_int_equal(ma_config_load(cfg, found, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ".memory-analyzer.conf' line 3: expected key = value"));

	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(ma_config_load(cfg, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing.conf': No such file or directory"));
	ma_config_free(cfg);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_lookup),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_command_line_wins),
		cmocka_unit_test(test_load_and_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
