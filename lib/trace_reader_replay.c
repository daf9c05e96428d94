/* Replay order: each producer's records in its own order, producers
 * merged by timestamp through a min-heap keyed by (ts, producer, class).
 *
 * A producer enters the heap as a LAZY entry keyed by its next chunk's
 * ts_first, which is a lower bound of every record in that chunk; only
 * when the merge pops that entry is the chunk read and decoded.  So the
 * decoded chunks held at any time are those of producers whose chunks
 * overlap in time, and a producer between chunks holds nothing.
 *
 * REALLOC and MREMAP are delivered at ts (phase 1, the old block goes) and
 * again at ts_after (phase 2, the new block comes): another thread that
 * reuses the old address between the two is then replayed between them,
 * as it happened.  At equal keys the pending phase 2 comes first, so a
 * producer's own next record never overtakes its realloc's second half. */
#include "config.h"

#include "trace_reader_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the heap ---- */

static int entry_less(const struct rd_entry *a, const struct rd_entry *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	if (a->prod != b->prod)
		return a->prod < b->prod;
	return a->cls < b->cls;
}

static void sift_up(struct rd_entry *h, size_t i)
{
	while (i > 0) {
		size_t up = (i - 1) / 2;
		struct rd_entry tmp;
		if (!entry_less(&h[i], &h[up]))
			break;
		tmp = h[i];
		h[i] = h[up];
		h[up] = tmp;
		i = up;
	}
}

