/* Record and chunk-header codec shared by the probe and the reader.
 * Nothing here allocates: the probe calls it from inside malloc hooks. */
#include "trace_codec.h"
#include "trace_codec_int.h"

#include <string.h>

size_t ma_put_varint(uint8_t *p, uint64_t v)
{
	return (size_t)(ma_enc_varint(p, v) - p);
}

/* A varint of at most 8 bytes read as one word: the first byte without
 * its top bit ends it, and the 7-bit groups below close up in three
 * steps.  Multi-byte varints (addresses, sizes, ids) were read a byte at
 * a time, with a branch a byte that their mix of lengths mispredicts:
 * 6.3 ns each, 3.2 so (docs/performance.md). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline int varint_word(const uint8_t **p, uint64_t *v)
{
	uint64_t w, stop;
	unsigned bits;

	memcpy(&w, *p, sizeof(w));
	stop = ~w & 0x8080808080808080ull;
	if (!stop)
		return -1;
	bits = (unsigned)__builtin_ctzll(stop) + 1;   /* through the last byte's top bit */
	if (bits < 64)
		w &= (1ull << bits) - 1;
	w &= 0x7f7f7f7f7f7f7f7full;
	w = (w & 0x007f007f007f007full) | ((w & 0x7f007f007f007f00ull) >> 1);
	w = (w & 0x00003fff00003fffull) | ((w & 0x3fff00003fff0000ull) >> 2);
	w = (w & 0x000000000fffffffull) | ((w & 0x0fffffff00000000ull) >> 4);
	*p += bits / 8;
	*v = w;
	return 0;
}
#endif

int ma_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t out = 0;
	unsigned shift = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (end - q >= 8 && varint_word(p, v) == 0)
		return 0;
#endif
	for (int i = 0; i < MA_VARINT_MAX; i++) {
		if (q >= end)
			return -1;
		uint8_t b = *q++;
		/* the tenth byte may only carry the top bit of a uint64_t */
		if (i == MA_VARINT_MAX - 1 && b > 1)
			return -1;
		out |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*p = q;
			*v = out;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/* ---- CRC-32C: the SSE4.2 instruction when the CPU has it, else slicing
 * by 8 over a table built on first use ---- */

static uint32_t crc_table[8][256];
static volatile int crc_ready;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & -(c & 1));
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
					  crc_table[0][crc_table[t - 1][i] & 0xff];
	/* Building the table twice from two threads writes the same values,
	 * so a race here is harmless; the flag only saves the work. */
	__atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

uint32_t ma_crc32c_table(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
		crc_init();
	crc = ~crc;
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		w ^= crc;
		crc = crc_table[7][w & 0xff] ^ crc_table[6][(w >> 8) & 0xff] ^
		      crc_table[5][(w >> 16) & 0xff] ^ crc_table[4][(w >> 24) & 0xff] ^
		      crc_table[3][(w >> 32) & 0xff] ^ crc_table[2][(w >> 40) & 0xff] ^
		      crc_table[1][(w >> 48) & 0xff] ^ crc_table[0][w >> 56];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>

/* Built for SSE4.2 whatever the compiler's target, and only called once
 * cpuid said the CPU has it.  One 8-byte crc32 after the other: about
 * three times the table's speed at the chunk sizes written here. */
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t c = ~crc;

	for (; len && ((uintptr_t)p & 7); len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
	}
	for (; len; len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return ~(uint32_t)c;
}

/* 1: the CPU has the instruction, 2: it has not, 0: not asked yet.
 * cpuid rather than __builtin_cpu_supports: no dependence on the
 * compiler runtime's initialisation order inside a preloaded library. */
static int crc_hw;

int ma_crc32c_hw_available(void)
{
	int hw = __atomic_load_n(&crc_hw, __ATOMIC_RELAXED);
	unsigned a, b, c, d;

	if (!hw) {
		hw = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2) ? 1 : 2;
		__atomic_store_n(&crc_hw, hw, __ATOMIC_RELAXED);
	}
	return hw == 1;
}

uint32_t ma_crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
	return crc32c_sse42(crc, buf, len);
}
#else
int ma_crc32c_hw_available(void)
{
	return 0;
}

uint32_t ma_crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
	return ma_crc32c_table(crc, buf, len);
}
#endif

uint32_t ma_crc32c(uint32_t crc, const void *buf, size_t len)
{
	if (ma_crc32c_hw_available())
		return ma_crc32c_hw(crc, buf, len);
	return ma_crc32c_table(crc, buf, len);
}

/* ---- fixed-width little-endian fields ---- */

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

void ma_chunk_hdr_put(uint8_t out[MA_CHUNK_HDR_LEN], const struct ma_chunk_hdr *h)
{
	put_u32(out + 0, h->magic);
	put_u32(out + 4, h->stored_len);
	put_u32(out + 8, h->raw_len);
	put_u32(out + 12, h->crc);
	put_u32(out + 16, h->thread);
	put_u32(out + 20, h->seq);
	out[24] = h->kind;
	out[25] = h->codec;
	put_u16(out + 26, h->flags);
	put_u32(out + 28, h->nrecords);
	put_u64(out + 32, h->ts_first);
}

