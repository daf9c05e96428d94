/* Heap, mapped bytes and RSS over time in a fixed number of intervals.
 *
 * The width of an interval starts from a guess (the trace's time range
 * over the number of points) and doubles, merging neighbours, whenever an
 * event falls past the last interval: memory stays fixed whatever the
 * trace's length. */
#ifndef MA_TIMELINE_H
#define MA_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

struct ma_timeline_point;

struct ma_tl_bucket {
	int used;
	uint64_t max_heap, max_mmap, max_rss;
	uint64_t last_heap, last_mmap, last_rss;
};

struct ma_timeline {
	struct ma_tl_bucket *b;
	size_t n;               /* buckets (the points asked for) */
	size_t last;            /* highest bucket used */
	uint64_t width;         /* ns per bucket */
	uint64_t heap, mmap;    /* levels after the last event */
	uint64_t rss;           /* last RSS sample */
	size_t cur;             /* the last event's bucket, */
	uint64_t cur_lo;        /* and where it starts: the next event's, mostly */
};

/* span_guess: expected duration in ns (0 if unknown).  -1 out of memory. */
int ma_timeline_init(struct ma_timeline *tl, size_t points, uint64_t span_guess);
void ma_timeline_release(struct ma_timeline *tl);
/* State after an event at rel_ns (ns since the trace's start); rss is 0
 * unless the event is a sample. */
void ma_timeline_add(struct ma_timeline *tl, uint64_t rel_ns, uint64_t heap,
		     uint64_t mmap, uint64_t rss);
/* Fills out[0..n) (at most tl->n) up to duration; returns n.  Intervals
 * without events carry the values before them. */
size_t ma_timeline_points(const struct ma_timeline *tl, uint64_t duration,
			  struct ma_timeline_point *out);

#endif
