/* Unit tests of the symbolizer (lib/symbols.h) on real addresses: the
 * fixture plugins of tests/symbols/ are loaded here, their module map is
 * read back the way the probe records it, and return addresses taken
 * inside them are resolved. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../symbols/fixture.h"
#include "../symbols/fixture_util.h"
#include "analysis.h"
#include "frames.h"
#include "pool.h"
#include "symbols.h"
#include "symbols_ahead.h"

#define MISMATCH "build-id mismatch: the file changed since the recording"

static struct fx_module inl, cxx;

static __attribute__((noinline)) void *return_address(void)
{
	return __builtin_return_address(0);
}

/* A return address inside plugin m: its function fn calls back here. */
static uint64_t addr_in(struct fx_module *m, const char *fn)
{
	ma_fx_cb cb = return_address;
	void *(*entry)(ma_fx_cb) = (void *(*)(ma_fx_cb))fx_module_sym(m, fn);
	assert_non_null(entry);
	uint64_t addr = (uint64_t)(uintptr_t)entry(cb);
	assert_true(addr >= m->lo && addr < m->hi);
	return addr;
}

static int add(struct ma_symbols *s, uint64_t id, const struct fx_module *m,
	       const char *path, uint64_t ts)
{
	return ma_symbols_add_module(s, id, m->bias, m->lo, m->hi, path,
				     m->build_id, m->build_id_len, ts);
}

static const char *base(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path;
}

static int setup(void **state)
{
	(void)state;
	if (fx_module_open("sym_inline.so", &inl) < 0 ||
	    fx_module_open("sym_cxx.so", &cxx) < 0)
		return -1;
	return inl.build_id_len > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fx_module_close(&inl);
	fx_module_close(&cxx);
	return 0;
}

static void expect_frame(const struct ma_frame_info *f, const char *fn,
			 const char *marker, int inlined)
{
	unsigned line = fx_marker_line("tests/symbols/inline.c", marker);
	assert_int_not_equal(line, 0);
	assert_non_null(f->function);
	assert_string_equal(f->function, fn);
	assert_non_null(f->file);
	assert_string_equal(base(f->file), "inline.c");
	assert_int_equal(f->line, line);
	assert_int_equal(f->inlined, inlined);
}

/* The frames of an address inside two levels of always_inline calls. */
static void expect_inline_chain(struct ma_symbols *s, uint64_t addr,
				const char *path)
{
	struct ma_frame_info out[8];
	int n = ma_symbols_resolve(s, addr, 5, out, 8);
	assert_int_equal(n, 3);
	expect_frame(&out[0], "ma_fx_leaf", "MARK:leaf-call", 1);
	expect_frame(&out[1], "ma_fx_middle", "MARK:middle-call", 1);
	expect_frame(&out[2], "ma_fx_outer", "MARK:outer-call", 0);
	for (int i = 0; i < n; i++) {
		assert_string_equal(out[i].module, path);
		assert_int_equal(out[i].offset, addr - inl.bias);
	}
	assert_null(ma_symbols_module_problem(s, 1));
}

static void test_inlined_chain(void **state)
{
	struct ma_symbols *s = ma_symbols_new(NULL);
	assert_non_null(s);
	assert_int_equal(add(s, 1, &inl, inl.path, 0), 0);
	uint64_t addr = addr_in(&inl, "ma_fx_outer");
	expect_inline_chain(s, addr, inl.path);

	/* Again: served from the cache, the very same strings. */
	struct ma_frame_info a[8], b[8];
	assert_int_equal(ma_symbols_resolve(s, addr, 7, a, 8), 3);
	assert_int_equal(ma_symbols_resolve(s, addr, 9, b, 8), 3);
	assert_ptr_equal(a[0].function, b[0].function);
	assert_ptr_equal(a[2].file, b[2].file);

	/* Too small an array keeps the innermost frames. */
	assert_int_equal(ma_symbols_resolve(s, addr, 9, a, 1), 1);
	assert_string_equal(a[0].function, "ma_fx_leaf");
	ma_symbols_free(s);
}