void ma_chunk_hdr_get(const uint8_t in[MA_CHUNK_HDR_LEN], struct ma_chunk_hdr *h)
{
	h->magic = get_u32(in + 0);
	h->stored_len = get_u32(in + 4);
	h->raw_len = get_u32(in + 8);
	h->crc = get_u32(in + 12);
	h->thread = get_u32(in + 16);
	h->seq = get_u32(in + 20);
	h->kind = in[24];
	h->codec = in[25];
	h->flags = get_u16(in + 26);
	h->nrecords = get_u32(in + 28);
	h->ts_first = get_u64(in + 32);
}

uint32_t ma_chunk_crc(const struct ma_chunk_hdr *hdr, const void *payload)
{
	struct ma_chunk_hdr h = *hdr;
	uint8_t raw[MA_CHUNK_HDR_LEN];

	h.crc = 0;
	ma_chunk_hdr_put(raw, &h);
	return ma_crc32c(ma_crc32c(0, raw, sizeof(raw)), payload, hdr->stored_len);
}

void ma_file_prefix_put(uint8_t out[MA_FILE_PREFIX_LEN])
{
	memcpy(out, MA_FILE_MAGIC, MA_FILE_MAGIC_LEN);
	put_u32(out + 8, MA_FORMAT_VERSION);
	put_u32(out + 12, 0);
}

/* ---- records ---- */

size_t ma_record_max_size(const struct ma_record *r)
{
	/* tag, fn, and up to 18 fields of 10 bytes (an address or stack code
	 * takes 11: a code byte and a varint) */
	size_t n = 2 + 18 * MA_VARINT_MAX;

	switch (r->tag) {
	case MA_REC_PROCESS:
		n += r->u.process.exe.len + r->u.process.cmdline.len +
		     r->u.process.probe_version.len + r->u.process.session.len;
		break;
	case MA_REC_MMAP:
		n += r->u.mmap.path.len;
		break;
	case MA_REC_STACK:
		n += (size_t)r->u.stack.depth * MA_VARINT_MAX;
		break;
	case MA_REC_MODULE:
		n += r->u.module.path.len + r->u.module.build_id.len;
		break;
	case MA_REC_THREAD:
		n += r->u.thread_start.name.len;
		break;
	case MA_REC_MARKER:
		n += r->u.marker.name.len;
		break;
	case MA_REC_INFO:
		n += r->u.info.key.len + r->u.info.value.len;
		break;
	}
	return n;
}

/* ---- kind bytes ---- */

#define NO_FN 0xff

/* alloc, alloc-aligned, free, realloc and mmap: the records with an fn */
static int tag_has_fn(uint8_t tag)
{
	return tag >= MA_REC_ALLOC && tag <= MA_REC_MMAP;
}

/* The fn of each code of a kind byte, per tag (trace_format.h, MA_KIND_*):
 * the functions a program calls most come first. */
static const uint8_t kind_fn[MA_REC_MMAP + 1][MA_KIND_FN_ESC] = {
	[0] = { NO_FN, NO_FN, NO_FN, NO_FN, NO_FN, NO_FN, NO_FN },
	[MA_REC_PROCESS] = { NO_FN, NO_FN, NO_FN, NO_FN, NO_FN, NO_FN, NO_FN },
	[MA_REC_ALLOC] = { MA_FN_MALLOC, MA_FN_CALLOC, MA_FN_NEW, MA_FN_NEW_ARRAY,
			   NO_FN, NO_FN, NO_FN },
	[MA_REC_ALLOC_ALIGNED] = { MA_FN_POSIX_MEMALIGN, MA_FN_ALIGNED_ALLOC, MA_FN_MEMALIGN,
				   MA_FN_NEW, MA_FN_NEW_ARRAY, MA_FN_VALLOC, MA_FN_PVALLOC },
	[MA_REC_FREE] = { MA_FN_FREE, MA_FN_DELETE, MA_FN_DELETE_ARRAY,
			  NO_FN, NO_FN, NO_FN, NO_FN },
	[MA_REC_REALLOC] = { MA_FN_REALLOC, MA_FN_REALLOCARRAY,
			     NO_FN, NO_FN, NO_FN, NO_FN, NO_FN },
	[MA_REC_MMAP] = { MA_FN_MMAP, MA_FN_MMAP64, NO_FN, NO_FN, NO_FN, NO_FN, NO_FN },
};

