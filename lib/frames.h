/* From recorded return addresses to the frames a report shows: the
 * trace's module map, the symbolizer (lib/symbols.h), hiding the probe's
 * own frames and the allocator's internals, and the keys lists are
 * grouped by.  Only what is asked for is ever symbolized. */
#ifndef MA_FRAMES_H
#define MA_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "pool.h"
#include "symbols.h"
#include "trace_codec.h"

struct ma_symbols;
struct ma_symbols_ahead;
struct ma_modev;

struct ma_module {
	uint64_t id, bias, lo, hi;
	uint64_t ts_load, ts_gone;   /* ts_gone UINT64_MAX while loaded */
	const char *path;            /* in the pool */
	const uint8_t *build_id;     /* in the pool */
	size_t build_id_len;
};

/* What the processes of one analysis share of symbolization.
 *
 * The frames of every (module file, offset) resolved so far: a fork
 * child, or another run of the same program, asks for the same ones,
 * and its symbolizer then never loads the module (several MiB of DWARF
 * for libc's debug file, 20 ms).
 *
 * The symbolizers kept at once: each holds its modules' DWARF, so a run
 * of 600 processes took 10 GB.  The one used least recently is dropped
 * for a new one; its process's module map stays, and a later lookup
 * loads it again.  Strings handed out are in the pool and outlive it. */
#define MA_SYMCTX_LIVE 4
struct ma_symctx;
struct ma_symctx_done;
struct ma_symctx_shared {
	struct ma_symctx *live[MA_SYMCTX_LIVE];
	size_t n;
	uint64_t clock;
	struct ma_symctx_done *done;  /* open addressing, cap a power of 2 */
	size_t ndone, capdone;
};
void ma_symctx_shared_release(struct ma_symctx_shared *sh);

struct ma_symctx {
	struct ma_module *mods;
	size_t nmods, amods;
	struct ma_modev *log;        /* module events, in replay order */
	size_t nlog, alog;
	int symbolize;               /* 0: module+offset only */
	struct ma_symbols_opts so;
	/* Made when first needed (symbols(), frames.c), from the thread
	 * that loaded it ahead if that has finished (symbols_ahead.h). */
	struct ma_symbols *sym;
	size_t nfed;                 /* events registered in sym */
	struct ma_symbols_ahead *ahead;
	size_t ahead_n;              /* modules registered in it */
	unsigned char *wanted;       /* by module, < ahead_n: asked for */
	size_t want_hint;            /* the module the last frame fell in */
	int ahead_tried;
	struct ma_pool *pool;        /* owns every string and frame handed out */
	struct ma_symctx_shared *shared; /* with the analysis' others; NULL: none */
	uint64_t used;               /* shared->clock when sym was last used */
};

/* Strings and frames handed out live in pool.  -1 when out of memory. */
int ma_symctx_init(struct ma_symctx *c, struct ma_pool *pool,
		   const struct ma_analysis_opts *opts);
void ma_symctx_release(struct ma_symctx *c);
int ma_symctx_add_module(struct ma_symctx *c, const struct ma_rec_module *m, uint64_t ts);
/* -1 when out of memory. */
int ma_symctx_module_gone(struct ma_symctx *c, uint64_t id, uint64_t ts);
/* Registers the modules known so far in a symbolizer for a thread of
 * its own to load (symbols_ahead.h), the first time only. */
void ma_symctx_ahead(struct ma_symctx *c);
/* The modules these return addresses fall in are wanted by the thread
 * (nothing without one). */
void ma_symctx_want(struct ma_symctx *c, const uint64_t *addrs, uint32_t depth);

/* The frames of a stack a report shows, innermost first. */
int ma_symctx_stack(struct ma_symctx *c, const uint64_t *addrs, uint32_t depth,
		    uint64_t ts, struct ma_stack *out);
/* The key a stack is grouped under (interned: compare pointers): for
 * MA_GROUP_SITE a struct ma_sitenode (sitenode.h), else a string, and
 * for MA_GROUP_FUNCTION and MA_GROUP_MODULE the one frame shown for the
 * group into *shown.  NULL when out of memory. */
const void *ma_symctx_key(struct ma_symctx *c, const uint64_t *addrs, uint32_t depth,
			  uint64_t ts, enum ma_group_by by, struct ma_stack *shown);

#endif
