/* The live set: every block allocated and not yet released, by address.
 *
 * Open addressing with linear probing and backward-shift deletion, so it
 * never holds tombstones and its size follows the live set, not the
 * number of events replayed.  Address 0 marks an empty slot (no
 * allocator returns it).
 *
 * The table is split in segments (extendible hashing): the top bits of
 * an address's hash pick a segment through a directory, the low bits a
 * slot in it.  A segment grows by doubling until it is full size (2 MiB,
 * one huge page); a full segment that fills up splits in two, the new
 * one taking the addresses whose next hash bit is set.  Memory once
 * handed to the table stays in it: a table of a million live blocks is
 * faulted in and cleared once, where doubling one big table cleared
 * twice its final size and held both copies while it rehashed (in this
 * VM the kernel clearing those pages was a fifth of the replay).
 *
 * Where a block's slot is: the hash of its 2 KiB granule of addresses
 * (addr >> 11) picks the segment and the start of a window of 2048
 * slots in it; the block's offset in the granule is its home slot's
 * place in that window.  A program's events go mostly to blocks near the
 * one before (the top of the heap, a size class's run, a structure freed
 * in the order it was built), and their slots are then near each other
 * too, in pages and lines already fetched.  With a random slot for every
 * block, every event of a replay with a million live blocks missed the
 * TLB, and the lookahead's prefetches waited on the walks of the page
 * tables (docs/performance.md).  Windows place homes less evenly than a
 * random hash, and blocks a byte or two apart (no allocator's, but a
 * trace may hold anything) crowd them into long probe runs: a segment
 * whose insertions have gone past more than SCATTER_MEAN slots each, on
 * average, moves to scattered homes, a hash of the whole address, once
 * and for good. */
#ifndef MA_LIVEMAP_H
#define MA_LIVEMAP_H

#include <stddef.h>
#include <stdint.h>

enum ma_block_flag {
	MA_BLOCK_F_INHERITED = 1u << 0, /* came from the parent across fork */
};

/* A live block, as the map hands it in and out. */
struct ma_block {
	uint64_t addr;
	uint64_t size;
	uint32_t stack;      /* position in the owning replay's stack table
			      * (ma_stacktab), not the trace's stack id */
	uint8_t fn;          /* enum ma_fn of the allocation */
	uint8_t flags;       /* enum ma_block_flag */
};

/* A slot: the address and the rest packed in 16 bytes, four to a cache
 * line (livemap.c).  A block whose size, stack or fn does not fit the
 * packing (a block of 16 GiB or more, say) keeps its slot but stores the
 * block whole in a side table. */
struct ma_lmslot {
	uint64_t addr;
	uint64_t info;
};

struct ma_lmseg {
	struct ma_lmslot *slots;
	size_t mask;       /* capacity - 1, capacity a power of two */
	size_t count;
	unsigned depth;    /* top hash bits its addresses share */
	unsigned scatter;  /* homes from the whole address, not its granule */
	size_t puts, passed; /* insertions since it was built, slots they went past */
};

struct ma_livemap {
	struct ma_lmseg *segs;
	size_t nsegs, asegs;
	uint32_t *dir;     /* 2^depth entries: top hash bits -> segment */
	unsigned depth;
	unsigned seg_bits; /* a full segment has 2^seg_bits slots */
	struct ma_lmslot *scratch; /* a full segment's worth, for splits */
	size_t count;
	struct ma_block *big;      /* blocks that do not pack (side table) */
	uint32_t nbig, abig;       /* entries used or freed, allocated */
	uint32_t big_free;         /* first free entry, UINT32_MAX for none */
};

void ma_livemap_init(struct ma_livemap *m);
/* Segments of 2^seg_bits slots at most (4 <= seg_bits <= 17), for tests
 * that want splits without a million blocks; before the first put. */
