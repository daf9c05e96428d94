#include "config.h"

#include "timeline.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"

int ma_timeline_init(struct ma_timeline *tl, size_t points, uint64_t span_guess)
{
	memset(tl, 0, sizeof(*tl));
	tl->n = points ? points : 1;
	tl->width = span_guess / tl->n + 1;
	tl->b = calloc(tl->n, sizeof(*tl->b));
	return tl->b ? 0 : -1;
}

void ma_timeline_release(struct ma_timeline *tl)
{
	free(tl->b);
	memset(tl, 0, sizeof(*tl));
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static void merge(struct ma_tl_bucket *into, const struct ma_tl_bucket *later)
{
	if (!later->used)
		return;
	if (!into->used) {
		*into = *later;
		return;
	}
	into->max_heap = max64(into->max_heap, later->max_heap);
	into->max_mmap = max64(into->max_mmap, later->max_mmap);
	into->max_rss = max64(into->max_rss, later->max_rss);
	into->last_heap = later->last_heap;
	into->last_mmap = later->last_mmap;
	into->last_rss = later->last_rss;
}

/* Halves the resolution: bucket i becomes buckets 2i and 2i+1. */
static void coarsen(struct ma_timeline *tl)
{
	for (size_t i = 0; i < tl->n; i++) {
		struct ma_tl_bucket m = { 0 };
		if (2 * i < tl->n)
			merge(&m, &tl->b[2 * i]);
		if (2 * i + 1 < tl->n)
			merge(&m, &tl->b[2 * i + 1]);
		tl->b[i] = m;
	}
	tl->last /= 2;
	tl->width *= 2;
}

void ma_timeline_add(struct ma_timeline *tl, uint64_t rel_ns, uint64_t heap,
		     uint64_t mmap, uint64_t rss)
{
	struct ma_tl_bucket *b;
	size_t i;

	if (rel_ns - tl->cur_lo < tl->width) {
		i = tl->cur;
	} else {
		/* two divisions, where most events fall in the last one's bucket */
		while (rel_ns / tl->width >= tl->n)
			coarsen(tl);
		i = (size_t)(rel_ns / tl->width);
		tl->cur = i;
		tl->cur_lo = i * tl->width;
	}
	if (rss)
		tl->rss = rss;
	b = &tl->b[i];
	if (!b->used) {
		b->used = 1;
		/* The level carried in from before counts in the interval. */
		b->max_heap = tl->heap;
		b->max_mmap = tl->mmap;
		b->max_rss = tl->rss;
	}
	tl->heap = heap;
	tl->mmap = mmap;
	b->max_heap = max64(b->max_heap, heap);
	b->max_mmap = max64(b->max_mmap, mmap);
	b->max_rss = max64(b->max_rss, tl->rss);
	b->last_heap = heap;
	b->last_mmap = mmap;
	b->last_rss = tl->rss;
	if (i > tl->last)
		tl->last = i;
}

size_t ma_timeline_points(const struct ma_timeline *tl, uint64_t duration,
			  struct ma_timeline_point *out)
{
	struct ma_tl_bucket prev = { 0 };
	size_t n = (size_t)(duration / tl->width) + 1;

	/* Up to the end of the trace, even when the last events came early. */
	if (n > tl->n)
		n = tl->n;
	if (n < tl->last + 1)
		n = tl->last + 1;

	for (size_t i = 0; i < n; i++) {
		const struct ma_tl_bucket *b = &tl->b[i];
		uint64_t end = (i + 1) * tl->width;

		out[i].ts = end < duration || i + 1 < n ? end : duration;
		if (b->used) {
			out[i].heap_bytes = b->max_heap;
			out[i].mmap_bytes = b->max_mmap;
			out[i].rss_bytes = b->max_rss;
			prev = *b;
		} else {
			out[i].heap_bytes = prev.last_heap;
			out[i].mmap_bytes = prev.last_mmap;
			out[i].rss_bytes = prev.last_rss;
		}
	}
	return n;
}
