/* Encoding a ring's raw records: the writer thread's inner loop.
 *
 * Allocations, releases and reallocs are nearly every record of a ring,
 * so they go from the ring's words straight into the streams, with the
 * same field coders as ma_enc_put (lib/trace_codec_int.h) and the same
 * timestamp rules as probe_chunk_add (chunk.c, clamp_ts); the bytes are
 * those the generic path writes, which tests/unit/test_chunk_ring.c
 * checks.  Every other kind takes the generic path through a struct
 * ma_record.  A record is read in place unless it wraps the end of the
 * ring. */
#include "atomic.h"
#include "chunk.h"
#include "trace_codec_int.h"

int64_t probe_chunk_net_frees;

/* ma_record_max_size's margin beyond strings and frames. */
#define RECORD_FIXED_MAX (2 + 18 * MA_VARINT_MAX)

/* Write cursors of the six streams, in locals for the length of a run of
 * hot records. */
struct cursors {
	uint8_t *p[MA_NSTREAMS];
};

static void cursors_load(struct cursors *c, const struct probe_chunkbuf *b)
{
	for (int i = 0; i < MA_NSTREAMS; i++)
		c->p[i] = b->enc.s[i].buf + b->enc.s[i].len;
}

static void cursors_store(const struct cursors *c, struct probe_chunkbuf *b)
{
	for (int i = 0; i < MA_NSTREAMS; i++) {
		size_t len = (size_t)(c->p[i] - b->enc.s[i].buf);

		b->len += len - b->enc.s[i].len;
		b->enc.s[i].len = len;
	}
}

/* clamp_ts of chunk.c for a heap event's first timestamp. */
static inline uint64_t heap_ts(struct probe_chunkbuf *b, uint64_t ts)
{
	return probe_chunk_clamp_ts(b, b->coarse ? probe_coarse(ts) : ts);
}

static inline void put_head(struct probe_chunkbuf *b, struct cursors *c, uint8_t tag,
			    uint64_t fn, uint64_t ts)
{
	c->p[MA_S_KIND] = ma_enc_kind(c->p[MA_S_KIND], tag, fn);
	c->p[MA_S_TS] = ma_enc_dt(c->p[MA_S_TS], ts - b->enc.prev_ts);
	b->enc.prev_ts = ts;
}

static inline void put_stack_size(struct probe_chunkbuf *b, struct cursors *c, uint64_t stack,
				  uint64_t size)
{
	uint32_t idx = ma_enc_stack(&b->enc, &c->p[MA_S_STACK], stack);

	c->p[MA_S_SIZE] = ma_enc_stack_size(&b->enc, c->p[MA_S_SIZE], idx, size);
}

/* ALLOC, ALLOC_ALIGNED: ts addr size stack fn [alignment] */
static inline void put_alloc(struct probe_chunkbuf *b, struct cursors *c, uint8_t tag,
			     const uint64_t *w)
{
	put_head(b, c, tag, w[5], heap_ts(b, w[1]));
	c->p[MA_S_ADDR] = ma_enc_addr(&b->enc, c->p[MA_S_ADDR], w[2], 1);
	put_stack_size(b, c, w[4], w[3]);
	if (tag == MA_REC_ALLOC_ALIGNED)
		c->p[MA_S_MISC] = ma_enc_varint(c->p[MA_S_MISC], w[6]);
}

/* FREE: ts addr fn */
static inline void put_free(struct probe_chunkbuf *b, struct cursors *c, const uint64_t *w)
{
	put_head(b, c, MA_REC_FREE, w[3], heap_ts(b, w[1]));
	c->p[MA_S_ADDR] = ma_enc_addr(&b->enc, c->p[MA_S_ADDR], w[2], 0);
}

/* REALLOC: ts ts_after old new size stack fn */
static inline void put_realloc(struct probe_chunkbuf *b, struct cursors *c, const uint64_t *w)
{
	uint64_t after = b->coarse ? probe_coarse(w[2]) : w[2];
	uint64_t ts = heap_ts(b, w[1]);

	if (after < ts)
		after = ts;
	put_head(b, c, MA_REC_REALLOC, w[7], ts);
	c->p[MA_S_TS] = ma_enc_dt(c->p[MA_S_TS], after - ts);
	c->p[MA_S_ADDR] = ma_enc_addr(&b->enc, c->p[MA_S_ADDR], w[3], 0);
	c->p[MA_S_ADDR] = ma_enc_addr(&b->enc, c->p[MA_S_ADDR], w[4], 1);
	put_stack_size(b, c, w[6], w[5]);
}