static void sift_down(struct rd_entry *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct rd_entry tmp;
		if (l < n && entry_less(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && entry_less(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			break;
		tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

static int heap_push(struct ma_trace *t, uint64_t ts, uint32_t prod, uint32_t cls,
		     uint32_t slot)
{
	if (t->nheap == t->heap_cap) {
		size_t cap = t->heap_cap ? 2 * t->heap_cap : 16;
		struct rd_entry *n = realloc(t->heap, cap * sizeof(*n));
		if (!n)
			return -1;
		t->heap = n;
		t->heap_cap = cap;
	}
	t->heap[t->nheap] = (struct rd_entry){ ts, prod, cls, slot };
	sift_up(t->heap, t->nheap++);
	return 0;
}

static struct rd_entry heap_pop(struct ma_trace *t)
{
	struct rd_entry top = t->heap[0];

	t->heap[0] = t->heap[--t->nheap];
	sift_down(t->heap, t->nheap, 0);
	return top;
}

/* ---- pending phase-2 records ---- */

static int slot_get(struct ma_trace *t, uint32_t *slot)
{
	if (t->nfree) {
		*slot = t->free_slots[--t->nfree];
		return 0;
	}
	if (t->nslots == t->slot_cap) {
		size_t cap = t->slot_cap ? 2 * t->slot_cap : 16;
		struct ma_record *n = realloc(t->slots, cap * sizeof(*n));
		uint32_t *f;
		if (!n)
			return -1;
		t->slots = n;
		f = realloc(t->free_slots, cap * sizeof(*f));
		if (!f)
			return -1;
		t->free_slots = f;
		t->slot_cap = cap;
	}
	*slot = (uint32_t)t->nslots++;
	return 0;
}

static int push_phase2(struct ma_trace *t, uint32_t prod, const struct ma_record *rec)
{
	uint32_t slot;
	struct ma_record *r;

	if (slot_get(t, &slot) < 0)
		return -1;
	r = &t->slots[slot];
	*r = *rec;
	r->phase = 2;
	r->ts = rec->tag == MA_REC_REALLOC ? rec->u.realloc.ts_after : rec->u.mremap.ts_after;
	return heap_push(t, r->ts, prod, RD_PHASE2, slot);
}

/* ---- producers ---- */

/* Damage found by the replay in chunk c: records that do not decode, or
 * a file changed since it was opened.  What the replay had not read,
 * chunk c included (loaded: counted in progress, or not), is lost. */
static int fail(struct ma_trace *t, const struct rd_chunk *c, int loaded, const char *why)
{
	struct ma_trace_info *in = &t->info;
	uint64_t read = t->progress - (loaded ? MA_CHUNK_HDR_LEN + (uint64_t)c->stored_len : 0);

	snprintf(t->err, sizeof(t->err), "%s", why);
	t->failed = 1;
	if (!in->damaged || c->offset < in->damage_offset) {
		in->damaged = 1;
		in->damage_offset = c->offset;
		in->bytes_lost = in->file_size > read ? in->file_size - read : 0;
		snprintf(in->damage, sizeof(in->damage), "%s", why);
	}
	return -1;
}

/* Decodes the producer's next record into peek: 1.  Or queues its next
 * chunk, or lets it finish: 0.  -1 on damage. */
static int prod_advance(struct ma_trace *t, uint32_t i)
{
	struct rd_prod *p = &t->prods[i];
	const struct rd_chunk *c = &t->chunks[p->first + p->pos - 1];
	char why[160];

	if (p->left == 0) {
		ma_rd_buf_free(&p->buf);
		free(p->st);
		p->st = NULL;
		if (p->pos == p->count)
			return 0;
		return heap_push(t, t->chunks[p->first + p->pos].ts_first, i, RD_LAZY, 0);
	}
	if (ma_record_get(&p->p, p->end, p->st, &p->peek) < 0) {
		snprintf(why, sizeof(why), "chunk %llu at offset %llu: records do not decode",
			 (unsigned long long)c->ordinal, (unsigned long long)c->offset);
		return fail(t, c, 1, why);
	}
	if (--p->left == 0 && p->p != p->end) {
		snprintf(why, sizeof(why), "chunk %llu at offset %llu: bytes left over after the "
			 "last record", (unsigned long long)c->ordinal, (unsigned long long)c->offset);
		return fail(t, c, 1, why);
	}
	if (!ma_tag_is_timed(p->peek.tag))
		p->peek.ts = p->st->prev_ts;
	p->peek.thread = p->thread;
	return 1;
}

/* Reads the producer's next chunk again, now for its records; it was
 * checked at open (its CRC, and that it decompresses), so a failure here
 * means the file changed since.  Its records are decoded only as they
 * are replayed (prod_advance), which finds records that do not decode. */
static int prod_load(struct ma_trace *t, uint32_t i)
{
	struct rd_prod *p = &t->prods[i];
	const struct rd_chunk *c = &t->chunks[p->first + p->pos++];
	struct ma_chunk_hdr h;
	char why[256];

	if (ma_rd_chunk_read(&t->f, c->offset, c->ordinal, &h, &p->buf, 0, why, sizeof(why)) != 0)
		return fail(t, c, 0, why);
	if (h.thread != c->thread || h.seq != c->seq || h.nrecords != c->nrecords) {
		snprintf(why, sizeof(why), "chunk %llu at offset %llu: changed since the trace was opened",
			 (unsigned long long)c->ordinal, (unsigned long long)c->offset);
		return fail(t, c, 0, why);
	}
	t->progress += MA_CHUNK_HDR_LEN + (uint64_t)h.stored_len;
	p->p = p->buf.ptr;
	p->end = p->buf.ptr + h.raw_len;
	p->left = h.nrecords;
	if (!p->st && !(p->st = malloc(sizeof(*p->st)))) {
		snprintf(t->err, sizeof(t->err), "out of memory");
		t->failed = 1;
		return -1;
	}
	ma_codec_state_init(p->st, h.ts_first, t->f.version);
	return prod_advance(t, i);
}

/* After prod_advance returned k: 1 when the producer's peek comes before
 * everything queued (the heap's top, which it would have been after a
 * push), so it is delivered without going through the heap; else it is
 * queued (when there is one) and 0. */
static int ahead_of_all(struct ma_trace *t, uint32_t i, int k)
{
	struct rd_entry e = { t->prods[i].peek.ts, i, RD_REC, 0 };

	if (k <= 0)
		return k;
	if (!t->nheap || entry_less(&e, &t->heap[0]))
		return 1;
	return heap_push(t, e.ts, i, RD_REC, 0);
}

/* The record and its tag's member of the union, which is all of it that
 * is defined (trace_codec.h): for heap events 32 to 64 bytes, not 144. */
static inline void copy_record(struct ma_record *to, const struct ma_record *from)
{
	to->tag = from->tag;
	to->phase = from->phase;
	to->thread = from->thread;
	to->ts = from->ts;
	switch (from->tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		to->u.alloc = from->u.alloc;
		break;
	case MA_REC_FREE:
		to->u.free = from->u.free;
		break;
	case MA_REC_REALLOC:
		to->u.realloc = from->u.realloc;
		break;
	default:
		*to = *from;
	}
}

/* Hands out a producer's peeked record; its successor is decoded on the
 * next call, so the strings of this one stay valid until then. */
static int deliver(struct ma_trace *t, uint32_t i, struct ma_record *rec)
{
	copy_record(rec, &t->prods[i].peek);
	t->advance = (long)i;
	if (rec->tag == MA_REC_REALLOC || rec->tag == MA_REC_MREMAP) {
		rec->phase = 1;
		if (push_phase2(t, i, rec) < 0) {
			snprintf(t->err, sizeof(t->err), "out of memory");
			t->failed = 1;
			return -1;
		}
	}
	return 1;
}

int ma_trace_next(struct ma_trace *t, struct ma_record *rec)
{
	if (t->failed)
		return -1;
	if (t->advance >= 0) {
		uint32_t i = (uint32_t)t->advance;
		int k;
		t->advance = -1;
		if ((k = ahead_of_all(t, i, prod_advance(t, i))) < 0)
			return -1;
		if (k > 0)
			return deliver(t, i, rec);
	}
	while (t->nheap) {
		struct rd_entry e = heap_pop(t);
		if (e.cls == RD_LAZY) {
			int k = ahead_of_all(t, e.prod, prod_load(t, e.prod));
			if (k < 0)
				return -1;
			if (k > 0)
				return deliver(t, e.prod, rec);
			continue;
		}
		if (e.cls == RD_REC)
			return deliver(t, e.prod, rec);
		*rec = t->slots[e.slot];
		t->free_slots[t->nfree++] = e.slot;
		return 1;
	}
	return 0;
}

void ma_rd_replay_release(struct ma_trace *t)
{
	for (size_t i = 0; i < t->nprods; i++) {
		ma_rd_buf_free(&t->prods[i].buf);
		free(t->prods[i].st);
		t->prods[i].st = NULL;
	}
	free(t->heap);
	free(t->slots);
	free(t->free_slots);
	t->heap = NULL;
	t->slots = NULL;
	t->free_slots = NULL;
	t->nheap = t->heap_cap = 0;
	t->nslots = t->nfree = t->slot_cap = 0;
}

void ma_trace_idle(struct ma_trace *t)
{
	ma_rd_replay_release(t);
	ma_rd_file_unshare(&t->f);
}

int ma_trace_rewind(struct ma_trace *t)
{
	ma_rd_replay_release(t);
	t->advance = -1;
	t->progress = MA_FILE_PREFIX_LEN;
	t->failed = 0;
	t->err[0] = '\0';
	for (size_t i = 0; i < t->nprods; i++) {
		struct rd_prod *p = &t->prods[i];
		p->pos = 0;
		p->left = 0;
		if (p->count && heap_push(t, t->chunks[p->first].ts_first, (uint32_t)i, RD_LAZY, 0) < 0)
			return -1;
	}
	return 0;
}
