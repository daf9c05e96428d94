/* Helpers of tests/unit/test_symbols.c: load a fixture plugin and read
 * back what the probe would have recorded about it (path, load bias,
 * address range, build-id), find marked lines in fixture sources, and
 * run the binutils that make stripped copies. */
#ifndef MA_FX_FIXTURE_UTIL_H
#define MA_FX_FIXTURE_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct fx_module {
	char *path; /* as the loader reports it */
	uint64_t bias, lo, hi;
	uint8_t build_id[64];
	size_t build_id_len;
	void *handle;
};

/* dlopens $top_builddir/tests/symbols/.libs/<name>; 0 or -1. */
int fx_module_open(const char *name, struct fx_module *m);
void fx_module_close(struct fx_module *m);
void *fx_module_sym(struct fx_module *m, const char *sym);

/* The line of $top_srcdir/<file> holding marker, or 0. */
unsigned fx_marker_line(const char *file, const char *marker);

/* Runs a shell command built like printf; returns its exit status. */
int fx_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A fresh directory under $TMPDIR; removed by fx_tmpdir_remove. */
char *fx_tmpdir(void);
void fx_tmpdir_remove(char *dir);

/* The build-id as lower-case hex, in a static buffer. */
const char *fx_build_id_hex(const struct fx_module *m);

#endif