/* The inverse, code + 1 (tests/unit/test_codec.c checks the two agree). */
const uint8_t ma_kind_code1[MA_REC_MMAP + 1][MA_FN_COUNT] = {
	[MA_REC_ALLOC] = { [MA_FN_MALLOC] = 1, [MA_FN_CALLOC] = 2, [MA_FN_NEW] = 3,
			   [MA_FN_NEW_ARRAY] = 4 },
	[MA_REC_ALLOC_ALIGNED] = { [MA_FN_POSIX_MEMALIGN] = 1, [MA_FN_ALIGNED_ALLOC] = 2,
				   [MA_FN_MEMALIGN] = 3, [MA_FN_NEW] = 4, [MA_FN_NEW_ARRAY] = 5,
				   [MA_FN_VALLOC] = 6, [MA_FN_PVALLOC] = 7 },
	[MA_REC_FREE] = { [MA_FN_FREE] = 1, [MA_FN_DELETE] = 2, [MA_FN_DELETE_ARRAY] = 3 },
	[MA_REC_REALLOC] = { [MA_FN_REALLOC] = 1, [MA_FN_REALLOCARRAY] = 2 },
	[MA_REC_MMAP] = { [MA_FN_MMAP] = 1, [MA_FN_MMAP64] = 2 },
};

/* ---- encoding ---- */

void ma_enc_init(struct ma_chunk_enc *e, struct ma_enc_model *m)
{
	for (int i = 0; i < MA_NSTREAMS; i++)
		e->s[i].len = 0;
	e->m = m;
	/* zeroed table entries (seq 0, gen 0) are older than any chunk */
	e->nacq = e->nrel = 1;
	e->gen = 0;
	ma_enc_begin(e, 0);
}

void ma_enc_begin(struct ma_chunk_enc *e, uint64_t ts_first)
{
	for (int i = 0; i < MA_NSTREAMS; i++)
		e->s[i].len = 0;
	e->prev_ts = ts_first;
	e->prev_addr[0] = e->prev_addr[1] = 0;
	e->acq0 = e->nacq;
	e->rel0 = e->nrel;
	e->gen++;
	if (e->gen == 0) { /* after 2^32 chunks: forget the stack table */
		for (uint32_t i = 0; i < 1u << MA_ENC_STACK_BITS; i++)
			e->m->stk[i].gen = 0;
		e->gen = 1;
	}
	e->nstacks = 0;
	e->prev_depth = 0;
}

static inline uint8_t *e_end(struct ma_chunk_enc *e, int s)
{
	return e->s[s].buf + e->s[s].len;
}

static inline void e_set(struct ma_chunk_enc *e, int s, uint8_t *end)
{
	e->s[s].len = (size_t)(end - e->s[s].buf);
}

static inline void e_v(struct ma_chunk_enc *e, int s, uint64_t v)
{
	e_set(e, s, ma_enc_varint(e_end(e, s), v));
}

static inline void e_z(struct ma_chunk_enc *e, int s, int64_t v)
{
	e_v(e, s, ma_zigzag(v));
}

/* The kind byte; tags without an fn pass 0 and get the byte of the tag
 * alone. */
static void e_kind(struct ma_chunk_enc *e, uint8_t tag, uint64_t fn)
{
	if (!tag_has_fn(tag))
		e->s[MA_S_KIND].buf[e->s[MA_S_KIND].len++] = tag;
	else
		e_set(e, MA_S_KIND, ma_enc_kind(e_end(e, MA_S_KIND), tag, fn));
}

static void e_str(struct ma_chunk_enc *e, struct ma_bytes b)
{
	struct ma_enc_stream *st = &e->s[MA_S_MISC];

	e_v(e, MA_S_MISC, b.len);
	if (b.len)
		memcpy(st->buf + st->len, b.ptr, b.len);
	st->len += b.len;
}

static inline void e_dt(struct ma_chunk_enc *e, uint64_t dt)
{
	e_set(e, MA_S_TS, ma_enc_dt(e_end(e, MA_S_TS), dt));
}

static inline void e_ts(struct ma_chunk_enc *e, uint64_t ts)
{
	e_dt(e, ts - e->prev_ts);
	e->prev_ts = ts;
}

static void e_acq(struct ma_chunk_enc *e, uint64_t a)
{
	e_set(e, MA_S_ADDR, ma_enc_addr(e, e_end(e, MA_S_ADDR), a, 1));
}

static void e_rel(struct ma_chunk_enc *e, uint64_t a)
{
	e_set(e, MA_S_ADDR, ma_enc_addr(e, e_end(e, MA_S_ADDR), a, 0));
}

/* A stack as a dictionary entry of the chunk, then a size as a delta
 * from that entry's last size. */
static void e_stack_size(struct ma_chunk_enc *e, uint64_t id, int has_size, uint64_t size)
{
	uint8_t *p = e_end(e, MA_S_STACK);
	uint32_t idx = ma_enc_stack(e, &p, id);

	e_set(e, MA_S_STACK, p);
	if (has_size)
		e_set(e, MA_S_SIZE, ma_enc_stack_size(e, e_end(e, MA_S_SIZE), idx, size));
}

/* A stack's own frames, then those its outermost share with the stack
 * before it in the chunk, which it becomes for the next. */
