/* The live set: every block allocated and not yet released, by address.
 *
 * An open-addressing hash table with linear probing and backward-shift
 * deletion, so it never holds tombstones and its size follows the live
 * set, not the number of events replayed.  Address 0 marks an empty slot
 * (no allocator returns it). */
#ifndef MA_LIVEMAP_H
#define MA_LIVEMAP_H

#include <stddef.h>
#include <stdint.h>

enum ma_block_flag {
	MA_BLOCK_F_INHERITED = 1u << 0, /* came from the parent across fork */
};

/* 32 bytes, so a slot never straddles two cache lines and a table of a
 * million live blocks stays small (the replay's time goes to fetching
 * and clearing its pages). */
struct ma_block {
	uint64_t addr;
	uint64_t size;
	/* Allocation number of its thread, for temporaries: 56 bits outlast
	 * any run (a thread allocating 10^9 times a second for two years). */
	uint64_t serial : 56;
	uint64_t fn : 7;     /* enum ma_fn of the allocation */
	uint64_t flags : 1;  /* enum ma_block_flag */
	uint32_t stack;      /* position in the owning replay's stack table
			      * (ma_stacktab), not the trace's stack id */
	uint32_t thread;     /* producer that allocated it */
};

struct ma_livemap {
	struct ma_block *slots;
	size_t mask;       /* capacity - 1, capacity a power of two */
	size_t count;
};

void ma_livemap_init(struct ma_livemap *m);
void ma_livemap_release(struct ma_livemap *m);
/* Forgets every block, keeps the memory. */
void ma_livemap_clear(struct ma_livemap *m);
/* Inserts b (replacing a block at the same address, whose old value is
 * then copied to *old when old is not NULL).  Returns 1 when it replaced
 * one, 0 when new, -1 when out of memory. */
int ma_livemap_put(struct ma_livemap *m, const struct ma_block *b, struct ma_block *old);
struct ma_block *ma_livemap_get(const struct ma_livemap *m, uint64_t addr);
/* Removes addr, copying the block to *out.  Returns 1, or 0 if absent. */
int ma_livemap_remove(struct ma_livemap *m, uint64_t addr, struct ma_block *out);

/* Iteration: for (i = 0; (b = ma_livemap_each(m, &i)); ) ... */
struct ma_block *ma_livemap_each(const struct ma_livemap *m, size_t *i);

/* The home slot of addr in a table of mask + 1 slots. */
static inline size_t ma_livemap_slot(uint64_t addr, size_t mask)
{
	/* Allocator addresses share their low bits; mix them all in. */
	uint64_t h = addr * 0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ (h >> 29)) & mask;
}

/* A hint that addr will soon be looked up, inserted or removed: starts
 * loading its home slot (both cache lines when it straddles two).  The
 * map may grow before then; the hint is then wasted, never wrong.
 * Always inlined: GCC takes a function that only prefetches for one
 * without effects and drops the calls to it. */
static inline __attribute__((always_inline)) void ma_livemap_prefetch(const struct ma_livemap *m, uint64_t addr)
{
	const char *s;

	if (!m->slots || !addr)
		return;
	s = (const char *)&m->slots[ma_livemap_slot(addr, m->mask)];
	__builtin_prefetch(s, 1);
	__builtin_prefetch(s + sizeof(struct ma_block) - 1, 1);
}

#endif