static void test_cxx_name(void **state)
{
	struct ma_symbols *s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 4, &cxx, cxx.path, 0), 0);
	struct ma_frame_info out[4];
	uint64_t addr = addr_in(&cxx, "ma_fx_cxx_entry");
	int n = ma_symbols_resolve(s, addr, 1, out, 4);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].function,
			    "ma_fx::Holder<long>::call(void* (*)())");
	assert_string_equal(base(out[0].file), "cxx_plugin.cc");
	assert_int_not_equal(out[0].line, 0);
	ma_symbols_free(s);
}

static void test_unknown_address(void **state)
{
	struct ma_symbols *s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 1, &inl, inl.path, 0), 0);
	struct ma_frame_info out[2];
	assert_int_equal(ma_symbols_resolve(s, 0x10, 0, out, 2), 1);
	assert_null(out[0].function);
	assert_null(out[0].module);
	assert_null(out[0].file);
	assert_int_equal(out[0].offset, 0x10);
	assert_null(ma_symbols_module_problem(s, 99));
	ma_symbols_free(s);
}

static void expect_bare(struct ma_symbols *s, uint64_t id, uint64_t addr,
			const char *path, const char *problem)
{
	struct ma_frame_info out[4];
	assert_int_equal(ma_symbols_resolve(s, addr, 1, out, 4), 1);
	assert_null(out[0].function);
	assert_null(out[0].file);
	assert_int_equal(out[0].line, 0);
	assert_string_equal(out[0].module, path);
	assert_int_equal(out[0].offset, addr - inl.bias);
	assert_string_equal(ma_symbols_module_problem(s, id), problem);
}

static void test_build_id_mismatch(void **state)
{
	uint64_t addr = addr_in(&inl, "ma_fx_outer");
	struct fx_module changed = inl;
	changed.build_id[0] ^= 0xff;
	struct ma_symbols *s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 1, &changed, inl.path, 0), 0);
	expect_bare(s, 1, addr, inl.path, MISMATCH);
	ma_symbols_free(s);

	/* Another library now sits at the recorded path. */
	s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 2, &inl, cxx.path, 0), 0);
	expect_bare(s, 2, addr, cxx.path, MISMATCH);
	ma_symbols_free(s);
}

static void test_missing_file(void **state)
{
	uint64_t addr = addr_in(&inl, "ma_fx_outer");
	struct ma_symbols *s = ma_symbols_new(NULL);
	const char *gone = "/nonexistent/libgone.so";
	assert_int_equal(add(s, 3, &inl, gone, 0), 0);
	assert_string_equal(ma_symbols_module_problem(s, 3), "file not found");
	expect_bare(s, 3, addr, gone, "file not found");
	ma_symbols_free(s);
}

/* Plugin a is dlclosed, then plugin b takes its address range: each
 * address resolves by the module map of the moment it was recorded. */
static void test_plugins_by_time(void **state)
{
	struct fx_module a, b;
	assert_int_equal(fx_module_open("sym_plugin_a.so", &a), 0);
	uint64_t addr_a = addr_in(&a, "ma_fx_plugin_work_a");
	struct fx_module rec_a = a;
	rec_a.path = strdup(a.path);
	fx_module_close(&a);
	assert_int_equal(fx_module_open("sym_plugin_b.so", &b), 0);
	uint64_t addr_b = addr_in(&b, "ma_fx_plugin_work_b");

	/* The loader usually reuses the range; where it did not, record b
	 * as if it had, which is all the symbolizer sees of it. */
	uint64_t shift = b.bias - rec_a.bias;
	struct fx_module rec_b = b;
	rec_b.bias -= shift, rec_b.lo -= shift, rec_b.hi -= shift;
	addr_b -= shift;
	assert_int_equal(addr_a, addr_b); /* same layout, same offset */

	struct ma_symbols *s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 10, &rec_a, rec_a.path, 100), 0);
	ma_symbols_module_gone(s, 10, 200);
	assert_int_equal(add(s, 11, &rec_b, b.path, 300), 0);
	struct ma_frame_info out[4];
	assert_int_equal(ma_symbols_resolve(s, addr_a, 150, out, 4), 1);
	assert_string_equal(out[0].function, "ma_fx_plugin_work_a");
	assert_string_equal(out[0].module, rec_a.path);
	assert_int_equal(ma_symbols_resolve(s, addr_b, 350, out, 4), 1);
	assert_string_equal(out[0].function, "ma_fx_plugin_work_b");
	assert_string_equal(out[0].module, b.path);
	/* Between the two, and before the first, nothing was there. */
	assert_int_equal(ma_symbols_resolve(s, addr_a, 250, out, 4), 1);
	assert_null(out[0].module);
	assert_int_equal(ma_symbols_resolve(s, addr_a, 50, out, 4), 1);
	assert_null(out[0].module);
	/* And a's frames are still right after b came. */
	assert_int_equal(ma_symbols_resolve(s, addr_a, 199, out, 4), 1);
	assert_string_equal(out[0].function, "ma_fx_plugin_work_a");
	ma_symbols_free(s);
	free(rec_a.path);
	fx_module_close(&b);
}

