/* Record and chunk-header codec shared by the probe and the reader.
 * Nothing here allocates: the probe calls it from inside malloc hooks. */
#include "trace_codec.h"

#include <string.h>

size_t ma_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

int ma_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t out = 0;
	unsigned shift = 0;

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

/* ---- CRC-32C, slicing by 8 over a table built on first use ---- */

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

uint32_t ma_crc32c(uint32_t crc, const void *buf, size_t len)
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

int ma_tag_is_timed(uint8_t tag)
{
	switch (tag) {
	case MA_REC_PROCESS:
	case MA_REC_STACK:
	case MA_REC_INFO:
	case MA_REC_LOST:
		return 0;
	default:
		return tag >= 1 && tag <= MA_REC_TAG_MAX;
	}
}

size_t ma_record_max_size(const struct ma_record *r)
{
	size_t n = 1 + 16 * MA_VARINT_MAX;

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

struct enc {
	uint8_t *p;
	struct ma_codec_state *st;
};

static void e_v(struct enc *e, uint64_t v)
{
	e->p += ma_put_varint(e->p, v);
}

static void e_z(struct enc *e, int64_t v)
{
	e_v(e, ma_zigzag(v));
}

static void e_addr(struct enc *e, uint64_t a)
{
	e_z(e, (int64_t)(a - e->st->prev_addr));
	e->st->prev_addr = a;
}

static void e_ts(struct enc *e, uint64_t ts)
{
	e_v(e, ts - e->st->prev_ts);
	e->st->prev_ts = ts;
}

static void e_s(struct enc *e, struct ma_bytes b)
{
	e_v(e, b.len);
	if (b.len)
		memcpy(e->p, b.ptr, b.len);
	e->p += b.len;
}

static void put_stack(struct enc *e, const struct ma_rec_stack *s, const uint64_t *frames)
{
	e_v(e, s->id);
	e_v(e, s->depth);
	for (uint32_t i = 0; i < s->depth; i++) {
		if (i == 0)
			e_v(e, frames[0]);
		else
			e_z(e, (int64_t)(frames[i] - frames[i - 1]));
	}
}

static void put_body(struct enc *e, const struct ma_record *r, const uint64_t *frames)
{
	const typeof(r->u) *u = &r->u;

	switch (r->tag) {
	case MA_REC_PROCESS:
		e_v(e, u->process.pid);
		e_v(e, u->process.ppid);
		e_v(e, u->process.start_realtime_ns);
		e_v(e, u->process.start_monotonic_ns);
		e_v(e, u->process.flags);
		e_v(e, u->process.parent_fork_ts);
		e_v(e, u->process.stack_depth);
		e_v(e, u->process.sample_interval_ms);
		e_s(e, u->process.exe);
		e_s(e, u->process.cmdline);
		e_s(e, u->process.probe_version);
		e_s(e, u->process.session);
		break;
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		e_addr(e, u->alloc.addr);
		e_v(e, u->alloc.size);
		e_v(e, u->alloc.stack);
		e_v(e, u->alloc.fn);
		if (r->tag == MA_REC_ALLOC_ALIGNED)
			e_v(e, u->alloc.alignment);
		break;
	case MA_REC_FREE:
		e_addr(e, u->free.addr);
		e_v(e, u->free.fn);
		break;
	case MA_REC_REALLOC:
		e_v(e, u->realloc.ts_after - r->ts);
		e_addr(e, u->realloc.old_addr);
		e_addr(e, u->realloc.new_addr);
		e_v(e, u->realloc.size);
		e_v(e, u->realloc.stack);
		e_v(e, u->realloc.fn);
		break;
	case MA_REC_MMAP:
		e_addr(e, u->mmap.addr);
		e_v(e, u->mmap.length);
		e_v(e, u->mmap.prot);
		e_v(e, u->mmap.flags);
		e_z(e, u->mmap.fd);
		e_v(e, u->mmap.offset);
		e_v(e, u->mmap.stack);
		e_v(e, u->mmap.fn);
		e_s(e, u->mmap.path);
		break;
	case MA_REC_MUNMAP:
		e_addr(e, u->munmap.addr);
		e_v(e, u->munmap.length);
		break;
	case MA_REC_MREMAP:
		e_v(e, u->mremap.ts_after - r->ts);
		e_addr(e, u->mremap.old_addr);
		e_v(e, u->mremap.old_length);
		e_addr(e, u->mremap.new_addr);
		e_v(e, u->mremap.new_length);
		e_v(e, u->mremap.flags);
		e_v(e, u->mremap.stack);
		break;
	case MA_REC_STACK:
		put_stack(e, &u->stack, frames);
		break;
	case MA_REC_MODULE:
		e_v(e, u->module.id);
		e_v(e, u->module.bias);
		e_v(e, u->module.lo);
		e_v(e, u->module.hi);
		e_s(e, u->module.path);
		e_s(e, u->module.build_id);
		break;
	case MA_REC_MODULE_GONE:
		e_v(e, u->module_gone.id);
		break;
	case MA_REC_THREAD:
		e_v(e, u->thread_start.tid);
		e_s(e, u->thread_start.name);
		break;
	case MA_REC_THREAD_END:
		break;
	case MA_REC_SAMPLE:
		e_v(e, u->sample.rss);
		e_v(e, u->sample.arena);
		e_v(e, u->sample.ordblks);
		e_v(e, u->sample.hblks);
		e_v(e, u->sample.hblkhd);
		e_v(e, u->sample.uordblks);
		e_v(e, u->sample.fordblks);
		e_v(e, u->sample.keepcost);
		e_v(e, u->sample.psi_some_us);
		e_v(e, u->sample.psi_full_us);
		e_v(e, u->sample.flags);
		break;
	case MA_REC_MARKER:
		e_v(e, u->marker.kind);
		e_s(e, u->marker.name);
		e_z(e, u->marker.value);
		break;
	case MA_REC_FORK:
		e_v(e, u->fork.child_pid);
		break;
	case MA_REC_INFO:
		e_s(e, u->info.key);
		e_s(e, u->info.value);
		break;
	case MA_REC_LOST:
		e_v(e, u->lost.count);
		e_v(e, u->lost.reason);
		break;
	case MA_REC_TRAILER:
		e_v(e, u->trailer.exit_kind);
		e_z(e, u->trailer.exit_status);
		e_v(e, u->trailer.events);
		e_v(e, u->trailer.stacks);
		e_v(e, u->trailer.chunks);
		e_v(e, u->trailer.lost);
		break;
	}
}

size_t ma_record_put(uint8_t *p, struct ma_codec_state *st,
		     const struct ma_record *r, const uint64_t *frames)
{
	struct enc e = { p, st };

	*e.p++ = r->tag;
	if (ma_tag_is_timed(r->tag))
		e_ts(&e, r->ts);
	put_body(&e, r, frames);
	return (size_t)(e.p - p);
}

/* ---- decoding ---- */

struct dec {
	const uint8_t *p, *end;
	struct ma_codec_state *st;
	int bad;
};

static uint64_t d_v(struct dec *d)
{
	uint64_t v = 0;

	if (!d->bad && ma_get_varint(&d->p, d->end, &v) < 0)
		d->bad = 1;
	return d->bad ? 0 : v;
}

static int64_t d_z(struct dec *d)
{
	return ma_unzigzag(d_v(d));
}

static uint64_t d_addr(struct dec *d)
{
	d->st->prev_addr += (uint64_t)d_z(d);
	return d->st->prev_addr;
}

static uint64_t d_ts(struct dec *d)
{
	uint64_t dt = d_v(d);

	if (d->st->prev_ts + dt < d->st->prev_ts)
		d->bad = 1;
	d->st->prev_ts += dt;
	return d->st->prev_ts;
}

/* A relative "after" timestamp must not overflow. */
static uint64_t d_after(struct dec *d, uint64_t base)
{
	uint64_t dt = d_v(d);

	if (base + dt < base)
		d->bad = 1;
	return base + dt;
}

static struct ma_bytes d_s(struct dec *d)
{
	struct ma_bytes b = { NULL, 0 };
	uint64_t len = d_v(d);

	if (d->bad)
		return b;
	if (len > (uint64_t)(d->end - d->p)) {
		d->bad = 1;
		return b;
	}
	b.ptr = d->p;
	b.len = (uint32_t)len;
	d->p += len;
	return b;
}

static void get_stack(struct dec *d, struct ma_rec_stack *s)
{
	uint64_t depth;

	s->id = d_v(d);
	depth = d_v(d);
	if (depth > 4096) {
		d->bad = 1;
		return;
	}
	s->depth = (uint32_t)depth;
	s->frames_enc = d->p;
	for (uint64_t i = 0; i < depth && !d->bad; i++)
		(void)d_v(d);
	s->frames_len = (uint32_t)(d->p - s->frames_enc);
}

static void get_body(struct dec *d, struct ma_record *r)
{
	typeof(r->u) *u = &r->u;

	switch (r->tag) {
	case MA_REC_PROCESS:
		u->process.pid = d_v(d);
		u->process.ppid = d_v(d);
		u->process.start_realtime_ns = d_v(d);
		u->process.start_monotonic_ns = d_v(d);
		u->process.flags = d_v(d);
		u->process.parent_fork_ts = d_v(d);
		u->process.stack_depth = d_v(d);
		u->process.sample_interval_ms = d_v(d);
		u->process.exe = d_s(d);
		u->process.cmdline = d_s(d);
		u->process.probe_version = d_s(d);
		u->process.session = d_s(d);
		break;
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		u->alloc.addr = d_addr(d);
		u->alloc.size = d_v(d);
		u->alloc.stack = d_v(d);
		u->alloc.fn = d_v(d);
		u->alloc.alignment = r->tag == MA_REC_ALLOC_ALIGNED ? d_v(d) : 0;
		break;
	case MA_REC_FREE:
		u->free.addr = d_addr(d);
		u->free.fn = d_v(d);
		break;
	case MA_REC_REALLOC:
		u->realloc.ts_after = d_after(d, r->ts);
		u->realloc.old_addr = d_addr(d);
		u->realloc.new_addr = d_addr(d);
		u->realloc.size = d_v(d);
		u->realloc.stack = d_v(d);
		u->realloc.fn = d_v(d);
		break;
	case MA_REC_MMAP:
		u->mmap.addr = d_addr(d);
		u->mmap.length = d_v(d);
		u->mmap.prot = d_v(d);
		u->mmap.flags = d_v(d);
		u->mmap.fd = d_z(d);
		u->mmap.offset = d_v(d);
		u->mmap.stack = d_v(d);
		u->mmap.fn = d_v(d);
		u->mmap.path = d_s(d);
		break;
	case MA_REC_MUNMAP:
		u->munmap.addr = d_addr(d);
		u->munmap.length = d_v(d);
		break;
	case MA_REC_MREMAP:
		u->mremap.ts_after = d_after(d, r->ts);
		u->mremap.old_addr = d_addr(d);
		u->mremap.old_length = d_v(d);
		u->mremap.new_addr = d_addr(d);
		u->mremap.new_length = d_v(d);
		u->mremap.flags = d_v(d);
		u->mremap.stack = d_v(d);
		break;
	case MA_REC_STACK:
		get_stack(d, &u->stack);
		break;
	case MA_REC_MODULE:
		u->module.id = d_v(d);
		u->module.bias = d_v(d);
		u->module.lo = d_v(d);
		u->module.hi = d_v(d);
		u->module.path = d_s(d);
		u->module.build_id = d_s(d);
		break;
	case MA_REC_MODULE_GONE:
		u->module_gone.id = d_v(d);
		break;
	case MA_REC_THREAD:
		u->thread_start.tid = d_v(d);
		u->thread_start.name = d_s(d);
		break;
	case MA_REC_THREAD_END:
		break;
	case MA_REC_SAMPLE:
		u->sample.rss = d_v(d);
		u->sample.arena = d_v(d);
		u->sample.ordblks = d_v(d);
		u->sample.hblks = d_v(d);
		u->sample.hblkhd = d_v(d);
		u->sample.uordblks = d_v(d);
		u->sample.fordblks = d_v(d);
		u->sample.keepcost = d_v(d);
		u->sample.psi_some_us = d_v(d);
		u->sample.psi_full_us = d_v(d);
		u->sample.flags = d_v(d);
		break;
	case MA_REC_MARKER:
		u->marker.kind = d_v(d);
		u->marker.name = d_s(d);
		u->marker.value = d_z(d);
		break;
	case MA_REC_FORK:
		u->fork.child_pid = d_v(d);
		break;
	case MA_REC_INFO:
		u->info.key = d_s(d);
		u->info.value = d_s(d);
		break;
	case MA_REC_LOST:
		u->lost.count = d_v(d);
		u->lost.reason = d_v(d);
		break;
	case MA_REC_TRAILER:
		u->trailer.exit_kind = d_v(d);
		u->trailer.exit_status = d_z(d);
		u->trailer.events = d_v(d);
		u->trailer.stacks = d_v(d);
		u->trailer.chunks = d_v(d);
		u->trailer.lost = d_v(d);
		break;
	default:
		d->bad = 1;
	}
}

int ma_record_get(const uint8_t **p, const uint8_t *end,
		  struct ma_codec_state *st, struct ma_record *r)
{
	struct dec d = { *p, end, st, 0 };
	struct ma_codec_state saved = *st;

	if (d.p >= end)
		return -1;
	memset(r, 0, sizeof(*r));
	r->tag = *d.p++;
	if (r->tag < 1 || r->tag > MA_REC_TAG_MAX)
		return -1;
	if (ma_tag_is_timed(r->tag))
		r->ts = d_ts(&d);
	get_body(&d, r);
	if (d.bad) {
		*st = saved;
		return -1;
	}
	*p = d.p;
	return 0;
}

int ma_stack_frames(const struct ma_rec_stack *s, uint64_t *out, uint32_t max)
{
	const uint8_t *p = s->frames_enc, *end = p + s->frames_len;
	uint64_t prev = 0;
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->depth; i++) {
		uint64_t v;
		if (ma_get_varint(&p, end, &v) < 0)
			return -1;
		prev = i == 0 ? v : prev + (uint64_t)ma_unzigzag(v);
		if (n < max)
			out[n++] = prev;
	}
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
		"exit", "_exit", "abort", "signal", "exec",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}