static void put_stack(struct ma_chunk_enc *e, const struct ma_rec_stack *s, const uint64_t *frames)
{
	uint64_t *prev = e->m->frames;
	uint32_t depth = s->depth < MA_STACK_MAX_DEPTH ? s->depth : MA_STACK_MAX_DEPTH;
	uint32_t shared = 0;

	while (shared < depth && shared < e->prev_depth &&
	       frames[depth - 1 - shared] == prev[e->prev_depth - 1 - shared])
		shared++;
	e_v(e, MA_S_MISC, s->id);
	e_v(e, MA_S_MISC, depth);
	e_v(e, MA_S_MISC, shared);
	for (uint32_t i = 0; i < depth - shared; i++) {
		if (i == 0)
			e_v(e, MA_S_MISC, frames[0]);
		else
			e_z(e, MA_S_MISC, (int64_t)(frames[i] - frames[i - 1]));
	}
	if (depth)
		memcpy(prev, frames, depth * sizeof(*frames));
	e->prev_depth = depth;
}

static void put_meta(struct ma_chunk_enc *e, const struct ma_record *r, const uint64_t *frames)
{
	const typeof(r->u) *u = &r->u;
	const int M = MA_S_MISC;

	switch (r->tag) {
	case MA_REC_PROCESS:
		e_v(e, M, u->process.pid);
		e_v(e, M, u->process.ppid);
		e_v(e, M, u->process.start_realtime_ns);
		e_v(e, M, u->process.start_monotonic_ns);
		e_v(e, M, u->process.flags);
		e_v(e, M, u->process.parent_fork_ts);
		e_v(e, M, u->process.stack_depth);
		e_v(e, M, u->process.sample_interval_ms);
		e_str(e, u->process.exe);
		e_str(e, u->process.cmdline);
		e_str(e, u->process.probe_version);
		e_str(e, u->process.session);
		break;
	case MA_REC_STACK:
		put_stack(e, &u->stack, frames);
		break;
	case MA_REC_MODULE:
		e_v(e, M, u->module.id);
		e_v(e, M, u->module.bias);
		e_v(e, M, u->module.lo);
		e_v(e, M, u->module.hi);
		e_str(e, u->module.path);
		e_str(e, u->module.build_id);
		break;
	case MA_REC_MODULE_GONE:
		e_v(e, M, u->module_gone.id);
		break;
	case MA_REC_THREAD:
		e_v(e, M, u->thread_start.tid);
		e_str(e, u->thread_start.name);
		break;
	case MA_REC_THREAD_END:
		break;
	case MA_REC_SAMPLE:
		e_v(e, M, u->sample.rss);
		e_v(e, M, u->sample.arena);
		e_v(e, M, u->sample.ordblks);
		e_v(e, M, u->sample.hblks);
		e_v(e, M, u->sample.hblkhd);
		e_v(e, M, u->sample.uordblks);
		e_v(e, M, u->sample.fordblks);
		e_v(e, M, u->sample.keepcost);
		e_v(e, M, u->sample.psi_some_us);
		e_v(e, M, u->sample.psi_full_us);
		e_v(e, M, u->sample.flags);
		break;
	case MA_REC_MARKER:
		e_v(e, M, u->marker.kind);
		e_str(e, u->marker.name);
		e_z(e, M, u->marker.value);
		break;
	case MA_REC_FORK:
		e_v(e, M, u->fork.child_pid);
		break;
	case MA_REC_INFO:
		e_str(e, u->info.key);
		e_str(e, u->info.value);
		break;
	case MA_REC_LOST:
		e_v(e, M, u->lost.count);
		e_v(e, M, u->lost.reason);
		break;
	case MA_REC_TRAILER:
		e_v(e, M, u->trailer.exit_kind);
		e_z(e, M, u->trailer.exit_status);
		e_v(e, M, u->trailer.events);
		e_v(e, M, u->trailer.stacks);
		e_v(e, M, u->trailer.chunks);
		e_v(e, M, u->trailer.lost);
		break;
	}
}

size_t ma_enc_put(struct ma_chunk_enc *e, const struct ma_record *r, const uint64_t *frames)
{
	const typeof(r->u) *u = &r->u;
	size_t before = 0, after = 0;

	for (int i = 0; i < MA_NSTREAMS; i++)
		before += e->s[i].len;
	switch (r->tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		e_kind(e, r->tag, u->alloc.fn);
		e_ts(e, r->ts);
		e_acq(e, u->alloc.addr);
		e_stack_size(e, u->alloc.stack, 1, u->alloc.size);
		if (r->tag == MA_REC_ALLOC_ALIGNED)
			e_v(e, MA_S_MISC, u->alloc.alignment);
		break;
	case MA_REC_FREE:
		e_kind(e, r->tag, u->free.fn);
		e_ts(e, r->ts);
		e_rel(e, u->free.addr);
		break;
	case MA_REC_REALLOC:
		e_kind(e, r->tag, u->realloc.fn);
		e_ts(e, r->ts);
		e_dt(e, u->realloc.ts_after - r->ts);
		e_rel(e, u->realloc.old_addr);
		e_acq(e, u->realloc.new_addr);
		e_stack_size(e, u->realloc.stack, 1, u->realloc.size);
		break;
	case MA_REC_MMAP:
		e_kind(e, r->tag, u->mmap.fn);
		e_ts(e, r->ts);
		e_acq(e, u->mmap.addr);
		e_stack_size(e, u->mmap.stack, 1, u->mmap.length);
		e_v(e, MA_S_MISC, u->mmap.prot);
		e_v(e, MA_S_MISC, u->mmap.flags);
		e_z(e, MA_S_MISC, u->mmap.fd);
		e_v(e, MA_S_MISC, u->mmap.offset);
		e_str(e, u->mmap.path);
		break;
	case MA_REC_MUNMAP:
		e_kind(e, r->tag, 0);
		e_ts(e, r->ts);
		e_rel(e, u->munmap.addr);
		e_v(e, MA_S_MISC, u->munmap.length);
		break;
	case MA_REC_MREMAP:
		e_kind(e, r->tag, 0);
		e_ts(e, r->ts);
		e_dt(e, u->mremap.ts_after - r->ts);
		e_rel(e, u->mremap.old_addr);
		e_acq(e, u->mremap.new_addr);
		e_stack_size(e, u->mremap.stack, 0, 0);
		e_v(e, MA_S_MISC, u->mremap.old_length);
		e_v(e, MA_S_MISC, u->mremap.new_length);
		e_v(e, MA_S_MISC, u->mremap.flags);
		break;
	default:
		e_kind(e, r->tag, 0);
		if (ma_tag_is_timed(r->tag))
			e_ts(e, r->ts);
		put_meta(e, r, frames);
	}
	for (int i = 0; i < MA_NSTREAMS; i++)
		after += e->s[i].len;
	return after - before;
}