/* Copies the inline plugin into dir, its debug info into debug (a path),
 * strips the copy and, if link, points its .gnu_debuglink at debug. */
static char *stripped_copy(const char *dir, const char *debug, int link)
{
	char *copy;
	assert_true(asprintf(&copy, "%s/sym_inline.so", dir) > 0);
	assert_int_equal(fx_run("cp '%s' '%s'", inl.path, copy), 0);
	assert_int_equal(fx_run("${OBJCOPY:-objcopy} --only-keep-debug '%s' '%s'",
				copy, debug), 0);
	assert_int_equal(fx_run("${STRIP:-strip} --strip-all '%s'", copy), 0);
	if (link)
		assert_int_equal(fx_run("${OBJCOPY:-objcopy} --add-gnu-debuglink='%s' '%s'",
					debug, copy), 0);
	assert_int_equal(fx_run("${READELF:-readelf} -S '%s' | grep -q debug_info",
				copy) != 0, 1);
	return copy;
}

/* The inline chain of ma_fx_outer, from the fixture's file at path
 * (a copy of it, stripped or not), looked up with opts. */
static void expect_chain_of(const struct ma_symbols_opts *opts, const char *path)
{
	struct ma_symbols *s = ma_symbols_new(opts);
	assert_non_null(s);
	assert_int_equal(add(s, 1, &inl, path, 0), 0);
	expect_inline_chain(s, addr_in(&inl, "ma_fx_outer"), path);
	ma_symbols_free(s);
}

static void test_debuglink(void **state)
{
	char *dir = fx_tmpdir(), *debug;
	assert_non_null(dir);
	assert_true(asprintf(&debug, "%s/sym_inline.so.debug", dir) > 0);
	char *copy = stripped_copy(dir, debug, 1);
	expect_chain_of(NULL, copy);
	free(copy);
	free(debug);
	fx_tmpdir_remove(dir);
}

/* Without .debug_aranges (clang does not emit them by default) the unit
 * is found by its own ranges: the same functions, files, lines and
 * inlined calls. */
static void test_no_aranges(void **state)
{
	char *dir = fx_tmpdir(), *copy;
	assert_non_null(dir);
	assert_true(asprintf(&copy, "%s/sym_inline.so", dir) > 0);
	assert_int_equal(fx_run("${OBJCOPY:-objcopy} --remove-section .debug_aranges '%s' '%s'",
				inl.path, copy), 0);
	assert_int_equal(fx_run("${READELF:-readelf} -S '%s' | grep -q debug_aranges", copy) != 0,
			 1);
	expect_chain_of(NULL, copy);
	free(copy);
	fx_tmpdir_remove(dir);
}

/* No debuglink: the debug file is found only by build-id, under
 * <debug dir>/.build-id/xx/yyyy.debug. */
