/* Fragmentation for gates, from the allocator samples (mallinfo2) of a
 * trace.  The analysis does not keep them, so this reads the trace once
 * more, looking at samples only.  The releasable top of the heap
 * (keepcost) is left out of both sides: malloc gives it back to the
 * system when it trims, so it is not memory lost to fragmentation. */
#include "config.h"

#include "gate.h"

#include <stdio.h>

#include "trace_reader.h"

int ma_gate_trace_fragmentation(const char *path, uint64_t *held, uint64_t *free_bytes,
				char *err, size_t errlen)
{
	struct ma_trace *t;
	struct ma_record rec;
	int found = 0, rc;

	*held = *free_bytes = 0;
	if (ma_trace_open(path, &t, err, errlen) != MA_TRACE_OPEN_OK)
		return -1;
	while ((rc = ma_trace_next(t, &rec)) == 1) {
		const struct ma_rec_sample *s = &rec.u.sample;
		/* The moment the allocator held the most is where its free
		 * space costs the most memory. */
		if (rec.tag != MA_REC_SAMPLE || !(s->flags & MA_SAMPLE_F_MALLINFO) ||
		    s->keepcost > s->fordblks || s->keepcost > s->arena ||
		    s->arena + s->hblkhd - s->keepcost <= *held)
			continue;
		*held = s->arena + s->hblkhd - s->keepcost;
		*free_bytes = s->fordblks - s->keepcost;
		found = 1;
	}
	ma_trace_close(t);
	return found;
}
