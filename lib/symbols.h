/* Symbolization of recorded addresses, offline, with elfutils libdwfl.
 *
 * The trace's module map (path, load bias, address range, build-id, and
 * when each module came and went) is fed in with ma_symbols_add_module();
 * addresses are then resolved lazily, one at a time, and cached per
 * module, so only what a report shows is ever looked up.
 *
 * A module whose file on disk has another build-id than the recorded one
 * is never used for names: its frames show as module+offset, and
 * ma_symbols_module_problem() says why.  Separate debug files are found by
 * build-id (/usr/lib/debug/.build-id/xx/yyyy.debug and the debug
 * directories given), by .gnu_debuglink, and under the sysroot.
 *
 * Strings returned are owned by the symbolizer and live until
 * ma_symbols_free(). */
#ifndef MA_SYMBOLS_H
#define MA_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct ma_symbols;

struct ma_symbols_opts {
	const char *const *debug_dirs; /* NULL-terminated, or NULL */
	const char *sysroot;           /* prefix for every module path, or NULL */
};

/* One source-level frame.  A machine frame yields one of these for the
 * function it is in, preceded by one for each inlined call in it. */
struct ma_frame_info {
	const char *function;  /* demangled (C++, Rust legacy and v0); NULL if unknown */
	const char *file;      /* source file, NULL if unknown */
	unsigned line;         /* 0 if unknown */
	const char *module;    /* module path as recorded, NULL outside every module */
	uint64_t offset;       /* address - load bias of the module */
	int inlined;           /* 1: inlined into the frame that follows it */
};

struct ma_symbols *ma_symbols_new(const struct ma_symbols_opts *opts);
void ma_symbols_free(struct ma_symbols *s);

/* Registers a module as recorded; ts is when it was loaded (0 = start).
 * Returns 0, or -1 when out of memory. */
int ma_symbols_add_module(struct ma_symbols *s, uint64_t id, uint64_t bias,
			  uint64_t lo, uint64_t hi, const char *path,
			  const uint8_t *build_id, size_t build_id_len, uint64_t ts);
/* The module was unloaded at ts. */
void ma_symbols_module_gone(struct ma_symbols *s, uint64_t id, uint64_t ts);

/* Resolves a return address taken at time ts (the module map of that
 * moment is used; it looks up addr - 1, the call instruction).  Fills
 * out[0..n) innermost first (inlined frames, then the function that holds
 * them) and returns n >= 1; never fails: an unknown address gives one
 * frame with function NULL. */
int ma_symbols_resolve(struct ma_symbols *s, uint64_t addr, uint64_t ts,
		       struct ma_frame_info *out, int max);

/* Why a module's names cannot be trusted or found ("build-id mismatch:
 * the file changed since the recording", "file not found", "no debug
 * information"), or NULL when it symbolizes normally. */
const char *ma_symbols_module_problem(struct ma_symbols *s, uint64_t id);

/* Demangles a C++ or Rust (legacy or v0) symbol; returns a malloc'd string,
 * or NULL when name is not mangled or cannot be demangled. */
char *ma_demangle(const char *name);

#endif