static void test_build_id_dir(void **state)
{
	char *dir = fx_tmpdir(), *dbg, *sub, *debug;
	const char *hex = fx_build_id_hex(&inl);
	assert_non_null(dir);
	assert_true(asprintf(&dbg, "%s/debug", dir) > 0);
	assert_true(asprintf(&sub, "%s/.build-id/%.2s", dbg, hex) > 0);
	assert_true(asprintf(&debug, "%s/%s.debug", sub, hex + 2) > 0);
	assert_int_equal(fx_run("mkdir -p '%s'", sub), 0);
	char *copy = stripped_copy(dir, debug, 0);
	const char *dirs[] = { dbg, NULL };
	struct ma_symbols_opts opts = { .debug_dirs = dirs };
	expect_chain_of(&opts, copy);
	free(copy);
	free(debug);
	free(sub);
	free(dbg);
	fx_tmpdir_remove(dir);
}

/* Without its debug file a stripped library still names its exported
 * functions, from .dynsym, and says what is missing. */
static void test_stripped_without_debug(void **state)
{
	char *dir = fx_tmpdir(), *debug;
	assert_non_null(dir);
	assert_true(asprintf(&debug, "%s/elsewhere.debug", dir) > 0);
	char *copy = stripped_copy(dir, debug, 0);
	assert_int_equal(fx_run("rm '%s'", debug), 0);
	struct ma_symbols *s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 1, &inl, copy, 0), 0);
	struct ma_frame_info out[4];
	uint64_t addr = addr_in(&inl, "ma_fx_outer");
	assert_int_equal(ma_symbols_resolve(s, addr, 1, out, 4), 1);
	assert_string_equal(out[0].function, "ma_fx_outer");
	assert_null(out[0].file);
	assert_string_equal(ma_symbols_module_problem(s, 1),
			    "no debug information");
	ma_symbols_free(s);
	free(copy);
	free(debug);
	fx_tmpdir_remove(dir);
}

/* Rust names in both manglings, from a module's DWARF linkage names and,
 * once its copy is stripped, from its .dynsym. */
static void expect_rust(struct ma_symbols *s, struct fx_module *m, int dwarf)
{
	static const char *const want[][2] = {
		{ "_ZN2fx11instantiate17hb65da1f1caa2e1f4E", "fx::instantiate" },
		{ "_RNvMNtCsfeZnyFoSiLL_2fx6shapesINtB2_7WrapperThcEE3getB4_",
		  "<fx::shapes::Wrapper<(u8, char)>>::get" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct ma_frame_info out[4];
		uint64_t addr = addr_in(m, want[i][0]);
		assert_int_equal(ma_symbols_resolve(s, addr, 1, out, 4), 1);
		assert_non_null(out[0].function);
		assert_string_equal(out[0].function, want[i][1]);
		if (dwarf) {
			assert_string_equal(base(out[0].file), "rust_names.c");
			assert_int_not_equal(out[0].line, 0);
		} else {
			assert_null(out[0].file);
		}
	}
}

static void test_rust_names(void **state)
{
	struct fx_module rust;
	assert_int_equal(fx_module_open("sym_rust.so", &rust), 0);
	struct ma_symbols *s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 1, &rust, rust.path, 0), 0);
	expect_rust(s, &rust, 1);
	assert_null(ma_symbols_module_problem(s, 1));
	ma_symbols_free(s);

	char *dir = fx_tmpdir(), *copy;
	assert_non_null(dir);
	assert_true(asprintf(&copy, "%s/sym_rust.so", dir) > 0);
	assert_int_equal(fx_run("cp '%s' '%s' && ${STRIP:-strip} --strip-all '%s'",
				rust.path, copy, copy), 0);
	s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 1, &rust, copy, 0), 0);
	expect_rust(s, &rust, 0);
	assert_string_equal(ma_symbols_module_problem(s, 1), "no debug information");
	ma_symbols_free(s);
	free(copy);
	fx_tmpdir_remove(dir);
	fx_module_close(&rust);
}