size_t ma_enc_size(const struct ma_chunk_enc *e)
{
	uint8_t tmp[MA_VARINT_MAX];
	size_t n = 0;

	if (!e->s[MA_S_KIND].len)
		return 0;
	for (int i = 0; i < MA_NSTREAMS; i++)
		n += ma_put_varint(tmp, e->s[i].len) + e->s[i].len;
	return n;
}

size_t ma_enc_finish(const struct ma_chunk_enc *e, uint8_t *out)
{
	uint8_t *p = out;

	if (!e->s[MA_S_KIND].len)
		return 0;
	for (int i = 0; i < MA_NSTREAMS; i++)
		p += ma_put_varint(p, e->s[i].len);
	for (int i = 0; i < MA_NSTREAMS; i++) {
		if (e->s[i].len)
			memcpy(p, e->s[i].buf, e->s[i].len);
		p += e->s[i].len;
	}
	return (size_t)(p - out);
}

/* ---- decoding ---- */

struct dec {
	struct ma_codec_state *st;
	int bad;
	uint64_t fn;    /* from the kind byte */
};

static inline __attribute__((always_inline)) uint64_t d_v(struct dec *d, int s)
{
	const uint8_t *q = d->st->cur[s];
	uint64_t v = 0;

	/* Most fields fit one byte: no call for them. */
	if (!d->bad && q < d->st->lim[s] && *q < 0x80) {
		d->st->cur[s] = q + 1;
		return *q;
	}
	if (!d->bad && ma_get_varint(&d->st->cur[s], d->st->lim[s], &v) < 0)
		d->bad = 1;
	return d->bad ? 0 : v;
}

static inline __attribute__((always_inline)) int64_t d_z(struct dec *d, int s)
{
	return ma_unzigzag(d_v(d, s));
}

/* A timestamp delta (ma_enc_dt; version 2 wrote dt itself). */
static inline __attribute__((always_inline)) uint64_t d_dt(struct dec *d)
{
	uint64_t c = d_v(d, MA_S_TS);

	if (d->st->version < 3)
		return c;
	if (!(c & 1))
		return c >> 1;
	if (c == 1)
		return d_v(d, MA_S_TS);
	if (c >> 49) {
		d->bad = 1; /* (c >> 1) << 16 would not fit */
		return 0;
	}
	return (c >> 1) << 16;
}

static inline __attribute__((always_inline)) uint64_t d_ts(struct dec *d)
{
	uint64_t dt = d_dt(d);

	if (d->st->prev_ts + dt < d->st->prev_ts)
		d->bad = 1;
	d->st->prev_ts += dt;
	return d->st->prev_ts;
}

/* A relative "after" timestamp must not overflow. */
static uint64_t d_after(struct dec *d, uint64_t base)
{
	uint64_t dt = d_dt(d);

	if (base + dt < base)
		d->bad = 1;
	return base + dt;
}

static struct ma_bytes d_s(struct dec *d)
{
	struct ma_bytes b = { NULL, 0 };
	uint64_t len = d_v(d, MA_S_MISC);
	struct ma_codec_state *st = d->st;

	if (d->bad)
		return b;
	if (len > (uint64_t)(st->lim[MA_S_MISC] - st->cur[MA_S_MISC])) {
		d->bad = 1;
		return b;
	}
	b.ptr = st->cur[MA_S_MISC];
	b.len = (uint32_t)len;
	st->cur[MA_S_MISC] += len;
	return b;
}

/* An address field: a reference into the other direction's window, or a
 * delta from the last address of its direction (dir: 0 acquired, 1
 * released; version 2: of either); then it joins its own direction's
 * window. */
