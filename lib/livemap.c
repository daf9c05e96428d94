#include "config.h"

#include "livemap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

_Static_assert(sizeof(struct ma_block) == 32, "a slot is a half cache line");

#define MIN_SLOTS 64
#define HUGE_PAGE ((size_t)2 << 20)

/* Whether a table of n slots is mapped on its own (slots_new). */
static int mapped(size_t n)
{
	return n * sizeof(struct ma_block) >= 2 * HUGE_PAGE;
}

static size_t mapped_bytes(size_t n)
{
	return (n * sizeof(struct ma_block) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

static void slots_free(struct ma_block *p, size_t n)
{
	if (p && mapped(n))
		munmap(p, mapped_bytes(n));
	else
		free(p);
}

void ma_livemap_init(struct ma_livemap *m)
{
	memset(m, 0, sizeof(*m));
}

void ma_livemap_release(struct ma_livemap *m)
{
	slots_free(m->slots, m->mask + 1);
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
 * to those misses and to faulting the table in page by page).  It is
 * mapped on its own, aligned to 2 MiB: the kernel hands it over zeroed,
 * where aligned_alloc's memory had to be cleared a second time (a tenth
 * of the analysis of python3's trace). */
static struct ma_block *slots_new(size_t n)
{
	size_t bytes, head;
	char *p;

	if (!mapped(n))
		return calloc(n, sizeof(struct ma_block));
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
	return (struct ma_block *)p;
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
	slots_free(m->slots, m->mask + 1);
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
