/* Chunk encoding and output.  Called by the writer thread and by
 * producers flushing their own ring, both with a compressing buffer: the
 * chunks producers wrote raw held 16-91 % of a trace's bytes (68 % of a
 * sqlite3 run's), and zstd at level 1 costs a producer little beside the
 * encoding it pays anyway.  The zstd context, about 570 KiB, is mapped
 * with the buffer and touched as used. */
#define ZSTD_STATIC_LINKING_ONLY
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <zstd.h>

#include "atomic.h"
#include "chunk.h"
#include "msg.h"
#include "os.h"

#define ZSTD_LEVEL 1
#define COMPRESS_MIN 256

int probe_out_fd = -1;
uint64_t probe_chunks_written;
uint64_t probe_write_failures;

/* The program may dup2() over the trace's descriptor while another thread
 * is about to write to it; hooks_fd.c then moves the trace to another
 * number first (probe_out_fd_replace).  A write that had already read the
 * old number would land in whatever the program put there: lost for the
 * trace, and written into the program's file.  So every write holds a
 * count on the descriptor's generation, and a move waits until the writes
 * on the old generation are done before the program's call goes on.
 * Two generations are enough because moves are serialised and each waits
 * for its old generation to drain. */
static unsigned out_gen;
static unsigned out_users[2];
static int out_moving;
static __thread int out_writing;

/* out_writing is raised before the count is taken: a signal handler that
 * moves the trace between the two must not wait for its own thread. */
static int out_acquire(unsigned *slot)
{
	out_writing++;
	for (;;) {
		unsigned g = __atomic_load_n(&out_gen, __ATOMIC_SEQ_CST);

		__atomic_fetch_add(&out_users[g & 1], 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&out_gen, __ATOMIC_SEQ_CST) == g) {
			*slot = g & 1;
			return __atomic_load_n(&probe_out_fd, __ATOMIC_SEQ_CST);
		}
		__atomic_fetch_sub(&out_users[g & 1], 1, __ATOMIC_SEQ_CST);
	}
}

static void out_release(unsigned slot)
{
	__atomic_fetch_sub(&out_users[slot], 1, __ATOMIC_SEQ_CST);
	out_writing--;
}

void probe_out_fd_replace(int old_fd, int new_fd)
{
	int expected = 0;
	unsigned g;

	while (!ma_atomic_cas_acq_rel(&out_moving, &expected, 1)) {
		expected = 0;
		sched_yield();
	}
	if (__atomic_load_n(&probe_out_fd, __ATOMIC_SEQ_CST) == old_fd)
		__atomic_store_n(&probe_out_fd, new_fd, __ATOMIC_SEQ_CST);
	g = __atomic_fetch_add(&out_gen, 1, __ATOMIC_SEQ_CST);
	/* A signal handler that interrupted this thread's own write would
	 * wait for itself: it goes on (its write may then miss). */
	while (!out_writing && __atomic_load_n(&out_users[g & 1], __ATOMIC_SEQ_CST) != 0)
		sched_yield();
	ma_atomic_store_release(&out_moving, 0);
}