/* The same library loaded again at the same place, under a new id. */
static void test_reloaded(void **state)
{
	uint64_t addr = addr_in(&inl, "ma_fx_outer");
	struct ma_symbols *s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 1, &inl, inl.path, 0), 0);
	ma_symbols_module_gone(s, 1, 10);
	assert_int_equal(add(s, 2, &inl, inl.path, 20), 0);
	struct ma_frame_info a[4], b[4];
	assert_int_equal(ma_symbols_resolve(s, addr, 5, a, 4), 3);
	assert_int_equal(ma_symbols_resolve(s, addr, 25, b, 4), 3);
	assert_string_equal(a[2].function, b[2].function);
	assert_int_equal(a[0].line, b[0].line);
	assert_null(ma_symbols_module_problem(s, 2));
	assert_int_equal(ma_symbols_resolve(s, addr, 15, a, 4), 1);
	assert_null(a[0].module);
	ma_symbols_free(s);
}

/* Module paths are read under the sysroot; frames keep the recorded path. */
static void test_sysroot(void **state)
{
	const char *top = getenv("top_builddir");
	char *root;
	assert_true(asprintf(&root, "%s/tests/symbols/.libs", top ? top : ".") > 0);
	struct ma_symbols_opts opts = { .sysroot = root };
	struct ma_symbols *s = ma_symbols_new(&opts);
	free(root); /* the symbolizer keeps its own copy */
	assert_int_equal(add(s, 1, &inl, "/sym_inline.so", 0), 0);
	expect_inline_chain(s, addr_in(&inl, "ma_fx_outer"), "/sym_inline.so");
	ma_symbols_free(s);
}

/* Open descriptors of this process. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* Module paths a trace may name but that must not be read: each gives a
 * bare frame and says why, at once (a FIFO would block an open). */
static void test_untrusted_paths(void **state)
{
	char *dir = fx_tmpdir(), *fifo, *text;
	assert_non_null(dir);
	assert_true(asprintf(&fifo, "%s/fifo", dir) > 0);
	assert_true(asprintf(&text, "%s/notelf.txt", dir) > 0);
	assert_int_equal(fx_run("mkfifo '%s' && yes text | head -n 100 >'%s'",
				fifo, text), 0);
	static const char regular[] =
		"not a regular file (a device, FIFO, directory...): not read";
	const struct {
		const char *path, *problem;
	} cases[] = {
		{ fifo, regular },
		{ "/dev/zero", regular },
		{ "/dev/null", regular },
		{ dir, regular },
		{ text, "not a readable ELF file" },
		{ "/proc/self/status",
		  "on a kernel pseudo-filesystem (/proc, /sys...): not read" },
	};
	uint64_t addr = addr_in(&inl, "ma_fx_outer");
	alarm(30); /* a hang fails the test */
	int fds = open_fds();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ma_symbols *s = ma_symbols_new(NULL);
		assert_int_equal(add(s, 7, &inl, cases[i].path, 0), 0);
		expect_bare(s, 7, addr, cases[i].path, cases[i].problem);
		ma_symbols_free(s);
	}
	assert_int_equal(open_fds(), fds);
	alarm(0);
	free(fifo);
	free(text);
	fx_tmpdir_remove(dir);
}

/* Descriptors opened for modules and debug files are all closed by
 * ma_symbols_free(). */
static void test_no_fd_leak(void **state)
{
	char *dir = fx_tmpdir(), *debug;
	assert_non_null(dir);
	assert_true(asprintf(&debug, "%s/sym_inline.so.debug", dir) > 0);
	char *copy = stripped_copy(dir, debug, 1);
	int fds = open_fds();
	for (int i = 0; i < 3; i++) {
		struct ma_symbols *s = ma_symbols_new(NULL);
		assert_int_equal(add(s, 1, &inl, copy, 0), 0);
		assert_int_equal(add(s, 2, &cxx, cxx.path, 0), 0);
		expect_inline_chain(s, addr_in(&inl, "ma_fx_outer"), copy);
		struct ma_frame_info out[4];
		assert_int_equal(ma_symbols_resolve(s, addr_in(&cxx, "ma_fx_cxx_entry"),
						    1, out, 4), 1);
		assert_non_null(out[0].function);
		ma_symbols_free(s);
	}
	assert_int_equal(open_fds(), fds);
	free(copy);
	free(debug);
	fx_tmpdir_remove(dir);
}

