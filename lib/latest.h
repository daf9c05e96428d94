/* Which live blocks are the latest allocation of their thread.
 *
 * A block freed before its thread allocated anything else is a temporary
 * allocation (docs/metrics.md).  The live map does not keep a block's
 * thread: this keeps, per thread, the address of its latest allocation,
 * and the reverse, a small table from those addresses to their threads
 * (at most one entry a thread).  The blocks themselves carry nothing. */
#ifndef MA_LATEST_H
#define MA_LATEST_H

#include <stddef.h>
#include <stdint.h>

/* Threads numbered this or above are not followed: it bounds the
 * per-thread array whatever a trace claims. */
#define MA_LATEST_MAX_THREADS (1u << 20)

struct ma_latest_entry {
	uint64_t addr;      /* 0: empty */
	uint32_t thread;
};

struct ma_latest {
	uint64_t *addr;     /* by thread: its latest allocation still live, or 0 */
	size_t nthreads;
	struct ma_latest_entry *tab;   /* open addressing, by address */
	size_t mask, count;
};

/* A zeroed struct is an empty one. */
void ma_latest_release(struct ma_latest *l);
/* Forgets every block, keeps the memory. */
void ma_latest_clear(struct ma_latest *l);
/* Thread allocated a block at addr (not 0); replaced: it took the place
 * of a live block whose release was never recorded (only then may addr
 * be recorded already).  0, or -1 when out of memory. */
int ma_latest_alloc(struct ma_latest *l, uint32_t thread, uint64_t addr, int replaced);
/* The block at addr is gone.  1 when it was the latest allocation of its
 * thread, else 0. */
int ma_latest_release_block(struct ma_latest *l, uint64_t addr);

#endif
