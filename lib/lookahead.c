#include "config.h"

#include "lookahead.h"

#include <string.h>

/* Heap and mapping events, samples and the like are values only; the
 * others point into the chunk the reader decoded them from, which it
 * frees or reuses once it moves that producer on. */
static int carries_pointers(uint8_t tag)
{
	switch (tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
	case MA_REC_FREE:
	case MA_REC_REALLOC:
	case MA_REC_MUNMAP:
	case MA_REC_MREMAP:
	case MA_REC_MODULE_GONE:
	case MA_REC_THREAD_END:
	case MA_REC_SAMPLE:
	case MA_REC_FORK:
	case MA_REC_LOST:
	case MA_REC_TRAILER:
		return 0;
	default:
		return 1;
	}
}

/* The slots the replay will look these addresses up in.  Realloc comes
 * twice (phase 1 frees the old block, phase 2 puts the new one): the
 * first delivery already warms both.  Always inlined, for the reason
 * given at ma_livemap_prefetch. */
static inline __attribute__((always_inline)) void prefetch(const struct ma_livemap *live, const struct ma_record *rec)
{
	switch (rec->tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		ma_livemap_prefetch(live, rec->u.alloc.addr);
		break;
	case MA_REC_FREE:
		ma_livemap_prefetch(live, rec->u.free.addr);
		break;
	case MA_REC_REALLOC:
		if (rec->phase != 2)
			ma_livemap_prefetch(live, rec->u.realloc.old_addr);
		ma_livemap_prefetch(live, rec->u.realloc.new_addr);
		break;
	default:
		break;
	}
}

static void fill(struct ma_lookahead *la, struct ma_trace *t, const struct ma_livemap *live)
{
	while (!la->ended && !la->held && la->n < MA_LOOKAHEAD_DEPTH) {
		struct ma_record *rec = &la->ring[(la->head + la->n) & (MA_LOOKAHEAD_DEPTH - 1)];
		int k = ma_trace_next(t, rec);

		if (k <= 0) {
			la->ended = 1;
			la->last = k;
			return;
		}
		la->n++;
		la->held = carries_pointers(rec->tag);
		if (live)
			prefetch(live, rec);
	}
}

int ma_lookahead_next_ref(struct ma_lookahead *la, struct ma_trace *t,
			  const struct ma_livemap *live, const struct ma_record **rec)
{
	/* A record with pointers is the newest read: once it has been handed
	 * out, this call says the caller is done with it. */
	if (!la->n)
		la->held = 0;
	fill(la, t, live);
	if (!la->n)
		return la->last;
	*rec = &la->ring[la->head];
	la->head = (la->head + 1) & (MA_LOOKAHEAD_DEPTH - 1);
	la->n--;
	return 1;
}

int ma_lookahead_next(struct ma_lookahead *la, struct ma_trace *t,
		      const struct ma_livemap *live, struct ma_record *rec)
{
	const struct ma_record *r;
	int k = ma_lookahead_next_ref(la, t, live, &r);

	if (k > 0)
		*rec = *r;
	return k;
}

int ma_lookahead_rewind(struct ma_lookahead *la, struct ma_trace *t)
{
	memset(la, 0, sizeof(*la));
	return ma_trace_rewind(t);
}
