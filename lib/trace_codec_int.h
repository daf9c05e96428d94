/* The record encoder's field coders, shared by lib/trace_codec.c (every
 * record, from a struct ma_record) and the probe's direct path from raw
 * ring words (probes/chunk_ring.c), so that the format's model (address
 * windows, stack dictionary, size deltas) has one definition.
 *
 * Each coder takes and returns a write cursor into one stream: a caller
 * that keeps its cursors in locals lets the compiler keep them in
 * registers, which it cannot do with e->s[i].len once a byte has been
 * stored through a uint8_t pointer.  Callers make room first: a varint
 * takes at most MA_VARINT_MAX bytes, an address or stack code one more. */
#ifndef MA_TRACE_CODEC_INT_H
#define MA_TRACE_CODEC_INT_H

#include "trace_codec.h"

static inline uint8_t *ma_enc_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline uint8_t *ma_enc_zigzag(uint8_t *p, int64_t v)
{
	return ma_enc_varint(p, ma_zigzag(v));
}

/* (code + 1) of each (tag, fn) in a kind byte, 0 for none (trace_codec.c
 * has the table, and its inverse for the decoder). */
extern const uint8_t ma_kind_code1[MA_REC_MMAP + 1][MA_FN_COUNT];

/* A record's kind byte, with the record's fn when its tag has one (then
 * tag is one of alloc, alloc-aligned, free, realloc and mmap); the fn
 * follows as a varint when the table has no code for it. */
static inline uint8_t *ma_enc_kind(uint8_t *p, uint8_t tag, uint64_t fn)
{
	unsigned c = fn < MA_FN_COUNT ? ma_kind_code1[tag][fn] : 0;

	if (c) {
		*p++ = (uint8_t)(tag | (c - 1) << MA_KIND_TAG_BITS);
		return p;
	}
	*p++ = (uint8_t)(tag | MA_KIND_FN_ESC << MA_KIND_TAG_BITS);
	return ma_enc_varint(p, fn);
}

/* A timestamp delta: a multiple of 2^16 ns (the rounded times of a lone
 * thread, docs/trace-format.md) as v (units << 1 | 1), any other below
 * 2^63 as v (dt << 1), and the rest as 1 then v dt. */
static inline uint8_t *ma_enc_dt(uint8_t *p, uint64_t dt)
{
	if (dt && !(dt & 0xffff))
		return ma_enc_varint(p, (dt >> 15) | 1);
	if (dt >> 63) {
		*p++ = 1;
		return ma_enc_varint(p, dt);
	}
	return ma_enc_varint(p, dt << 1);
}

static inline uint32_t ma_enc_hslot(uint64_t x, unsigned bits)
{
	return (uint32_t)((x * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

/* An address as a reference to the table of the other direction (an
 * acquisition looks among recent releases, a release among recent
 * acquisitions), or as a delta from the last address of its own
 * direction; then it goes into its own table. */
static inline uint8_t *ma_enc_addr(struct ma_chunk_enc *e, uint8_t *p, uint64_t a, int acquire)
{
	struct ma_enc_addr_slot *sl = &e->m->addr[ma_enc_hslot(a, MA_ENC_ADDR_BITS)];
	int own = acquire ? 0 : 1, other = 1 - own;
	uint64_t on = acquire ? e->nrel : e->nacq;
	uint64_t o0 = acquire ? e->rel0 : e->acq0;
	uint64_t k = on - 1 - sl->seq[other];

	if (sl->key[other] == a && sl->seq[other] >= o0 && k < MA_ADDR_WINDOW) {
		p = ma_enc_varint(p, k + 1);
	} else {
		*p++ = 0;
		p = ma_enc_zigzag(p, (int64_t)(a - e->prev_addr[own]));
	}
	e->prev_addr[own] = a;
	sl->key[own] = a;
	sl->seq[own] = acquire ? e->nacq++ : e->nrel++;
	return p;
}

/* A stack as a dictionary entry of the chunk (to *ps); returns the
 * entry's index, or UINT32_MAX when the dictionary is full. */
static inline uint32_t ma_enc_stack(struct ma_chunk_enc *e, uint8_t **ps, uint64_t id)
{
	struct ma_enc_model *m = e->m;
	struct ma_enc_stack_slot *sl = &m->stk[ma_enc_hslot(id, MA_ENC_STACK_BITS)];
	uint32_t idx;

	if (sl->gen == e->gen && sl->key == id) {
		idx = sl->idx;
		*ps = ma_enc_varint(*ps, (uint64_t)idx + 1);
		return idx;
	}
	*(*ps)++ = 0;
	*ps = ma_enc_varint(*ps, id);
	if (e->nstacks >= MA_STACK_DICT)
		return UINT32_MAX;
	idx = e->nstacks++;
	m->stack_size[idx] = 0;
	*sl = (struct ma_enc_stack_slot){ .key = id, .gen = e->gen, .idx = idx };
	return idx;
}

/* A size as a delta from the last size of the stack's entry idx. */
static inline uint8_t *ma_enc_stack_size(struct ma_chunk_enc *e, uint8_t *p, uint32_t idx, uint64_t size)
{
	uint64_t base = 0;

	if (idx != UINT32_MAX) {
		base = e->m->stack_size[idx];
		e->m->stack_size[idx] = size;
	}
	return ma_enc_zigzag(p, (int64_t)(size - base));
}

#endif