/* Local files off: the recorded path is not opened; a debug file of the
 * recorded build-id in a debug directory names the frames by itself. */
static void test_no_local_files(void **state)
{
	uint64_t addr = addr_in(&inl, "ma_fx_outer");
	struct ma_symbols_opts opts = { .no_local_files = 1 };
	struct ma_symbols *s = ma_symbols_new(&opts);
	assert_int_equal(add(s, 1, &inl, inl.path, 0), 0);
	expect_bare(s, 1, addr, inl.path,
		    "not opened: local files are off (--no-local-files)");
	ma_symbols_free(s);

	char *dir = fx_tmpdir(), *dbg, *sub, *debug;
	const char *hex = fx_build_id_hex(&inl);
	assert_non_null(dir);
	assert_true(asprintf(&dbg, "%s/debug", dir) > 0);
	assert_true(asprintf(&sub, "%s/.build-id/%.2s", dbg, hex) > 0);
	assert_true(asprintf(&debug, "%s/%s.debug", sub, hex + 2) > 0);
	assert_int_equal(fx_run("mkdir -p '%s'", sub), 0);
	char *copy = stripped_copy(dir, debug, 0);
	const char *dirs[] = { dbg, NULL };
	opts.debug_dirs = dirs;
	s = ma_symbols_new(&opts);
	assert_int_equal(add(s, 1, &inl, "/nonexistent/sym_inline.so", 0), 0);
	expect_inline_chain(s, addr, "/nonexistent/sym_inline.so");
	ma_symbols_free(s);
	free(copy);
	free(debug);
	free(sub);
	free(dbg);
	fx_tmpdir_remove(dir);
}

