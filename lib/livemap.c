#include "config.h"

#include "livemap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MIN_SLOTS 64

void ma_livemap_init(struct ma_livemap *m)
{
	memset(m, 0, sizeof(*m));
}

void ma_livemap_release(struct ma_livemap *m)
{
	free(m->slots);
	ma_livemap_init(m);
}

void ma_livemap_clear(struct ma_livemap *m)
{
	if (m->slots)
		memset(m->slots, 0, (m->mask + 1) * sizeof(*m->slots));
	m->count = 0;
}

static struct ma_block *find_slot(const struct ma_livemap *m, uint64_t addr)
{
	size_t i = ma_livemap_slot(addr, m->mask);

	while (m->slots[i].addr && m->slots[i].addr != addr)
		i = (i + 1) & m->mask;
	return &m->slots[i];
}

/* Zeroed slots.  A big table is looked up at random, one miss of the
 * TLB per lookup with 4 KiB pages; on 2 MiB pages the TLB covers it
 * (on a trace of a million live blocks, a third of the replay's time went
 * to those misses and to faulting the table in page by page). */
static struct ma_block *slots_new(size_t n)
{
	size_t bytes = n * sizeof(struct ma_block), huge = (size_t)2 << 20;
	void *p;

	if (bytes < 2 * huge)
		return calloc(n, sizeof(struct ma_block));
	bytes = (bytes + huge - 1) & ~(huge - 1);
	if (!(p = aligned_alloc(huge, bytes)))
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	memset(p, 0, bytes);
	return p;
}

static int grow(struct ma_livemap *m)
{
	size_t n = m->slots ? (m->mask + 1) * 2 : MIN_SLOTS;
	struct ma_livemap bigger = { slots_new(n), n - 1, 0 };

	if (!bigger.slots)
		return -1;
	for (size_t i = 0; m->slots && i <= m->mask; i++)
		if (m->slots[i].addr)
			*find_slot(&bigger, m->slots[i].addr) = m->slots[i];
	bigger.count = m->count;
	free(m->slots);
	*m = bigger;
	return 0;
}

int ma_livemap_put(struct ma_livemap *m, const struct ma_block *b, struct ma_block *old)
{
	struct ma_block *s;

	/* Keep the load under 3/4 so probes stay short. */
	if ((!m->slots || (m->count + 1) * 4 > (m->mask + 1) * 3) && grow(m) < 0)
		return -1;
	s = find_slot(m, b->addr);
	if (s->addr) {
		if (old)
			*old = *s;
		*s = *b;
		return 1;
	}
	*s = *b;
	m->count++;
	return 0;
}

struct ma_block *ma_livemap_get(const struct ma_livemap *m, uint64_t addr)
{
	struct ma_block *s;

	if (!m->slots || !addr)
		return NULL;
	s = find_slot(m, addr);
	return s->addr ? s : NULL;
}

/* Backward-shift deletion: move later members of the probe run into the
 * hole when their home slot allows it, so lookups never need tombstones. */
int ma_livemap_remove(struct ma_livemap *m, uint64_t addr, struct ma_block *out)
{
	struct ma_block *s = ma_livemap_get(m, addr);
	size_t hole, i;

	if (!s)
		return 0;
	if (out)
		*out = *s;
	hole = (size_t)(s - m->slots);
	for (i = (hole + 1) & m->mask; m->slots[i].addr; i = (i + 1) & m->mask) {
		size_t home = ma_livemap_slot(m->slots[i].addr, m->mask);
		/* Unless i's home lies cyclically in (hole, i], it may move. */
		if (((i - home) & m->mask) >= ((i - hole) & m->mask)) {
			m->slots[hole] = m->slots[i];
			hole = i;
		}
	}
	memset(&m->slots[hole], 0, sizeof(m->slots[hole]));
	m->count--;
	return 1;
}

struct ma_block *ma_livemap_each(const struct ma_livemap *m, size_t *i)
{
	for (; m->slots && *i <= m->mask; (*i)++)
		if (m->slots[*i].addr)
			return &m->slots[(*i)++];
	return NULL;
}
