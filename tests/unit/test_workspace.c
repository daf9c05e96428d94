/* Workspace scan on a generated tree whose counts are known: lines per
 * language, skipped folders, a Cargo workspace read with and without
 * cargo, memory settings, RAM; plus the JSON and TOML readers. */
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

#include "workspace.h"
#include "workspace_int.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0700);
		*s = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char lib_rs[] =
	"use std::time::Duration;\n"
	"\n"
	"pub struct MemoryConfig {\n"
	"    pub lru_cache_size: usize,\n"
	"}\n"
	"\n"
	"pub fn config() -> MemoryConfig {\n"
	"    MemoryConfig {\n"
	"        lazy_load_models: true,\n"
	"        lru_cache_size: 50_000_000, // 50MB\n"
	"        memory_limit: Some(2_000_000_000),\n"
	"        nested: Inner { depth: 2 },\n"
	"        ..Default::default()\n"
	"    }\n"
	"}\n";   /* 13 non-blank lines */

static const char root_manifest[] =
	"[package]\n"
	"name = \"ide-core\"\n"
	"version = \"0.1.0\"\n"
	"edition = \"2021\"\n"
	"description = \"\"\"\n"
	"[not-a-table]\n"
	"\"\"\"\n"
	"\n"
	"[features]\n"
	"# the memory guide's flags\n"
	"default = [\"core\", \"lsp\", \"ai-basic\"]\n"
	"core = []\n"
	"lsp = []\n"
	"ai-core = []\n"
	"ai-basic = [\"ai-core\"]\n"
	"ai-advanced = [\n"
	"    \"ai-basic\",  # multi-line\n"
	"    \"memory-optimized\",\n"
	"]\n"
	"\"memory-optimized\" = []\n"
	"minimal = []\n"
	"\n"
	"[workspace]\n"
	"members = [\"crates/*\"]\n";

static void make_tree(void)
{
	strcpy(root, "/tmp/ma-test-ws-XXXXXX");
	assert_non_null(mkdtemp(root));
	put("src/main.c", "int main(void)\n{\n\n   \t\n\treturn 0;\n}\n");  /* 4 */
	put("src/util.h", "#pragma once\nint util(void);");                   /* 2 */
	put("src/lib.rs", lib_rs);                                                /* 13 */
	put("crates/engine/Cargo.toml",
	    "[package]\nname = \"ide-engine\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
	    "[features]\nfast = []\n");
	put("crates/engine/src/lib.rs", "pub fn engine() {}\n");                 /* 1 */
	put("tools/app.py", "import os\n\ndef main():\n    pass\nmain()\n");       /* 4 */
	put("web/index.ts", "export {};\n");                                      /* 1 */
	put("web/app.js", "\n\nrun();\n");                                       /* 1 */
	put("Cargo.toml", root_manifest);
	put("config/app.toml", "[server]\nport = 1\n[memory]\nlru_cache_size = \"100MB\"\n"
	    "[memory.cache]\nttl_secs = 3600 # one hour\n");
	put("README.md", "# not code\n");
	/* Not the workspace's own code: */
	put("target/debug/gen.rs", "fn a() {}\nfn b() {}\n");
	put("node_modules/x/index.js", "module.exports = 1;\n");
	put(".git/hooks/pre-commit.sh", "exit 0\n");
	put("vendor/v.c", "int v;\n");
	put("build/b.c", "int b;\n");
	put("third_party/t.c", "int t;\n");
	put(".memory-analyzer/demo/m.c", "int m;\n");
	put("generated/g.c", "int g;\n");
	put("src/blob.c", "int x;\n");
	char path[512];
	snprintf(path, sizeof(path), "%s/src/blob.c", root);
	FILE *f = fopen(path, "w");
	fwrite("ab\0cd\n", 1, 6, f);   /* binary: skipped */
	fclose(f);
	snprintf(path, sizeof(path), "%s/src/loop", root);
	assert_int_equal(symlink("..", path), 0);
	put("meminfo", "MemTotal:       16384000 kB\nMemFree:         1000 kB\n");
}

