/* Symbolization of recorded addresses, offline, with elfutils libdwfl.
 *
 * The trace's module map (path, load bias, address range, build-id, and
 * when each module came and went) is fed in with ma_symbols_add_module();
 * addresses are then resolved lazily, one at a time, and cached per
 * module, so only what a report shows is ever looked up.
 *
 * A trace is untrusted input: a module path is opened only when it is a
 * regular file (stat first; then O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC
 * and fstat), not on /proc or /sys, at most 16 GiB, and used only when it
 * is an ELF file with the recorded build-id.  Otherwise its frames show
 * as module+offset and ma_symbols_module_problem() says why.  Separate debug files are found by
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
	int no_local_files;            /* open a path the trace names only under
					* sysroot; debug files only from
					* debug_dirs and the sysroot */
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

/* Loads the k-th module registered, if it is not loaded yet, as the
 * first address resolved in it would (its file, symbol table and DWARF),
 * so that resolving is quick afterwards.  Says nothing on stderr: a
 * module's problem is said when it is first used.  Valid only before the
 * first ma_symbols_resolve() or ma_symbols_module_problem() (which sort
 * the modules).  Another thread may run this while the caller does other
 * work, as long as it leaves s alone meanwhile. */
void ma_symbols_load(struct ma_symbols *s, size_t k);

/* Why a module's names cannot be trusted or found ("build-id mismatch:
 * the file changed since the recording", "file not found", "no debug
 * information", "not a regular file...", "not a readable ELF file"...),
 * or NULL when it symbolizes normally.  A problem that says the trace
 * names a file it should not (anything but a missing file or missing
 * debug information) is also said once on stderr. */
const char *ma_symbols_module_problem(struct ma_symbols *s, uint64_t id);

/* Demangles a C++ or Rust (legacy or v0) symbol; returns a malloc'd string,
 * or NULL when name is not mangled or cannot be demangled. */
char *ma_demangle(const char *name);

#endif
