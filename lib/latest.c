#include "config.h"

#include "latest.h"

#include <stdlib.h>
#include <string.h>

#include "livemap.h"

void ma_latest_release(struct ma_latest *l)
{
	free(l->addr);
	free(l->tab);
	memset(l, 0, sizeof(*l));
}

void ma_latest_clear(struct ma_latest *l)
{
	if (l->addr)
		memset(l->addr, 0, l->nthreads * sizeof(*l->addr));
	if (l->tab)
		memset(l->tab, 0, (l->mask + 1) * sizeof(*l->tab));
	l->count = 0;
}

/* A few entries, one a thread: scattered, not windowed like the live
 * map's big segments. */
static size_t home(const struct ma_latest *l, uint64_t addr)
{
	return ma_livemap_scatter(addr) & l->mask;
}

static struct ma_latest_entry *find(const struct ma_latest *l, uint64_t addr)
{
	size_t i = home(l, addr);

	while (l->tab[i].addr && l->tab[i].addr != addr)
		i = (i + 1) & l->mask;
	return &l->tab[i];
}

/* Removes the entry of addr, if any, by backward shift (as livemap.c);
 * returns its thread + 1, or 0 when there was none. */
static uint64_t take(struct ma_latest *l, uint64_t addr)
{
	struct ma_latest_entry *e;
	size_t hole, i;
	uint32_t thread;

	if (!l->count)
		return 0;
	e = find(l, addr);
	if (!e->addr)
		return 0;
	thread = e->thread;
	hole = (size_t)(e - l->tab);
	for (i = (hole + 1) & l->mask; l->tab[i].addr; i = (i + 1) & l->mask) {
		size_t h = home(l, l->tab[i].addr);
		if (((i - h) & l->mask) >= ((i - hole) & l->mask)) {
			l->tab[hole] = l->tab[i];
			hole = i;
		}
	}
	l->tab[hole].addr = 0;
	l->count--;
	return (uint64_t)thread + 1;
}

/* Room for one more entry: the table stays at most half full. */
static int room(struct ma_latest *l)
{
	struct ma_latest_entry *old = l->tab, *n;
	size_t cap = l->tab ? l->mask + 1 : 0, ncap;

	if (l->count + 1 <= cap / 2)
		return 0;
	ncap = cap ? 2 * cap : 16;
	if (!(n = calloc(ncap, sizeof(*n))))
		return -1;
	l->tab = n;
	l->mask = ncap - 1;
	for (size_t i = 0; i < cap; i++)
		if (old[i].addr)
			*find(l, old[i].addr) = old[i];
	free(old);
	return 0;
}

static int have_thread(struct ma_latest *l, uint32_t thread)
{
	size_t n;
	uint64_t *v;

	if (thread < l->nthreads)
		return 0;
	for (n = l->nthreads ? l->nthreads : 16; n <= thread;)
		n *= 2;
	if (!(v = realloc(l->addr, n * sizeof(*v))))
		return -1;
	memset(v + l->nthreads, 0, (n - l->nthreads) * sizeof(*v));
	l->addr = v;
	l->nthreads = n;
	return 0;
}

int ma_latest_alloc(struct ma_latest *l, uint32_t thread, uint64_t addr, int replaced)
{
	uint64_t was = replaced ? take(l, addr) : 0;

	if (was)                    /* a block whose release was never recorded */
		l->addr[was - 1] = 0;
	if (thread >= MA_LATEST_MAX_THREADS)
		return 0;
	if (have_thread(l, thread) < 0 || room(l) < 0)
		return -1;
	if (l->addr[thread])        /* no longer its latest */
		take(l, l->addr[thread]);
	l->addr[thread] = addr;
	*find(l, addr) = (struct ma_latest_entry){ addr, thread };
	l->count++;
	return 0;
}

int ma_latest_release_block(struct ma_latest *l, uint64_t addr)
{
	uint64_t was = take(l, addr);

	if (!was)
		return 0;
	l->addr[was - 1] = 0;
	return 1;
}
