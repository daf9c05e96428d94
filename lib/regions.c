#include "config.h"

#include "regions.h"

#include <stdlib.h>
#include <string.h>

void ma_regions_init(struct ma_regions *r)
{
	memset(r, 0, sizeof(*r));
}

void ma_regions_release(struct ma_regions *r)
{
	free(r->v);
	ma_regions_init(r);
}

void ma_regions_clear(struct ma_regions *r)
{
	r->n = 0;
	r->bytes = 0;
}

/* First region that ends after addr. */
static size_t lower(const struct ma_regions *r, uint64_t addr)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->v[mid].addr + r->v[mid].len <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int insert_at(struct ma_regions *r, size_t i, const struct ma_region *reg)
{
	if (r->n == r->alloc) {
		size_t na = r->alloc ? r->alloc * 2 : 16;
		struct ma_region *v = realloc(r->v, na * sizeof(*v));
		if (!v)
			return -1;
		r->v = v;
		r->alloc = na;
	}
	memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof(*r->v));
	r->v[i] = *reg;
	r->n++;
	r->bytes += reg->len;
	return 0;
}

static void remove_at(struct ma_regions *r, size_t i)
{
	r->bytes -= r->v[i].len;
	memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof(*r->v));
	r->n--;
}

void ma_regions_unmap(struct ma_regions *r, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	size_t i = lower(r, addr);

	while (i < r->n && r->v[i].addr < end) {
		struct ma_region *g = &r->v[i];
		uint64_t gend = g->addr + g->len;

		if (g->addr < addr && gend > end) {
			/* A hole in the middle: split in two. */
			struct ma_region tail = { end, gend - end, g->stack };
			r->bytes -= gend - addr;
			g->len = addr - g->addr;
			/* Out of memory loses the tail; the sum stays consistent. */
			(void)insert_at(r, i + 1, &tail);
			return;
		}
		if (g->addr < addr) {
			r->bytes -= gend - addr;
			g->len = addr - g->addr;
			i++;
		} else if (gend > end) {
			r->bytes -= end - g->addr;
			g->len = gend - end;
			g->addr = end;
			i++;
		} else {
			remove_at(r, i);
		}
	}
}

int ma_regions_map(struct ma_regions *r, uint64_t addr, uint64_t len, uint64_t stack)
{
	struct ma_region reg = { addr, len, stack };

	if (!len)
		return 0;
	ma_regions_unmap(r, addr, len);
	return insert_at(r, lower(r, addr), &reg);
}