/* One record at a time through probe_chunk_add_raw, each checked against
 * the buffer's room: the path when the bound of probe_chunk_add_ring
 * does not hold. */
static int add_ring_checked(struct probe_chunkbuf *b, const uint64_t *words, uint64_t mask,
			    uint64_t from, uint64_t to)
{
	int64_t net = 0;
	int rc = 0;

	while (from < to) {
		uint64_t hdr = words[from & mask];
		uint32_t n = PROBE_RAW_LEN(hdr);
		uint8_t tag = PROBE_RAW_TAG(hdr);

		if (n == 0 || n > PROBE_RAW_MAX_WORDS || from + n > to) {
			rc = -1; /* cannot happen: the ring is ours */
			break;
		}
		for (uint32_t i = 0; i < n; i++)
			b->scratch[i] = words[(from + i) & mask];
		if (probe_chunk_add_raw(b, b->scratch) < 0)
			rc = -1;
		net += tag == MA_REC_FREE ? 1 :
		       tag == MA_REC_ALLOC || tag == MA_REC_ALLOC_ALIGNED ? -1 : 0;
		from += n;
	}
	ma_atomic_add_relaxed(&probe_chunk_net_frees, net);
	return rc;
}

/* The record at ring position from, n words: in place, or copied to
 * b->scratch when it wraps the end of the ring. */
static inline const uint64_t *record_at(struct probe_chunkbuf *b, const uint64_t *words,
					uint64_t mask, uint64_t from, uint32_t n)
{
	uint64_t i = from & mask;

	if (i + n <= mask + 1)
		return words + i;
	for (uint32_t k = 0; k < n; k++)
		b->scratch[k] = words[(from + k) & mask];
	return b->scratch;
}

/* No record encodes to more than MA_VARINT_MAX bytes a raw word (a string
 * packs 8 bytes a word), nor asks ma_record_max_size for more than
 * RECORD_FIXED_MAX beyond that; so when the whole range fits with that
 * margin, no record of it would fail probe_chunk_add's check, and the hot
 * kinds skip it. */
int probe_chunk_add_ring(struct probe_chunkbuf *b, const uint64_t *words, uint64_t mask,
			 uint64_t from, uint64_t to)
{
	struct cursors c;
	uint32_t nrec = 0, nfree = 0, nalloc = 0;
	int rc = 0;

	probe_chunk_warm(b, to - from);
	if (b->len + (to - from) * MA_VARINT_MAX + RECORD_FIXED_MAX > b->cap)
		return add_ring_checked(b, words, mask, from, to);
	cursors_load(&c, b);
	while (from < to) {
		uint64_t hdr = words[from & mask];
		uint32_t n = PROBE_RAW_LEN(hdr);
		uint8_t tag = PROBE_RAW_TAG(hdr);
		const uint64_t *w;

		if (n == 0 || n > PROBE_RAW_MAX_WORDS || from + n > to) {
			rc = -1; /* cannot happen: the ring is ours */
			break;
		}
		w = record_at(b, words, mask, from, n);
		from += n;
		if (tag == MA_REC_FREE) {
			put_free(b, &c, w);
			nfree++;
		} else if (tag == MA_REC_ALLOC || tag == MA_REC_ALLOC_ALIGNED) {
			put_alloc(b, &c, tag, w);
			nalloc++;
		} else if (tag == MA_REC_REALLOC) {
			put_realloc(b, &c, w);
		} else {
			cursors_store(&c, b);
			if (probe_chunk_add_raw(b, w) < 0)
				rc = -1;
			cursors_load(&c, b);
			continue;
		}
		nrec++;
	}
	cursors_store(&c, b);
	b->nrec += nrec;
	ma_atomic_add_relaxed(&probe_chunk_net_frees, (int64_t)nfree - (int64_t)nalloc);
	return rc;
}
