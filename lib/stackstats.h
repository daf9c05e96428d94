/* The stack table of one trace: each distinct stack id with its frames
 * (from its MA_REC_STACK definition, which may come after its first use)
 * and what happened through it.  Grows with the number of distinct
 * stacks, never with the number of events. */
#ifndef MA_STACKSTATS_H
#define MA_STACKSTATS_H

#include <stddef.h>
#include <stdint.h>

/* Stacks copied in from another trace (a fork parent's) get ids with this
 * bit set so they never collide with the trace's own. */
#define MA_STACK_FOREIGN (1ull << 63)

struct ma_stackstat {
	uint64_t id;
	uint64_t *frames;       /* malloc'd, NULL until defined */
	uint32_t depth;
	uint64_t first_ts;      /* first use, for the module map of then */
	uint64_t calls;         /* blocks allocated through this stack */
	uint64_t bytes;         /* bytes requested through it */
	uint64_t temp_calls, temp_bytes; /* temporary allocations */
	/* Scratch counters for snapshots and leak lists (see snapshot.c). */
	uint64_t snap_blocks, snap_bytes;
	/* Blocks and bytes live through it now, in the first pass, and what
	 * they were at the last peak when peak_epoch is the replay's (see
	 * replay.c, live_stack). */
	uint64_t live_blocks, live_bytes;
	uint64_t peak_epoch, peak_blocks, peak_bytes;
	/* Its key when sites are grouped by whole stack (sitelist.c), made
	 * once: every list of the full report groups the same stacks. */
	const void *site_key;
};

struct ma_stacktab {
	struct ma_stackstat *v;  /* dense, in order of first sight */
	size_t n, alloc;
	size_t defined;          /* entries with frames */
	uint32_t *index;         /* hash of id -> position + 1; 0 = empty */
	size_t mask;
};

void ma_stacktab_init(struct ma_stacktab *t);
void ma_stacktab_release(struct ma_stacktab *t);
/* The entry of id, created (zeroed, no frames) if new; NULL when out of
 * memory.  Pointers stay valid only until the next call that creates. */
struct ma_stackstat *ma_stacktab_get(struct ma_stacktab *t, uint64_t id);
struct ma_stackstat *ma_stacktab_find(const struct ma_stacktab *t, uint64_t id);
/* Stores the frames of id (copied); a second definition is ignored. */
int ma_stacktab_define(struct ma_stacktab *t, uint64_t id, const uint64_t *frames,
		       uint32_t depth);
/* Zeroes snap_blocks and snap_bytes of every entry. */
void ma_stacktab_clear_snap(struct ma_stacktab *t);

#endif