static inline __attribute__((always_inline)) uint64_t d_addr(struct dec *d, int dir,
		const uint64_t *other, uint64_t nother, uint64_t *own, uint64_t *nown)
{
	struct ma_codec_state *st = d->st;
	uint64_t code = d_v(d, MA_S_ADDR), a;

	if (d->bad)
		return 0;
	if (code == 0) {
		a = (st->version < 3 ? st->prev_addr : st->prev_dir[dir]) +
		    (uint64_t)d_z(d, MA_S_ADDR);
	} else {
		uint64_t k = code - 1;
		if (k >= nother || k >= MA_ADDR_WINDOW) {
			d->bad = 1;
			return 0;
		}
		a = other[(nother - 1 - k) % MA_ADDR_WINDOW];
	}
	st->prev_addr = st->prev_dir[dir] = a;
	own[*nown % MA_ADDR_WINDOW] = a;
	(*nown)++;
	return a;
}

static inline __attribute__((always_inline)) uint64_t d_acq(struct dec *d)
{
	struct ma_codec_state *st = d->st;

	return d_addr(d, 0, st->rel, st->nrel, st->acq, &st->nacq);
}

static inline __attribute__((always_inline)) uint64_t d_rel(struct dec *d)
{
	struct ma_codec_state *st = d->st;

	return d_addr(d, 1, st->acq, st->nacq, st->rel, &st->nrel);
}

/* A stack code; *slot is its dictionary entry, or -1 for none. */
static inline __attribute__((always_inline)) uint64_t d_stack(struct dec *d, int64_t *slot)
{
	struct ma_codec_state *st = d->st;
	uint64_t code = d_v(d, MA_S_STACK), id;

	*slot = -1;
	if (d->bad)
		return 0;
	if (code == 0) {
		id = d_v(d, MA_S_STACK);
		if (st->nstacks < MA_STACK_DICT) {
			*slot = st->nstacks++;
			st->stack_id[*slot] = id;
			st->stack_size[*slot] = 0;
		}
		return id;
	}
	if (code - 1 >= st->nstacks) {
		d->bad = 1;
		return 0;
	}
	*slot = (int64_t)(code - 1);
	return st->stack_id[*slot];
}

static inline __attribute__((always_inline)) uint64_t d_size(struct dec *d, int64_t slot)
{
	uint64_t base = slot >= 0 ? d->st->stack_size[slot] : 0;
	uint64_t size = base + (uint64_t)d_z(d, MA_S_SIZE);

	if (slot >= 0)
		d->st->stack_size[slot] = size;
	return size;
}

/* A stack's own frames go before the outermost frames it shares with
 * the stack before it, which move into place first. */
static void get_stack(struct dec *d, struct ma_rec_stack *s)
{
	struct ma_codec_state *st = d->st;
	uint64_t depth, shared = 0, prev = 0;

	s->id = d_v(d, MA_S_MISC);
	depth = d_v(d, MA_S_MISC);
	if (st->version >= 3)
		shared = d_v(d, MA_S_MISC);
	if (d->bad || depth > MA_STACK_MAX_DEPTH || shared > depth || shared > st->prev_depth) {
		d->bad = 1;
		return;
	}
	memmove(st->frames + (depth - shared), st->frames + (st->prev_depth - shared),
		shared * sizeof(st->frames[0]));
	for (uint64_t i = 0; i < depth - shared && !d->bad; i++) {
		uint64_t v = d_v(d, MA_S_MISC);
		prev = i == 0 ? v : prev + (uint64_t)ma_unzigzag(v);
		st->frames[i] = prev;
	}
	st->prev_depth = d->bad ? 0 : (uint32_t)depth;
	s->depth = (uint32_t)depth;
	s->frames = st->frames;
}