static int setup(void **state)
{
	(void)state;
	make_tree();
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static struct ma_workspace *scan(const char *cargo, uint64_t ram)
{
	static const char *const skip[] = { "generated", NULL };
	char meminfo[128], err[256] = "";

	snprintf(meminfo, sizeof(meminfo), "%s/meminfo", root);
	struct ma_workspace_opts opts = { ram, meminfo, cargo, skip };
	struct ma_workspace *ws = ma_workspace_scan(root, &opts, err, sizeof(err));
	if (!ws)
		fail_msg("scan failed: %s", err);
	return ws;
}

static void test_lines_by_language(void **state)
{
	struct ma_workspace *ws = scan("", 0);

	(void)state;
	assert_int_equal(ws->nlangs, 5);
	assert_string_equal(ws->langs[0].lang, "Rust");
	assert_int_equal(ws->langs[0].lines, 14);
	assert_int_equal(ws->langs[0].files, 2);
	assert_string_equal(ws->langs[1].lang, "C");
	assert_int_equal(ws->langs[1].lines, 6);
	assert_int_equal(ws->langs[1].files, 2);
	assert_string_equal(ws->langs[2].lang, "Python");
	assert_int_equal(ws->langs[2].lines, 4);
	assert_string_equal(ws->langs[3].lang, "JavaScript");   /* tie: by name */
	assert_int_equal(ws->langs[3].lines, 1);
	assert_string_equal(ws->langs[4].lang, "TypeScript");
	assert_int_equal(ma_workspace_lines(ws, "Go"), 0);
	assert_int_equal(ws->total_lines, 26);
	assert_int_equal(ws->total_files, 7);
	/* .git target node_modules vendor build third_party .memory-analyzer generated */
	assert_int_equal(ws->skipped_dirs, 8);
	assert_int_equal(ws->skipped_files, 1);
	ma_workspace_free(ws);
}

static void check_packages(const struct ma_workspace *ws)
{
	static const char *const features[] = { "ai-advanced", "ai-basic", "ai-core", "core",
						"lsp", "memory-optimized", "minimal" };
	static const char *const defaults[] = { "core", "lsp", "ai-basic" };

	assert_int_equal(ws->npackages, 2);
	const struct ma_cargo_package *p = &ws->packages[0];
	assert_string_equal(p->name, "ide-core");
	assert_string_equal(p->manifest, "Cargo.toml");
	assert_int_equal(p->nfeatures, 7);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(p->features[i], features[i]);
	assert_true(p->has_default);
	assert_int_equal(p->ndefaults, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(p->defaults[i], defaults[i]);
	p = &ws->packages[1];
	assert_string_equal(p->name, "ide-engine");
	assert_string_equal(p->manifest, "crates/engine/Cargo.toml");
	assert_int_equal(p->nfeatures, 1);
	assert_string_equal(p->features[0], "fast");
	assert_false(p->has_default);
	assert_int_equal(p->ndefaults, 0);
}

static void test_cargo_without_cargo(void **state)
{
	struct ma_workspace *ws = scan("", 0);

	(void)state;
	assert_int_equal(ws->cargo_source, MA_CARGO_MANIFEST);
	assert_string_equal(ws->cargo_note, "cargo not used");
	check_packages(ws);
	ma_workspace_free(ws);

	/* cargo asked for, but not on PATH: the same answer from the manifests. */
	char *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", root, 1);
	ws = scan(NULL, 0);
	setenv("PATH", path, 1);
	free(path);
	assert_int_equal(ws->cargo_source, MA_CARGO_MANIFEST);
	assert_string_equal(ws->cargo_note, "'cargo' not found");
	check_packages(ws);
	ma_workspace_free(ws);
}

static void test_cargo_metadata(void **state)
{
	struct ma_workspace *ws = scan(NULL, 0);

	(void)state;
	if (ws->cargo_source != MA_CARGO_METADATA) {
		char note[sizeof(ws->cargo_note)];
		strcpy(note, ws->cargo_note);
		ma_workspace_free(ws);
		if (strstr(note, "not found"))
			skip();
		fail_msg("cargo metadata not used: %s", note);
	}
	check_packages(ws);
	ma_workspace_free(ws);
}

static void test_memory_settings(void **state)
{
	struct ma_workspace *ws = scan("", 0);
	static const char *const want[][4] = {
		{ "lru_cache_size", "\"100MB\"", "config/app.toml", "4" },
		{ "cache.ttl_secs", "3600", "config/app.toml", "6" },
		{ "lazy_load_models", "true", "src/lib.rs", "9" },
		{ "lru_cache_size", "50_000_000", "src/lib.rs", "10" },
		{ "memory_limit", "Some(2_000_000_000)", "src/lib.rs", "11" },
		{ "nested", "Inner { depth: 2 }", "src/lib.rs", "12" },
	};

	(void)state;
	assert_int_equal(ws->nmemory, 6);
	for (size_t i = 0; i < ws->nmemory; i++) {
		assert_string_equal(ws->memory[i].key, want[i][0]);
		assert_string_equal(ws->memory[i].value, want[i][1]);
		assert_string_equal(ws->memory[i].file, want[i][2]);
		assert_int_equal(ws->memory[i].line, atoi(want[i][3]));
	}
	ma_workspace_free(ws);
}

static void test_ram(void **state)
{
	struct ma_workspace *ws = scan("", 0);

	(void)state;
	assert_int_equal(ws->ram_source, MA_RAM_MEMINFO);
	assert_int_equal(ws->ram_bytes, 16384000ull * 1024);
	ma_workspace_free(ws);
	ws = scan("", 8ull << 30);
	assert_int_equal(ws->ram_source, MA_RAM_GIVEN);
	assert_int_equal(ws->ram_bytes, 8ull << 30);
	ma_workspace_free(ws);
	assert_int_equal(ma_meminfo_total("/nonexistent/meminfo"), 0);
}

static void test_classes_and_errors(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(ma_workspace_size_class(100000), MA_CLASS_SMALL);
	assert_int_equal(ma_workspace_size_class(100001), MA_CLASS_MEDIUM);
	assert_int_equal(ma_workspace_size_class(1000000), MA_CLASS_MEDIUM);
	assert_int_equal(ma_workspace_size_class(1000001), MA_CLASS_LARGE);
	assert_int_equal(ma_ram_class(7999999999ull), MA_CLASS_SMALL);
	assert_int_equal(ma_ram_class(8000000000ull), MA_CLASS_MEDIUM);
	assert_int_equal(ma_ram_class(16000000000ull), MA_CLASS_MEDIUM);
	assert_int_equal(ma_ram_class(16000000001ull), MA_CLASS_LARGE);
	assert_string_equal(ma_size_class_name(MA_CLASS_LARGE), "large");
	assert_string_equal(ma_lang_of("x.tsx"), "TypeScript");
	assert_null(ma_lang_of(".bashrc"));
	assert_null(ma_lang_of("Makefile"));
	assert_true(ma_workspace_skips("node_modules"));
	assert_false(ma_workspace_skips("src"));
	assert_null(ma_workspace_scan("/nonexistent/ws", NULL, err, sizeof(err)));
	assert_string_equal(err, "cannot scan '/nonexistent/ws': No such file or directory");
}

static void test_json(void **state)
{
	static const char doc[] = " {\"a\": [1, -2.5e1, true, false, null],"
				  " \"s\": \"q\\\"\\\\\\/\\n\\u00e9\\ud83d\\ude00\", \"o\": {}} ";
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "\"unterminated", "[1] x", "tru",
		"\"bad \\q escape\"", "\"raw\ncontrol\"", "{1: 2}",
	};
	struct ws_json *v = ws_json_parse(doc, strlen(doc));

	(void)state;
	assert_non_null(v);
	const struct ws_json *a = ws_json_get(v, "a");
	assert_int_equal(a->n, 5);
	assert_true(a->items[1].number == -25);
	assert_int_equal(a->items[2].type, WS_JSON_BOOL);
	assert_int_equal(a->items[4].type, WS_JSON_NULL);
	assert_string_equal(ws_json_get(v, "s")->string, "q\"\\/\n\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(ws_json_get(v, "o")->n, 0);
	assert_null(ws_json_get(v, "missing"));
	assert_null(ws_json_get(a, "a"));
	ws_json_free(v);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if ((v = ws_json_parse(bad[i], strlen(bad[i])))) {
			ws_json_free(v);
			fail_msg("accepted '%s'", bad[i]);
		}
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	assert_null(ws_json_parse(deep, sizeof(deep)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_by_language),
		cmocka_unit_test(test_cargo_without_cargo),
		cmocka_unit_test(test_cargo_metadata),
		cmocka_unit_test(test_memory_settings),
		cmocka_unit_test(test_ram),
		cmocka_unit_test(test_classes_and_errors),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
