#include "config.h"

#include "livemap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

_Static_assert(sizeof(struct ma_lmslot) == 16, "four slots to a cache line");

#define MIN_SLOTS 64
#define SEG_BITS 17                 /* 2 MiB of 16-byte slots */
#define HUGE_PAGE ((size_t)2 << 20)
/* The directory's depth at most (4 MiB of it, two TiB of segments).  A
 * segment that cannot split (addresses crafted to share their top hash
 * bits) grows by doubling instead. */
#define MAX_DEPTH 20
/* A segment of windowed homes whose insertions went past more than
 * SCATTER_MEAN slots each on average, over SCATTER_AFTER or more, moves
 * to scattered homes (livemap.h).  Filling a full-size segment to the
 * load segments keep (under 3/4), an insertion went past 1.4 slots on
 * average with random homes; in windows, 0.2 to 2.4 with blocks 16 to
 * 4096 bytes apart, up to 4.4 with 8, 25 with 4 and 680 with 2. */
#define SCATTER_MEAN 4
#define SCATTER_AFTER 4096

/* Whether a table of n slots is mapped on its own (slots_new). */
static int mapped(size_t n)
{
	return n * sizeof(struct ma_lmslot) >= HUGE_PAGE;
}

static size_t mapped_bytes(size_t n)
{
	return (n * sizeof(struct ma_lmslot) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

static void slots_free(struct ma_lmslot *p, size_t n)
{
	if (p && mapped(n))
		munmap(p, mapped_bytes(n));
	else
		free(p);
}

/* Zeroed slots.  A big table is looked up at random, one miss of the
 * TLB per lookup with 4 KiB pages; on 2 MiB pages the TLB covers it (on
 * a trace of a million live blocks, a third of the replay's time went to
 * those misses and to faulting the table in page by page).  It is mapped
 * on its own, aligned to 2 MiB: the kernel hands it over zeroed, where
 * aligned_alloc's memory had to be cleared a second time. */
static struct ma_lmslot *slots_new(size_t n)
{
	size_t bytes, head;
	char *p;

	if (!mapped(n))
		return calloc(n, sizeof(struct ma_lmslot));
	bytes = mapped_bytes(n);
	p = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	head = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
	if (head)
		munmap(p, head);
	munmap(p + head + bytes, HUGE_PAGE - head);
	p += head;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return (struct ma_lmslot *)p;
}

/* ---- packing a block into a slot's info word ----
 *
 *   bit 0      0: packed, as below; 1: bits 32-63 index the side table
 *   bits 1-5   fn
 *   bit 6      flags
 *   bits 7-29  stack
 *   bits 30-63 size
 *
 * Why 16 bytes: at 32 (a block with its thread and allocation number) a
 * million live blocks took 64 MiB of table, and the replay's time went to
 * fetching its lines and to the kernel faulting its pages in; at 16 the
 * replays of full-size perl and python3 traces took 13-18 % less time and
 * 43 instead of 75 MB (docs/performance.md). */
#define INFO_BIG 1u
#define FN_BITS 5
#define STACK_BITS 23
#define SIZE_SHIFT 30
#define NO_BIG UINT32_MAX

static int packs(const struct ma_block *b)
{
	return b->fn < (1u << FN_BITS) && b->flags < 2 && b->stack < (1u << STACK_BITS) &&
	       b->size < (UINT64_C(1) << (64 - SIZE_SHIFT));
}

/* The info word of b; -1 when out of memory for its side entry. */
static int pack(struct ma_livemap *m, const struct ma_block *b, uint64_t *info)
{
	uint32_t i;

	if (packs(b)) {
		*info = (uint64_t)b->fn << 1 | (uint64_t)b->flags << 6 |
			(uint64_t)b->stack << 7 | b->size << SIZE_SHIFT;
		return 0;
	}
	if (m->big_free != NO_BIG) {   /* a free entry's stack links the next */
		i = m->big_free;
		m->big_free = m->big[i].stack;
	} else {
		if (m->nbig == m->abig) {
			uint32_t na = m->abig ? 2 * m->abig : 16;
			struct ma_block *v;
			if (na <= m->abig || !(v = realloc(m->big, (size_t)na * sizeof(*v))))
				return -1;
			m->big = v;
			m->abig = na;
		}
		i = m->nbig++;
	}
	m->big[i] = *b;
	*info = (uint64_t)i << 32 | INFO_BIG;
	return 0;
}

static void unpack(const struct ma_livemap *m, const struct ma_lmslot *p, struct ma_block *out)
{
	uint64_t v = p->info;

	if (v & INFO_BIG) {
		*out = m->big[v >> 32];
		return;
	}
	out->addr = p->addr;
	out->size = v >> SIZE_SHIFT;
	out->stack = (uint32_t)(v >> 7) & ((1u << STACK_BITS) - 1);
	out->fn = (uint8_t)((v >> 1) & ((1u << FN_BITS) - 1));
	out->flags = (uint8_t)((v >> 6) & 1);
}

/* Frees the side entry of an info word, if it has one. */
static void unpack_done(struct ma_livemap *m, uint64_t info)
{
	uint32_t i = (uint32_t)(info >> 32);

	if (!(info & INFO_BIG))
		return;
	m->big[i].stack = m->big_free;
	m->big_free = i;
}

void ma_livemap_init(struct ma_livemap *m)
{
	ma_livemap_init_small(m, SEG_BITS);
}

void ma_livemap_init_small(struct ma_livemap *m, unsigned seg_bits)
{
	memset(m, 0, sizeof(*m));
	m->seg_bits = seg_bits;
	m->big_free = NO_BIG;
}

void ma_livemap_release(struct ma_livemap *m)
{
	unsigned seg_bits = m->seg_bits;

	for (size_t k = 0; k < m->nsegs; k++)
		slots_free(m->segs[k].slots, m->segs[k].mask + 1);
	free(m->segs);
	free(m->dir);
	free(m->scratch);
	free(m->big);
	ma_livemap_init_small(m, seg_bits);
}

/* s holds nothing yet: its counts start again. */
static void seg_restart(struct ma_lmseg *s)
{
	s->count = s->puts = s->passed = 0;
}

void ma_livemap_clear(struct ma_livemap *m)
{
	for (size_t k = 0; k < m->nsegs; k++) {
		struct ma_lmseg *s = &m->segs[k];
		memset(s->slots, 0, (s->mask + 1) * sizeof(*s->slots));
		seg_restart(s);
	}
	m->count = 0;
	m->nbig = 0;
	m->big_free = NO_BIG;
}

static struct ma_lmslot *find_slot(const struct ma_lmseg *s, uint64_t h, uint64_t addr)
{
	size_t i = ma_livemap_slot(s, addr, h);

	while (s->slots[i].addr && s->slots[i].addr != addr)
		i = (i + 1) & s->mask;
	return &s->slots[i];
}

/* The slots a probe for addr, of hash h, went past to reach p. */
static size_t run_to(const struct ma_lmseg *s, const struct ma_lmslot *p, uint64_t addr,
		     uint64_t h)
{
	return ((size_t)(p - s->slots) - ma_livemap_slot(s, addr, h)) & s->mask;
}

/* Counts an insertion into windowed segment s that went past `passed`
 * slots; whether s is to scatter its homes now. */
static int crowded(struct ma_lmseg *s, size_t passed)
{
	s->passed += passed;
	return ++s->puts >= SCATTER_AFTER && s->passed > SCATTER_MEAN * s->puts;
}

/* Puts every block of slots[0..n) into the segments the directory now
 * says they belong in; they have room and no address twice. */
static void reinsert(struct ma_livemap *m, const struct ma_lmslot *slots, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (slots[i].addr) {
			uint64_t h = ma_livemap_hash(slots[i].addr);
			struct ma_lmseg *s = ma_livemap_seg(m, h);
			*find_slot(s, h, slots[i].addr) = slots[i];
			s->count++;
		}
}

static int first_segment(struct ma_livemap *m)
{
	size_t n = (size_t)1 << m->seg_bits;

	if (n > MIN_SLOTS)
		n = MIN_SLOTS;
	if (!m->segs && !(m->segs = calloc(1, sizeof(*m->segs))))
		return -1;
	m->asegs = 1;
	if (!m->dir && !(m->dir = calloc(1, sizeof(*m->dir))))
		return -1;
	if (!(m->segs[0].slots = slots_new(n)))
		return -1;
	m->segs[0].mask = n - 1;
	m->nsegs = 1;
	return 0;
}

/* Segment k moves to a table of n slots, of scattered homes or not. */
static int rebuild(struct ma_livemap *m, size_t k, size_t n, unsigned scattered)
{
	struct ma_lmseg *s = &m->segs[k];
	size_t was = s->mask + 1;
	struct ma_lmslot *old = s->slots, *p = slots_new(n);

	if (!p)
		return -1;
	s->slots = p;
	s->mask = n - 1;
	s->scatter = scattered;
	seg_restart(s);
	reinsert(m, old, was);
	slots_free(old, was);
	return 0;
}

static int deepen(struct ma_livemap *m)
{
	size_t n = (size_t)1 << m->depth;
	uint32_t *d = realloc(m->dir, 2 * n * sizeof(*d));

	if (!d)
		return -1;
	for (size_t i = n; i-- > 0;)
		d[2 * i] = d[2 * i + 1] = d[i];
	m->dir = d;
	m->depth++;
	return 0;
}

/* Full-size segment k, the segment of hash h, splits: a new segment
 * takes the addresses whose next hash bit is set, the rest are put back
 * in k. */
static int split(struct ma_livemap *m, size_t k, uint64_t h)
{
	size_t n = (size_t)1 << m->seg_bits, lo, span;
	struct ma_lmseg *s;

	if (m->segs[k].depth == m->depth && deepen(m) < 0)
		return -1;
	if (m->nsegs == m->asegs) {
		size_t na = m->asegs * 2;
		struct ma_lmseg *v = realloc(m->segs, na * sizeof(*v));
		if (!v)
			return -1;
		m->segs = v;
		m->asegs = na;
	}
	if (!m->scratch && !(m->scratch = malloc(n * sizeof(*m->scratch))))
		return -1;
	s = &m->segs[k];
	m->segs[m->nsegs] = (struct ma_lmseg){ .slots = slots_new(n), .mask = n - 1,
					       .depth = s->depth + 1, .scatter = s->scatter };
	if (!m->segs[m->nsegs].slots)
		return -1;
	/* k's directory entries are the 2^(depth - s->depth) from lo, those
	 * with h's top s->depth bits; the upper half of them now go to the
	 * new segment. */
	span = (size_t)1 << (m->depth - s->depth);
	lo = (size_t)((h >> 1) >> (63 - m->depth)) & ~(span - 1);
	for (size_t i = lo + span / 2; i < lo + span; i++)
		m->dir[i] = (uint32_t)m->nsegs;
	m->nsegs++;
	s->depth++;
	memcpy(m->scratch, s->slots, n * sizeof(*s->slots));
	memset(s->slots, 0, n * sizeof(*s->slots));
	seg_restart(s);
	reinsert(m, m->scratch, n);
	return 0;
}

/* Makes room for one more block in the segment of hash h: the load of a
 * segment stays under 3/4, so probes stay short. */
static struct ma_lmseg *room(struct ma_livemap *m, uint64_t h)
{
	struct ma_lmseg *s;

	if (!m->nsegs && first_segment(m) < 0)
		return NULL;
	for (;;) {
		size_t k;
		int full;
		s = ma_livemap_seg(m, h);
		if (s->count + 1 <= (s->mask + 1) / 4 * 3)
			return s;
		k = (size_t)(s - m->segs);
		full = s->mask + 1 >= (size_t)1 << m->seg_bits;
		/* not full size or unable to split: it doubles */
		if ((full && s->depth < MAX_DEPTH ? split(m, k, h) :
		     rebuild(m, k, 2 * (s->mask + 1), s->scatter)) < 0)
			return NULL;
	}
}

int ma_livemap_put(struct ma_livemap *m, const struct ma_block *b, struct ma_block *old)
{
	uint64_t h = ma_livemap_hash(b->addr), info;
	struct ma_lmseg *s;
	struct ma_lmslot *p;

	if (!b->addr)
		return 0;
	if (pack(m, b, &info) < 0)
		return -1;
	if (!(s = room(m, h))) {
		unpack_done(m, info);
		return -1;
	}
	p = find_slot(s, h, b->addr);
	/* out of memory for the rehash, the block goes in the crowded window */
	if (!p->addr && ma_livemap_windowed(s) && crowded(s, run_to(s, p, b->addr, h)) &&
	    rebuild(m, (size_t)(s - m->segs), s->mask + 1, 1) == 0)
		p = find_slot(s, h, b->addr);
	if (p->addr) {
		if (old)
			unpack(m, p, old);
		unpack_done(m, p->info);
		p->info = info;
		return 1;
	}
	p->addr = b->addr;
	p->info = info;
	s->count++;
	m->count++;
	return 0;
}

/* The slot holding addr, its segment in *seg; NULL when absent. */
static struct ma_lmslot *lookup(const struct ma_livemap *m, uint64_t addr, struct ma_lmseg **seg)
{
	uint64_t h = ma_livemap_hash(addr);
	struct ma_lmslot *p;

	if (!m->nsegs || !addr)
		return NULL;
	*seg = ma_livemap_seg(m, h);
	p = find_slot(*seg, h, addr);
	return p->addr ? p : NULL;
}

int ma_livemap_get(const struct ma_livemap *m, uint64_t addr, struct ma_block *out)
{
	struct ma_lmseg *s;
	struct ma_lmslot *p = lookup(m, addr, &s);

	if (!p)
		return 0;
	unpack(m, p, out);
	return 1;
}

/* Backward-shift deletion: move later members of the probe run into the
 * hole when their home slot allows it, so lookups never need tombstones. */
int ma_livemap_remove(struct ma_livemap *m, uint64_t addr, struct ma_block *out)
{
	struct ma_lmseg *s;
	struct ma_lmslot *p = lookup(m, addr, &s);
	size_t hole, i;

	if (!p)
		return 0;
	if (out)
		unpack(m, p, out);
	unpack_done(m, p->info);
	hole = (size_t)(p - s->slots);
	for (i = (hole + 1) & s->mask; s->slots[i].addr; i = (i + 1) & s->mask) {
		uint64_t a = s->slots[i].addr;
		size_t home = ma_livemap_slot(s, a, ma_livemap_hash(a));
		/* Unless i's home lies cyclically in (hole, i], it may move. */
		if (((i - home) & s->mask) >= ((i - hole) & s->mask)) {
			s->slots[hole] = s->slots[i];
			hole = i;
		}
	}
	memset(&s->slots[hole], 0, sizeof(s->slots[hole]));
	s->count--;
	m->count--;
	return 1;
}

int ma_livemap_each(const struct ma_livemap *m, struct ma_livemap_iter *it, struct ma_block *out)
{
	for (; it->seg < m->nsegs; it->seg++, it->slot = 0) {
		const struct ma_lmseg *s = &m->segs[it->seg];
		while (it->slot <= s->mask)
			if (s->slots[it->slot++].addr) {
				unpack(m, &s->slots[it->slot - 1], out);
				return 1;
			}
	}
	return 0;
}