static size_t page_round(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

/* Maps a buffer of capacity cap: its streams and model, and, unless out
 * is given, the payload and (compress) zstd's output and context. */
static struct probe_chunkbuf *chunkbuf_map(size_t cap, int compress, struct probe_chunkbuf *out)
{
	size_t head = page_round(sizeof(struct probe_chunkbuf));
	size_t model = page_round(sizeof(struct ma_enc_model));
	size_t stream = page_round(cap);
	/* the payload: the stream directory, then the streams */
	size_t raw = out ? 0 : page_round(MA_CHUNK_HDR_LEN + MA_NSTREAMS * MA_VARINT_MAX + cap);
	size_t zc = compress ? page_round(MA_CHUNK_HDR_LEN + ZSTD_compressBound(raw)) : 0;
	size_t ws = compress ? page_round(ZSTD_estimateCCtxSize(ZSTD_LEVEL)) : 0;
	size_t total = head + model + MA_NSTREAMS * stream + raw + zc + ws;
	uint8_t *m = probe_os_map(total);
	struct probe_chunkbuf *b = (struct probe_chunkbuf *)m;
	uint8_t *q;

	if (!m)
		return NULL;
	b->map_len = total;
	b->cap = cap;
	b->out = out ? out : b;
	ma_enc_init(&b->enc, (struct ma_enc_model *)(m + head));
	q = m + head + model;
	for (int i = 0; i < MA_NSTREAMS; i++, q += stream)
		b->enc.s[i].buf = q;
	if (out)
		return b;
	b->raw = q;
	q += raw;
	if (compress) {
		b->z = q;
		b->z_cap = zc - MA_CHUNK_HDR_LEN;
		b->zctx = ZSTD_initStaticCCtx(q + zc, ws);
		b->zws = q + zc;
		b->zws_len = ws;
		if (!b->zctx)
			b->z = NULL;
	}
	return b;
}

struct probe_chunkbuf *probe_chunkbuf_new(size_t cap, int compress)
{
	return chunkbuf_map(cap, compress, NULL);
}

struct probe_chunkbuf *probe_chunkbuf_new_sharing(size_t cap, struct probe_chunkbuf *out)
{
	return out && out->cap >= cap ? chunkbuf_map(cap, 0, out) : NULL;
}

void probe_chunkbuf_free(struct probe_chunkbuf *b)
{
	if (b)
		probe_os_unmap(b, b->map_len);
}

/* Buffers of producers writing their own ring, shared by all threads.
 * Each producer used to keep one with its ring: about 1 MiB once used
 * (zstd's context, the encoder's tables, the streams), on every busy
 * thread of a program whose writer thread falls behind.  Now there are
 * as many as producers ever flushed at the same time.  A slot holds a
 * free buffer or NULL; a buffer taken out is its taker's alone. */
#define POOL_SLOTS 64
static struct probe_chunkbuf *pool[POOL_SLOTS];

struct probe_chunkbuf *probe_chunkbuf_take(size_t cap)
{
	for (int i = 0; i < POOL_SLOTS; i++) {
		struct probe_chunkbuf *b = ma_atomic_load_acquire(&pool[i]);

		if (b && b->cap >= cap && ma_atomic_cas_acq_rel(&pool[i], &b, NULL))
			return b;
	}
	return probe_chunkbuf_new(cap, 1);
}

void probe_chunkbuf_give(struct probe_chunkbuf *b)
{
	for (int i = 0; b && i < POOL_SLOTS; i++) {
		struct probe_chunkbuf *none = NULL;

		if (!ma_atomic_load_relaxed(&pool[i]) && ma_atomic_cas_acq_rel(&pool[i], &none, b))
			return;
	}
	probe_chunkbuf_free(b);
}

/* In a virtual machine a page's first touch costs about 17 us when it
 * faults, and 1 + 9 us when MADV_POPULATE_WRITE allocated it before (the
 * 9 is the host's part, which nothing avoids).  The buffers below are
 * written front to back, chunk after chunk, so they are populated a step
 * ahead of their use: on git log -p that was 210 of the probe's 380
 * page faults, and its added CPU went from 0.79 to 0.67 of heaptrack's
 * capture (median of 15 runs).  A step is small, so that a short run
 * populates little it will not use. */
#define WARM_LEAD (16u << 10)
#define WARM_ZSTD_MIN (32u << 10)
/* The encoder's tables (42 pages) are hashed into all over: 64 addresses
 * touch 28 of the address table's 32 pages.  They are populated once the
 * buffer has been given MODEL_WARM_WORDS ring words (30 to 120 records),
 * not when it is mapped: a buffer that only ever takes a few records (a
 * producer's own flush, the process's first chunk) left most of them
 * untouched. */
#define MODEL_WARM_WORDS 256u

void probe_chunk_warm(struct probe_chunkbuf *b, uint64_t words)
{
	if (b->words_seen < MODEL_WARM_WORDS) {
		b->words_seen += words;
		if (b->words_seen >= MODEL_WARM_WORDS)
			probe_os_populate(b->enc.m, offsetof(struct ma_enc_model, frames));
	}
	/* a stream's lead grows with the stream, up to WARM_LEAD: a buffer
	 * that encodes little populates a page a stream, not four */
	for (int i = 0; i < MA_NSTREAMS; i++) {
		size_t len = b->enc.s[i].len;
		size_t lead = len < WARM_LEAD ? 4096 : WARM_LEAD;

		probe_os_warm(b->enc.s[i].buf, &b->warm[i], len + lead, lead, page_round(b->cap));
	}
}

void probe_chunk_begin(struct probe_chunkbuf *b)
{
	b->len = 0;
	b->nrec = 0;
	b->timed = 0;
	b->coarse = 0;
	b->ts_first = 0;
	ma_enc_begin(&b->enc, 0);
}

/* Rounds a heap event's timestamps down to PROBE_COARSE_NS when b->coarse.
 * Nanoseconds are there to order events across threads (docs/
 * trace-format.md, ordering rules), and they are most of a trace's bytes
 * after compression: 0.5 of 0.57 bytes a record on a sqlite3 run.  A
 * chunk is coarse when, at the time it is encoded, only one thread has
 * ever recorded.  Then no event of another thread precedes these in
 * time, for such a thread is counted before its first event reaches its
 * ring or the real free; and moving them earlier cannot put them after
 * a later event of another.  Markers, modules and threads keep their
 * nanoseconds (a model's load time is measured between two markers). */
static void coarsen(struct ma_record *rec)
{
	rec->ts = probe_coarse(rec->ts);
	if (rec->tag == MA_REC_REALLOC)
		rec->u.realloc.ts_after = probe_coarse(rec->u.realloc.ts_after);
	if (rec->tag == MA_REC_MREMAP)
		rec->u.mremap.ts_after = probe_coarse(rec->u.mremap.ts_after);
}

/* Keeps timestamps of a chunk non-decreasing (probe_chunk_clamp_ts, which
 * chunk_ring.c uses for the heap events it encodes itself), a realloc's
 * or mremap's second one not before its first. */
static void clamp_ts(struct probe_chunkbuf *b, struct ma_record *rec)
{
	if (!ma_tag_is_timed(rec->tag))
		return;
	if (b->coarse && rec->tag >= MA_REC_ALLOC && rec->tag <= MA_REC_MREMAP)
		coarsen(rec);
	rec->ts = probe_chunk_clamp_ts(b, rec->ts);
	if (rec->tag == MA_REC_REALLOC && rec->u.realloc.ts_after < rec->ts)
		rec->u.realloc.ts_after = rec->ts;
	if (rec->tag == MA_REC_MREMAP && rec->u.mremap.ts_after < rec->ts)
		rec->u.mremap.ts_after = rec->ts;
}

int probe_chunk_add(struct probe_chunkbuf *b, struct ma_record *rec, const uint64_t *frames)
{
	clamp_ts(b, rec);
	if (b->len + ma_record_max_size(rec) > b->cap)
		return -1;
	b->len += ma_enc_put(&b->enc, rec, frames);
	b->nrec++;
	return 0;
}

int probe_chunk_add_raw(struct probe_chunkbuf *b, const uint64_t *w)
{
	struct ma_record rec;
	const uint64_t *frames = NULL;

	probe_raw_to_record(w, &rec, &frames);
	return probe_chunk_add(b, &rec, frames);
}

/* Lays out the payload (directory and streams) after the header room and
 * compresses it into b->z when that makes it smaller; returns the buffer
 * to write (header room included) and sets *raw_len and *stored. */
static uint8_t *maybe_compress(struct probe_chunkbuf *b, uint32_t *raw_len, uint32_t *stored,
			       uint8_t *codec)
{
	struct probe_chunkbuf *o = b->out;
	size_t len = ma_enc_size(&b->enc), n;

	probe_os_warm(o->raw, &o->raw_warm, MA_CHUNK_HDR_LEN + len, 4096,
		      MA_CHUNK_HDR_LEN + MA_NSTREAMS * MA_VARINT_MAX + o->cap);
	len = ma_enc_finish(&b->enc, o->raw + MA_CHUNK_HDR_LEN);
	*raw_len = (uint32_t)len;
	*stored = (uint32_t)len;
	*codec = MA_CODEC_NONE;
	if (!o->z || len < COMPRESS_MIN)
		return o->raw;
	/* zstd's tables and buffers are in use from its first big chunk (a
	 * small one, as at the end of a short run, touches a few pages) */
	if (len >= WARM_ZSTD_MIN)
		probe_os_warm(o->zws, &o->zws_warm, o->zws_len, 4096, o->zws_len);
	n = ZSTD_compressCCtx(o->zctx, o->z + MA_CHUNK_HDR_LEN, o->z_cap,
			      o->raw + MA_CHUNK_HDR_LEN, len, ZSTD_LEVEL);
	if (ZSTD_isError(n) || n >= len)
		return o->raw;
	*stored = (uint32_t)n;
	*codec = MA_CODEC_ZSTD;
	return o->z;
}

int probe_chunk_write(struct probe_chunkbuf *b, uint32_t thread, uint32_t seq,
		      uint8_t kind, uint16_t flags)
{
	struct ma_chunk_hdr hdr = {
		.magic = MA_CHUNK_MAGIC,
		.thread = thread, .seq = seq, .kind = kind, .flags = flags,
		.nrecords = b->nrec, .ts_first = b->ts_first,
	};
	uint8_t *out = maybe_compress(b, &hdr.raw_len, &hdr.stored_len, &hdr.codec);
	unsigned slot;
	int fd, err = 0;

	hdr.crc = ma_chunk_crc(&hdr, out + MA_CHUNK_HDR_LEN);
	ma_chunk_hdr_put(out, &hdr);
	fd = out_acquire(&slot);
	if (fd >= 0)
		err = probe_os_write_all(fd, out, MA_CHUNK_HDR_LEN + hdr.stored_len);
	out_release(slot);
	if (fd < 0 || err < 0) {
		ma_atomic_add_relaxed(&probe_write_failures, b->nrec);
		if (fd >= 0)
			probe_output_failed(fd, -err);
		return -1;
	}
	ma_atomic_add_relaxed(&probe_chunks_written, 1);
	return 0;
}