/* Bytes written to stderr so far, stderr going to file f. */
static long stderr_bytes(const char *f)
{
	FILE *fp;
	long n;

	fflush(stderr);
	assert_non_null(fp = fopen(f, "r"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	fclose(fp);
	return n;
}

/* Loading modules ahead says nothing on stderr, even for a module whose
 * file changed: that is said once, when the module is first used. */
static void test_load_ahead_quiet(void **state)
{
	char *dir = fx_tmpdir(), *copy, *err;
	uint64_t addr = addr_in(&inl, "ma_fx_outer");
	struct fx_module changed = inl;
	int saved, fd;

	(void)state;
	assert_non_null(dir);
	/* a path of its own: a problem is said once per path and process */
	assert_true(asprintf(&copy, "%s/quiet.so", dir) > 0);
	assert_true(asprintf(&err, "%s/stderr", dir) > 0);
	assert_int_equal(fx_run("cp '%s' '%s'", inl.path, copy), 0);
	changed.build_id[0] ^= 0xff;
	fflush(stderr);
	saved = dup(2);
	assert_true((fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);

	struct ma_symbols *s = ma_symbols_new(NULL);
	assert_int_equal(add(s, 1, &changed, copy, 0), 0);
	assert_int_equal(add(s, 2, &cxx, cxx.path, 0), 0);
	ma_symbols_load(s, 0);
	ma_symbols_load(s, 1);
	ma_symbols_load(s, 2);   /* no such module: nothing */
	assert_int_equal(stderr_bytes(err), 0);
	struct ma_frame_info out[4];
	assert_int_equal(ma_symbols_resolve(s, addr_in(&cxx, "ma_fx_cxx_entry"), 1, out, 4), 1);
	assert_non_null(out[0].function);
	assert_int_equal(stderr_bytes(err), 0);
	expect_bare(s, 1, addr, copy, MISMATCH);
	long said = stderr_bytes(err);
	assert_true(said > 0);
	expect_bare(s, 1, addr, copy, MISMATCH);
	assert_int_equal(stderr_bytes(err), said);
	ma_symbols_free(s);

	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	free(copy);
	free(err);
	fx_tmpdir_remove(dir);
}

#define NCTX (MA_SYMCTX_LIVE + 2)

/* Processes of one analysis share what they symbolize: a fork child
 * asking for an address of the same module file is answered without a
 * symbolizer of its own; processes whose files differ each load one, and
 * at most MA_SYMCTX_LIVE are kept, the least recently used dropped and
 * loaded again when needed. */
static void test_symctx_shared(void **state)
{
	struct ma_symctx_shared sh = { 0 };
	struct ma_symctx c[NCTX];
	struct ma_analysis_opts o;
	struct ma_pool pool;
	struct ma_stack st;
	char *dir = fx_tmpdir(), *copy[NCTX];
	uint64_t addr = addr_in(&inl, "ma_fx_outer");
	size_t live = 0;

	(void)state;
	assert_non_null(dir);
	ma_pool_init(&pool);
	ma_analysis_opts_init(&o);
	for (int i = 0; i < NCTX; i++) {
		assert_true(asprintf(&copy[i], "%s/copy%d.so", dir, i) > 0);
		assert_int_equal(fx_run("cp '%s' '%s'", inl.path, copy[i]), 0);
	}
	/* The same file in every process: one symbolizer, the first's. */
	for (int i = 0; i < NCTX; i++) {
		struct ma_rec_module m = { 1, inl.bias, inl.lo, inl.hi,
					   { (const uint8_t *)inl.path, (uint32_t)strlen(inl.path) },
					   { inl.build_id, (uint32_t)inl.build_id_len } };
		assert_int_equal(ma_symctx_init(&c[i], &pool, &o), 0);
		c[i].shared = &sh;
		assert_int_equal(ma_symctx_add_module(&c[i], &m, 0), 0);
		assert_int_equal(ma_symctx_stack(&c[i], &addr, 1, 1, &st), 0);
		assert_int_equal(st.nframes, 3);
		assert_string_equal(st.frames[0].function, "ma_fx_leaf");
		assert_string_equal(st.frames[2].function, "ma_fx_outer");
		assert_int_equal(st.frames[2].addr, addr);
		assert_true((c[i].sym != NULL) == (i == 0));
	}
	for (int i = 0; i < NCTX; i++)
		ma_symctx_release(&c[i]);
	/* A file of its own in each: each loads a symbolizer, four kept. */
	for (int i = 0; i < NCTX; i++) {
		struct ma_rec_module m = { 1, inl.bias, inl.lo, inl.hi,
					   { (const uint8_t *)copy[i], (uint32_t)strlen(copy[i]) },
					   { inl.build_id, (uint32_t)inl.build_id_len } };
		assert_int_equal(ma_symctx_init(&c[i], &pool, &o), 0);
		c[i].shared = &sh;
		assert_int_equal(ma_symctx_add_module(&c[i], &m, 0), 0);
		assert_int_equal(ma_symctx_stack(&c[i], &addr, 1, 1, &st), 0);
		assert_int_equal(st.nframes, 3);
		assert_string_equal(base(st.frames[0].file), "inline.c");
		assert_string_equal(st.frames[0].module, copy[i]);
	}
	for (int i = 0; i < NCTX; i++)
		live += c[i].sym != NULL;
	assert_int_equal(live, MA_SYMCTX_LIVE);
	assert_null(c[0].sym);             /* the first two, used least recently */
	assert_null(c[1].sym);
	assert_non_null(c[NCTX - 1].sym);
	/* Dropped, then needed again (an address not resolved before): loaded
	 * again, and another dropped. */
	uint64_t next = addr + 1;
	assert_int_equal(ma_symctx_stack(&c[0], &next, 1, 1, &st), 0);
	assert_true(st.nframes >= 1);
	assert_string_equal(st.frames[st.nframes - 1].function, "ma_fx_outer");
	assert_non_null(c[0].sym);
	assert_null(c[2].sym);
	for (int i = 0; i < NCTX; i++) {
		ma_symctx_release(&c[i]);
		free(copy[i]);
	}
	assert_int_equal(sh.n, 0);
	ma_symctx_shared_release(&sh);
	ma_pool_release(&pool);
	fx_tmpdir_remove(dir);
}

static int cpu_count(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
}

/* Waits up to 20 s for module mod to be loaded by the thread. */
static int wait_loaded(struct ma_symbols_ahead *p, size_t mod)
{
	for (int i = 0; i < 2000 && !ma_symbols_ahead_loaded(p, mod); i++)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	return ma_symbols_ahead_loaded(p, mod);
}

/* The symbolizer loaded on a thread: the modules wanted are loaded in
 * turn, those not wanted are not; it is taken over with the events
 * registered so far, the later ones registered by the taker; one thread
 * at a time. */
static void test_symbols_ahead(void **state)
{
	const struct ma_module mods[] = {
		{ 1, inl.bias, inl.lo, inl.hi, 0, UINT64_MAX, inl.path,
		  inl.build_id, inl.build_id_len },
		{ 2, cxx.bias, cxx.lo, cxx.hi, 0, 5, cxx.path, cxx.build_id, cxx.build_id_len },
	};
	const struct ma_modev log[] = {
		{ .ts = 0, .mod = 0 },
		{ .ts = 0, .mod = 1 },
		{ .ts = 5, .id = 2, .gone = 1 },
	};
	uint64_t in_cxx = addr_in(&cxx, "ma_fx_cxx_entry");
	struct ma_frame_info out[4];
	struct ma_symbols_ahead *p;
	struct ma_symbols *s;
	size_t fed = 0;

	(void)state;
	p = ma_symbols_ahead_start(NULL, mods, log, 2);
	if (cpu_count() < 2) {   /* never a thread on one CPU */
		assert_null(p);
		return;
	}
	assert_non_null(p);
	assert_null(ma_symbols_ahead_start(NULL, mods, log, 2));   /* one at a time */
	assert_int_equal(ma_symbols_ahead_want(p, 1), 1);
	assert_int_equal(ma_symbols_ahead_want(p, 2), 0);   /* not registered */
	assert_true(wait_loaded(p, 1));
	assert_false(ma_symbols_ahead_loaded(p, 0));        /* never wanted */
	assert_non_null(s = ma_symbols_ahead_take(p, &fed));
	assert_int_equal(fed, 2);
	assert_int_equal(ma_symbols_feed(s, mods, log, fed, 3), 0);
	expect_inline_chain(s, addr_in(&inl, "ma_fx_outer"), inl.path);
	assert_int_equal(ma_symbols_resolve(s, in_cxx, 4, out, 4), 1);
	assert_non_null(out[0].function);
	assert_int_equal(ma_symbols_resolve(s, in_cxx, 6, out, 4), 1);   /* gone */
	assert_null(out[0].function);
	assert_null(out[0].module);
	ma_symbols_free(s);

	/* Taken at once, whatever it has loaded: the next one may start. */
	assert_non_null(p = ma_symbols_ahead_start(NULL, mods, log, 3));
	assert_int_equal(ma_symbols_ahead_want(p, 0), 1);
	assert_non_null(s = ma_symbols_ahead_take(p, &fed));
	assert_int_equal(fed, 3);
	expect_inline_chain(s, addr_in(&inl, "ma_fx_outer"), inl.path);
	ma_symbols_free(s);
	assert_non_null(p = ma_symbols_ahead_start(NULL, mods, log, 1));
	ma_symbols_free(ma_symbols_ahead_take(p, &fed));
	assert_int_equal(fed, 1);
	assert_null(ma_symbols_ahead_take(NULL, &fed));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inlined_chain),
		cmocka_unit_test(test_load_ahead_quiet),
		cmocka_unit_test(test_symbols_ahead),
		cmocka_unit_test(test_symctx_shared),
		cmocka_unit_test(test_cxx_name),
		cmocka_unit_test(test_rust_names),
		cmocka_unit_test(test_unknown_address),
		cmocka_unit_test(test_build_id_mismatch),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_plugins_by_time),
		cmocka_unit_test(test_debuglink),
		cmocka_unit_test(test_build_id_dir),
		cmocka_unit_test(test_no_aranges),
		cmocka_unit_test(test_stripped_without_debug),
		cmocka_unit_test(test_sysroot),
		cmocka_unit_test(test_reloaded),
		cmocka_unit_test(test_untrusted_paths),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_no_local_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
