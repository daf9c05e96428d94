/* Reading a trace a few records ahead of its replay.
 *
 * The replay looks every heap event's address up in the live map, a
 * table far larger than the caches when a million blocks are live, so
 * nearly every lookup waits for memory.  The look-ahead decodes the
 * records to come before they are replayed and prefetches the live-map
 * slots their addresses hash to: the misses then overlap instead of
 * coming one at a time.
 *
 * Records come out exactly as ma_trace_next() would deliver them, in the
 * same order, with the same end (0) or damage (-1, ma_trace_error() then
 * says why) after the last good one.  A record whose strings or stack
 * frames point into the reader's buffers ends the look-ahead until it
 * has been handed out and the next call made, so those pointers stay
 * valid exactly as long as ma_trace_next() promises.  Only the reader's
 * progress (ma_trace_progress) runs a few records ahead. */
#ifndef MA_LOOKAHEAD_H
#define MA_LOOKAHEAD_H

#include <stdint.h>

#include "livemap.h"
#include "trace_reader.h"

/* Records decoded ahead; a power of two. */
#define MA_LOOKAHEAD_DEPTH 16u

/* A zeroed struct is an empty look-ahead at the start of a trace; it
 * holds no other memory and needs no release. */
struct ma_lookahead {
	struct ma_record ring[MA_LOOKAHEAD_DEPTH];
	unsigned head, n;
	int held;      /* the newest record read carries pointers: read no further */
	int ended;     /* the reader returned `last` (0 or -1): nothing more to read */
	int last;
};

/* The next record, as ma_trace_next(t, rec) would return it.  live is the
 * map the replay will look the addresses up in (may be NULL); its slots
 * are only prefetched, never read or written here. */
int ma_lookahead_next(struct ma_lookahead *la, struct ma_trace *t,
		      const struct ma_livemap *live, struct ma_record *rec);
/* The same without copying the record: *rec points into la, valid until
 * the next call (the slot is refilled only then). */
int ma_lookahead_next_ref(struct ma_lookahead *la, struct ma_trace *t,
			  const struct ma_livemap *live, const struct ma_record **rec);
/* Forgets the records read ahead and rewinds t (ma_trace_rewind). */
int ma_lookahead_rewind(struct ma_lookahead *la, struct ma_trace *t);

#endif
