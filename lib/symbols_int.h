/* Private parts of the symbolizer: the module map, the per-module cache
 * of resolved addresses and the libdwfl layer.  See lib/symbols.h for the
 * contract and docs/symbols.md for how it works. */
#ifndef MA_SYMBOLS_INT_H
#define MA_SYMBOLS_INT_H

#include <elfutils/libdwfl.h>
#include <stdint.h>

#include "symbols.h"

/* Frames of one resolved address, innermost first.  Owns its strings
 * except each frame's module, which points at the module's path. */
struct ma_sym_entry {
	uint64_t offset;
	int n;
	struct ma_frame_info *frames;
};

/* Open addressing, keyed by the offset inside the module. */
struct ma_sym_cache {
	struct ma_sym_entry *slots;
	size_t cap;   /* a power of two, or 0 */
	size_t count;
};

enum ma_sym_state {
	MA_SYM_UNLOADED = 0, /* not reported to libdwfl yet */
	MA_SYM_READY,        /* reported; names may be used */
	MA_SYM_BROKEN,       /* never use names: see problem */
};

/* The units of a module with their address ranges, listed when libdwfl
 * finds no unit for an address (symbols_units.c). */
struct ma_sym_unit_range;
struct ma_sym_units {
	struct ma_sym_unit_range *v; /* sorted by start */
	size_t n, cap;
	int built;
};

struct ma_sym_module {
	uint64_t id;
	uint64_t bias, lo, hi; /* hi is exclusive */
	uint64_t load_ts, gone_ts; /* gone_ts is UINT64_MAX while loaded */
	char *path;
	uint8_t *build_id;
	size_t build_id_len;
	enum ma_sym_state state;
	const char *problem; /* a static string, or NULL */
	size_t seq;          /* order of ma_symbols_add_module() calls */
	int to_note;         /* its own load found a problem to say */
	int noted;           /* the problem was said on stderr */
	struct ma_symbols *owner; /* the userdata libdwfl hands our callbacks */
	Dwfl_Module *dwmod;
	struct ma_sym_cache cache;
	struct ma_sym_units units;
};

struct ma_symbols {
	Dwfl *dwfl;
	Dwfl_Callbacks callbacks;
	char *sysroot;
	int rootfd;           /* the sysroot, O_PATH; -1 without one or when
			       * it cannot be opened (nothing is found then) */
	int no_local_files;   /* open trace paths only under the sysroot */
	char **debug_dirs;    /* where debug files are looked up, trusted */
	size_t ndebug_dirs;
	struct ma_sym_module **mods; /* sorted by lo when !unsorted */
	size_t nmods, capmods;
	int unsorted;
	uint64_t max_span; /* the largest hi - lo, bounds the search */
};

/* The problem strings of ma_symbols_module_problem(). */
#define MA_SYM_E_BUILD_ID "build-id mismatch: the file changed since the recording"
#define MA_SYM_E_NOFILE "file not found"
#define MA_SYM_E_NODEBUG "no debug information"
#define MA_SYM_E_NOTELF "not a readable ELF file"
#define MA_SYM_E_NOTREG "not a regular file (a device, FIFO, directory...): not read"
#define MA_SYM_E_PSEUDO "on a kernel pseudo-filesystem (/proc, /sys...): not read"
#define MA_SYM_E_SIZE "file larger than 16 GiB: not read"
#define MA_SYM_E_DENIED "path leaves the sysroot: not read"
#define MA_SYM_E_PERM "permission denied"
#define MA_SYM_E_NOLOCAL "not opened: local files are off (--no-local-files)"

/* The largest module or debug file read. */
#define MA_SYM_MAX_FILE ((off_t)16 << 30)

/* symbols_open.c */
/* Opens a file named by the trace (trace_path: under the sysroot, when
 * there is one, and confined to it) or a debug file (trace_path 0, a
 * path as is): a regular ELF file of a sane size, never blocking.
 * Returns the descriptor (blocking again) or -1 with *problem set; *bid
 * gets its build-id, malloc'd. */
int ma_sym_open_elf(const struct ma_symbols *s, const char *path, int trace_path,
		    const char **problem, uint8_t **bid, size_t *bid_len);
/* A debug file by build-id in the trusted debug directories; returns its
 * descriptor, *found its path (malloc'd; found may be NULL), or -1. */
int ma_sym_debug_by_build_id(const struct ma_symbols *s, const unsigned char *bid,
			     size_t len, char **found);
/* The find_debuginfo callback given to libdwfl. */
int ma_sym_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name,
			  const char *debuglink_file, GElf_Word debuglink_crc,
			  char **debuginfo_file_name);

/* symbols_dwfl.c */
int ma_sym_dwfl_init(struct ma_symbols *s, const struct ma_symbols_opts *opts);
void ma_sym_dwfl_end(struct ma_symbols *s);
/* Reports m to libdwfl the first time it is needed and checks it.  A
 * problem it finds is said on stderr only by ma_sym_module_use(), when
 * the module is used: a module loaded ahead (ma_symbols_load) that no
 * report needs says nothing. */
void ma_sym_module_load(struct ma_symbols *s, struct ma_sym_module *m);
/* Loads m if it is not yet, and says its problem if it has one to say. */
void ma_sym_module_use(struct ma_symbols *s, struct ma_sym_module *m);
/* Fills e (offset already set) for a READY module; returns 0 or -1 (OOM). */
int ma_sym_dwfl_resolve(struct ma_sym_module *m, struct ma_sym_entry *e);

/* symbols_units.c: the DWARF unit of m holding addr (a module address,
 * the bias included), by libdwfl (.debug_aranges) or else by the units'
 * own ranges; 1 with *cu and *bias set, 0 when none holds it. */
int ma_sym_unit_at(struct ma_sym_module *m, GElf_Addr addr, Dwarf_Die *cu, Dwarf_Addr *bias);
void ma_sym_units_release(struct ma_sym_units *u);

/* symbols_scopes.c: the scopes of the concrete DIE tree holding pc in
 * the unit cudie, innermost first up to the root of the innermost's own
 * unit, into a malloc'd *scopes; how many (0: none, *scopes NULL).
 * ma_sym_scopes_at is one walk (ma_sym_scopes_walk, -1 when it gives up
 * or runs out of memory), else libdw's two (ma_sym_scopes_libdw). */
int ma_sym_scopes_at(Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die **scopes);
int ma_sym_scopes_walk(Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die **scopes);
int ma_sym_scopes_libdw(Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die **scopes);
/* Drops what the walks keep of units (their DIEs are about to go): when
 * a symbolizer ends. */
void ma_sym_scopes_forget(void);

/* symbols_cache.c */
struct ma_sym_entry *ma_sym_cache_find(struct ma_sym_cache *c, uint64_t offset);
/* Takes over e's frames; returns the stored entry, or NULL when out of
 * memory (e is then left to the caller). */
struct ma_sym_entry *ma_sym_cache_add(struct ma_sym_cache *c,
				      const struct ma_sym_entry *e);
void ma_sym_cache_release(struct ma_sym_cache *c);
void ma_sym_entry_release(struct ma_sym_entry *e);

#endif