void ma_livemap_init_small(struct ma_livemap *m, unsigned seg_bits);
void ma_livemap_release(struct ma_livemap *m);
/* Forgets every block, keeps the memory. */
void ma_livemap_clear(struct ma_livemap *m);
/* Inserts b (replacing a block at the same address, whose old value is
 * then copied to *old when old is not NULL).  Returns 1 when it replaced
 * one, 0 when new (or b's address is 0: nothing is stored), -1 when out
 * of memory. */
int ma_livemap_put(struct ma_livemap *m, const struct ma_block *b, struct ma_block *old);
/* Copies the block at addr to *out: 1, or 0 if absent. */
int ma_livemap_get(const struct ma_livemap *m, uint64_t addr, struct ma_block *out);
/* Removes addr, copying the block to *out.  Returns 1, or 0 if absent. */
int ma_livemap_remove(struct ma_livemap *m, uint64_t addr, struct ma_block *out);

/* Iteration: struct ma_livemap_iter it = { 0 }; struct ma_block b;
 * while (ma_livemap_each(m, &it, &b)) ... */
struct ma_livemap_iter {
	size_t seg, slot;
};
int ma_livemap_each(const struct ma_livemap *m, struct ma_livemap_iter *it, struct ma_block *out);

/* The top 32 bits hash addr's granule, and pick its segment; the low 32
 * are its window's start plus addr's offset in the granule. */
#define MA_LIVEMAP_GRANULE_BITS 11
static inline uint64_t ma_livemap_hash(uint64_t addr)
{
	uint64_t g = (addr >> MA_LIVEMAP_GRANULE_BITS) * 0x9e3779b97f4a7c15ull;
	uint32_t offset = (uint32_t)addr & ((1u << MA_LIVEMAP_GRANULE_BITS) - 1);

	return (g & ~(uint64_t)UINT32_MAX) | (uint32_t)((g >> 20) + offset);
}

/* The segment of hash h: its top depth bits (none at depth 0). */
static inline struct ma_lmseg *ma_livemap_seg(const struct ma_livemap *m, uint64_t h)
{
	return &m->segs[m->dir[(h >> 1) >> (63 - m->depth)]];
}

/* Segments smaller than this many slots scatter every home: too few
 * insertions go into one before it doubles to tell whether its windows
 * are crowded (SCATTER_AFTER, livemap.c), and so small a table is in
 * the caches anyway. */
#define MA_LIVEMAP_WINDOWED_MIN 32768

static inline int ma_livemap_windowed(const struct ma_lmseg *s)
{
	return !s->scatter && s->mask >= MA_LIVEMAP_WINDOWED_MIN - 1;
}

/* A hash of the whole address, whose low bits scatter neighbours: the
 * home of a segment that does not use windows (and of lib/latest.c's
 * small table). */
static inline uint32_t ma_livemap_scatter(uint64_t addr)
{
	return (uint32_t)((addr * 0x9e3779b97f4a7c15ull) >> 32);
}

/* The home slot of addr, of hash h, in its segment s. */
static inline size_t ma_livemap_slot(const struct ma_lmseg *s, uint64_t addr, uint64_t h)
{
	if (!ma_livemap_windowed(s))
		return ma_livemap_scatter(addr) & s->mask;
	return (size_t)h & s->mask;
}

/* A hint that addr will soon be looked up, inserted or removed: starts
 * loading the line of its home slot and the next (where its probe run
 * goes on, and which a removal's backward shift reads).  The map may
 * grow before then; the hint is then wasted, never wrong.  Always
 * inlined: GCC takes a function that only prefetches for one without
 * effects and drops the calls to it. */
static inline __attribute__((always_inline)) void ma_livemap_prefetch(const struct ma_livemap *m,
								       uint64_t addr)
{
	const struct ma_lmseg *s;
	uint64_t h;
	size_t i;

	if (!m->nsegs || !addr)
		return;
	h = ma_livemap_hash(addr);
	s = ma_livemap_seg(m, h);
	i = ma_livemap_slot(s, addr, h);
	__builtin_prefetch(&s->slots[i], 1);
	__builtin_prefetch(&s->slots[(i + 4) & s->mask], 1);
}

#endif