static void get_meta(struct dec *d, struct ma_record *r)
{
	typeof(r->u) *u = &r->u;
	const int M = MA_S_MISC;

	switch (r->tag) {
	case MA_REC_PROCESS:
		u->process.pid = d_v(d, M);
		u->process.ppid = d_v(d, M);
		u->process.start_realtime_ns = d_v(d, M);
		u->process.start_monotonic_ns = d_v(d, M);
		u->process.flags = d_v(d, M);
		u->process.parent_fork_ts = d_v(d, M);
		u->process.stack_depth = d_v(d, M);
		u->process.sample_interval_ms = d_v(d, M);
		u->process.exe = d_s(d);
		u->process.cmdline = d_s(d);
		u->process.probe_version = d_s(d);
		u->process.session = d_s(d);
		break;
	case MA_REC_STACK:
		get_stack(d, &u->stack);
		break;
	case MA_REC_MODULE:
		u->module.id = d_v(d, M);
		u->module.bias = d_v(d, M);
		u->module.lo = d_v(d, M);
		u->module.hi = d_v(d, M);
		u->module.path = d_s(d);
		u->module.build_id = d_s(d);
		break;
	case MA_REC_MODULE_GONE:
		u->module_gone.id = d_v(d, M);
		break;
	case MA_REC_THREAD:
		u->thread_start.tid = d_v(d, M);
		u->thread_start.name = d_s(d);
		break;
	case MA_REC_THREAD_END:
		break;
	case MA_REC_SAMPLE:
		u->sample.rss = d_v(d, M);
		u->sample.arena = d_v(d, M);
		u->sample.ordblks = d_v(d, M);
		u->sample.hblks = d_v(d, M);
		u->sample.hblkhd = d_v(d, M);
		u->sample.uordblks = d_v(d, M);
		u->sample.fordblks = d_v(d, M);
		u->sample.keepcost = d_v(d, M);
		u->sample.psi_some_us = d_v(d, M);
		u->sample.psi_full_us = d_v(d, M);
		u->sample.flags = d_v(d, M);
		break;
	case MA_REC_MARKER:
		u->marker.kind = d_v(d, M);
		u->marker.name = d_s(d);
		u->marker.value = d_z(d, M);
		break;
	case MA_REC_FORK:
		u->fork.child_pid = d_v(d, M);
		break;
	case MA_REC_INFO:
		u->info.key = d_s(d);
		u->info.value = d_s(d);
		break;
	case MA_REC_LOST:
		u->lost.count = d_v(d, M);
		u->lost.reason = d_v(d, M);
		break;
	case MA_REC_TRAILER:
		u->trailer.exit_kind = d_v(d, M);
		u->trailer.exit_status = d_z(d, M);
		u->trailer.events = d_v(d, M);
		u->trailer.stacks = d_v(d, M);
		u->trailer.chunks = d_v(d, M);
		u->trailer.lost = d_v(d, M);
		break;
	default:
		d->bad = 1;
	}
}

/* The kind byte: the record's tag, and into d->fn the fn of the records
 * that have one, for get_record. */
static int get_kind(struct dec *d, struct ma_record *r)
{
	struct ma_codec_state *st = d->st;
	unsigned b = *st->cur[MA_S_KIND]++, code;
	int has_fn;

	r->tag = (uint8_t)(st->version < 3 ? b : b & MA_KIND_TAG_MASK);
	if (r->tag < 1 || r->tag > MA_REC_TAG_MAX)
		return -1;
	has_fn = tag_has_fn(r->tag);
	if (st->version < 3) {
		d->fn = has_fn ? d_v(d, MA_S_KIND) : 0;
		return d->bad ? -1 : 0;
	}
	code = b >> MA_KIND_TAG_BITS;
	if (!has_fn)
		return code ? -1 : 0;
	if (code == MA_KIND_FN_ESC) {
		d->fn = d_v(d, MA_S_KIND);
		return d->bad ? -1 : 0;
	}
	d->fn = kind_fn[r->tag][code];
	return d->fn == NO_FN ? -1 : 0;
}

static void get_record(struct dec *d, struct ma_record *r)
{
	typeof(r->u) *u = &r->u;
	int64_t slot;

	/* Each hot case sets every field of its own member, and nothing else:
	 * zeroing the whole 144-byte record per record was a tenth of a
	 * replay's time, zeroing the member before setting its every field
	 * 2-3 %. */
	switch (r->tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		u->alloc.fn = d->fn;
		r->ts = d_ts(d);
		u->alloc.addr = d_acq(d);
		u->alloc.stack = d_stack(d, &slot);
		u->alloc.size = d_size(d, slot);
		u->alloc.alignment = r->tag == MA_REC_ALLOC_ALIGNED ? d_v(d, MA_S_MISC) : 0;
		break;
	case MA_REC_FREE:
		u->free.fn = d->fn;
		r->ts = d_ts(d);
		u->free.addr = d_rel(d);
		break;
	case MA_REC_REALLOC:
		u->realloc.fn = d->fn;
		r->ts = d_ts(d);
		u->realloc.ts_after = d_after(d, r->ts);
		u->realloc.old_addr = d_rel(d);
		u->realloc.new_addr = d_acq(d);
		u->realloc.stack = d_stack(d, &slot);
		u->realloc.size = d_size(d, slot);
		break;
	case MA_REC_MMAP:
		memset(&u->mmap, 0, sizeof(u->mmap));
		u->mmap.fn = d->fn;
		r->ts = d_ts(d);
		u->mmap.addr = d_acq(d);
		u->mmap.stack = d_stack(d, &slot);
		u->mmap.length = d_size(d, slot);
		u->mmap.prot = d_v(d, MA_S_MISC);
		u->mmap.flags = d_v(d, MA_S_MISC);
		u->mmap.fd = d_z(d, MA_S_MISC);
		u->mmap.offset = d_v(d, MA_S_MISC);
		u->mmap.path = d_s(d);
		break;
	case MA_REC_MUNMAP:
		memset(&u->munmap, 0, sizeof(u->munmap));
		r->ts = d_ts(d);
		u->munmap.addr = d_rel(d);
		u->munmap.length = d_v(d, MA_S_MISC);
		break;
	case MA_REC_MREMAP:
		memset(&u->mremap, 0, sizeof(u->mremap));
		r->ts = d_ts(d);
		u->mremap.ts_after = d_after(d, r->ts);
		u->mremap.old_addr = d_rel(d);
		u->mremap.new_addr = d_acq(d);
		u->mremap.stack = d_stack(d, &slot);
		u->mremap.old_length = d_v(d, MA_S_MISC);
		u->mremap.new_length = d_v(d, MA_S_MISC);
		u->mremap.flags = d_v(d, MA_S_MISC);
		break;
	default:
		memset(u, 0, sizeof(*u));
		if (ma_tag_is_timed(r->tag))
			r->ts = d_ts(d);
		get_meta(d, r);
	}
}

/* Reads the stream directory: six lengths that add up to the rest. */
static int start_streams(struct ma_codec_state *st, const uint8_t *p, const uint8_t *end)
{
	uint64_t len[MA_NSTREAMS];

	for (int i = 0; i < MA_NSTREAMS; i++)
		if (ma_get_varint(&p, end, &len[i]) < 0)
			return -1;
	for (int i = 0; i < MA_NSTREAMS; i++) {
		if (len[i] > (uint64_t)(end - p))
			return -1;
		st->cur[i] = p;
		p += len[i];
		st->lim[i] = p;
	}
	if (p != end)
		return -1;
	st->payload_end = end;
	st->started = 1;
	return 0;
}

int ma_record_get(const uint8_t **p, const uint8_t *end,
		  struct ma_codec_state *st, struct ma_record *r)
{
	struct dec d = { st, 0, 0 };

	if (!st->started) {
		if (*p >= end || start_streams(st, *p, end) < 0)
			return -1;
	}
	if (end != st->payload_end || st->cur[MA_S_KIND] >= st->lim[MA_S_KIND])
		return -1;
	r->phase = 0;
	r->thread = 0;
	r->ts = 0;
	if (get_kind(&d, r) < 0)
		return -1;
	get_record(&d, r);
	if (d.bad)
		return -1;
	if (st->cur[MA_S_KIND] == st->lim[MA_S_KIND]) {
		/* the last record: every stream must be used up */
		for (int i = 0; i < MA_NSTREAMS; i++)
			if (st->cur[i] != st->lim[i])
				return -1;
		*p = end;
	}
	return 0;
}

int ma_stack_frames(const struct ma_rec_stack *s, uint64_t *out, uint32_t max)
{
	uint32_t n = s->depth < max ? s->depth : max;

	if (n)
		memcpy(out, s->frames, n * sizeof(*out));
	return (int)n;
}

/* ---- names ---- */

const char *ma_tag_name(uint8_t tag)
{
	static const char *const names[] = {
		[MA_REC_PROCESS] = "process", [MA_REC_ALLOC] = "alloc",
		[MA_REC_ALLOC_ALIGNED] = "alloc-aligned", [MA_REC_FREE] = "free",
		[MA_REC_REALLOC] = "realloc", [MA_REC_MMAP] = "mmap",
		[MA_REC_MUNMAP] = "munmap", [MA_REC_MREMAP] = "mremap",
		[MA_REC_STACK] = "stack", [MA_REC_MODULE] = "module",
		[MA_REC_MODULE_GONE] = "module-gone", [MA_REC_THREAD] = "thread",
		[MA_REC_THREAD_END] = "thread-end", [MA_REC_SAMPLE] = "sample",
		[MA_REC_MARKER] = "marker", [MA_REC_FORK] = "fork",
		[MA_REC_INFO] = "info", [MA_REC_LOST] = "lost",
		[MA_REC_TRAILER] = "trailer",
	};

	if (tag < 1 || tag > MA_REC_TAG_MAX)
		return "unknown";
	return names[tag];
}

const char *ma_fn_name(uint64_t fn)
{
	static const char *const names[MA_FN_COUNT] = {
		"malloc", "calloc", "realloc", "reallocarray", "posix_memalign",
		"aligned_alloc", "memalign", "valloc", "pvalloc", "free",
		"operator new", "operator new[]", "operator delete",
		"operator delete[]", "mmap", "mmap64", "munmap", "mremap",
	};

	return fn < MA_FN_COUNT ? names[fn] : "unknown";
}

const char *ma_exit_kind_name(uint64_t kind)
{
	static const char *const names[] = {
		"exit", "_exit", "abort", "signal", "exec", "exec-failed",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}

int ma_info_counts(const struct ma_rec_info *in, const char *key, uint64_t *out, unsigned n)
{
	const struct ma_bytes *v = &in->value;
	uint32_t i = 0;

	if (in->key.len != strlen(key) || memcmp(in->key.ptr, key, in->key.len) != 0)
		return -1;
	for (unsigned k = 0; k < n; k++) {
		if (k && (i >= v->len || v->ptr[i++] != ' '))
			return -1;
		if (i >= v->len || v->ptr[i] < '0' || v->ptr[i] > '9')
			return -1;
		for (out[k] = 0; i < v->len && v->ptr[i] >= '0' && v->ptr[i] <= '9'; i++) {
			uint64_t d = (uint64_t)(v->ptr[i] - '0');

			if (out[k] > (UINT64_MAX - d) / 10)
				return -1; /* more than 64 bits: not the probe's */
			out[k] = out[k] * 10 + d;
		}
	}
	return i == v->len ? 0 : -1;
}
