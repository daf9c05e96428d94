/* The synchronous trace writer: one open chunk per producer, written with
 * stdio when it reaches the size cap or is flushed.  Simple on purpose;
 * the probe's writer is the fast one. */
#include "config.h"

#include "trace_build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* Raw payload bytes after which a chunk is closed: small enough that a
 * reader decodes one chunk per producer cheaply, large enough that zstd
 * finds something to compress. */
#define CHUNK_CAP (64u << 10)
#define ZSTD_LEVEL 3

struct producer {
	uint32_t thread;
	uint32_t seq;          /* of the next chunk */
	struct ma_chunk_enc enc;
	struct ma_enc_model *model;
	size_t scap[MA_NSTREAMS]; /* capacity of each stream buffer */
	size_t len;            /* encoded bytes of the open chunk */
	uint32_t nrecords;
	int timed;             /* the open chunk has a timed record */
	uint64_t ts_first;
	uint64_t last_ts;      /* of the producer's last timed record */
};

struct ma_trace_build {
	FILE *f;
	int compress;
	ZSTD_CCtx *cctx;
	uint8_t *zbuf;
	size_t zcap;
	uint8_t *pbuf;         /* a chunk's payload, laid out */
	size_t pcap;
	struct producer *prods;
	size_t nprods, cap;
	uint64_t chunks;       /* written so far, header included */
};

static struct producer *prod_find(struct ma_trace_build *b, uint32_t thread)
{
	for (size_t i = 0; i < b->nprods; i++)
		if (b->prods[i].thread == thread)
			return &b->prods[i];
	return NULL;
}

static struct producer *prod_get(struct ma_trace_build *b, uint32_t thread)
{
	struct producer *p = prod_find(b, thread);

	if (p)
		return p;
	if (b->nprods == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 8;
		struct producer *n = realloc(b->prods, cap * sizeof(*n));
		if (!n)
			return NULL;
		b->prods = n;
		b->cap = cap;
	}
	p = &b->prods[b->nprods++];
	memset(p, 0, sizeof(*p));
	p->thread = thread;
	return p;
}

static int reserve(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *n;
	size_t c = *cap ? *cap : 4096;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*buf, c);
	if (!n)
		return -1;
	*buf = n;
	*cap = c;
	return 0;
}

/* Makes room for a record of up to max bytes in every stream. */
static int prod_reserve(struct producer *p, size_t max)
{
	if (!p->model) {
		if (!(p->model = calloc(1, sizeof(*p->model))))
			return -1;
		ma_enc_init(&p->enc, p->model);
	}
	for (int i = 0; i < MA_NSTREAMS; i++)
		if (reserve(&p->enc.s[i].buf, &p->scap[i], p->enc.s[i].len + max) < 0)
			return -1;
	return 0;
}

static void prod_free(struct producer *p)
{
	for (int i = 0; i < MA_NSTREAMS; i++)
		free(p->enc.s[i].buf);
	free(p->model);
}

/* Lays out the producer's open chunk in b->pbuf; returns its length, or
 * -1 when out of memory. */
static long prod_payload(struct ma_trace_build *b, struct producer *p)
{
	size_t n = ma_enc_size(&p->enc);

	if (reserve(&b->pbuf, &b->pcap, n ? n : 1) < 0)
		return -1;
	return (long)ma_enc_finish(&p->enc, b->pbuf);
}

/* Compresses into b->zbuf when it pays; returns the codec used. */
static int maybe_compress(struct ma_trace_build *b, const uint8_t *raw, size_t len,
			  size_t *stored)
{
	size_t bound = ZSTD_compressBound(len), n;

	if (!b->compress || len == 0 || reserve(&b->zbuf, &b->zcap, bound) < 0)
		return MA_CODEC_NONE;
	if (!b->cctx && !(b->cctx = ZSTD_createCCtx()))
		return MA_CODEC_NONE;
	n = ZSTD_compressCCtx(b->cctx, b->zbuf, bound, raw, len, ZSTD_LEVEL);
	if (ZSTD_isError(n) || n >= len)
		return MA_CODEC_NONE;
	*stored = n;
	return MA_CODEC_ZSTD;
}

static int write_chunk(struct ma_trace_build *b, struct ma_chunk_hdr *h,
		       const uint8_t *raw, int may_compress)
{
	uint8_t hb[MA_CHUNK_HDR_LEN];
	const uint8_t *payload = raw;
	size_t stored = h->raw_len;

	h->magic = MA_CHUNK_MAGIC;
	h->codec = may_compress ? maybe_compress(b, raw, h->raw_len, &stored)
				: MA_CODEC_NONE;
	if (h->codec == MA_CODEC_ZSTD)
		payload = b->zbuf;
	h->stored_len = (uint32_t)stored;
	h->crc = ma_chunk_crc(h, payload);
	ma_chunk_hdr_put(hb, h);
	if (fwrite(hb, 1, sizeof(hb), b->f) != sizeof(hb) ||
	    (stored && fwrite(payload, 1, stored, b->f) != stored))
		return -1;
	b->chunks++;
	return 0;
}

/* Encodes one record into a fresh buffer and writes it as a chunk of its
 * own: the header and trailer chunks. */
static int write_single(struct ma_trace_build *b, uint8_t kind, uint32_t seq,
			const struct ma_record *rec)
{
	struct ma_chunk_hdr h = { 0 };
	struct producer tmp;
	long len;
	int ret = -1;

	memset(&tmp, 0, sizeof(tmp));
	if (prod_reserve(&tmp, ma_record_max_size(rec)) < 0)
		goto out;
	ma_enc_begin(&tmp.enc, rec->ts);
	ma_enc_put(&tmp.enc, rec, NULL);
	if ((len = prod_payload(b, &tmp)) < 0)
		goto out;
	h.raw_len = (uint32_t)len;
	h.seq = seq;
	h.kind = kind;
	h.nrecords = 1;
	h.ts_first = rec->ts;
	ret = write_chunk(b, &h, b->pbuf, 0);
out:
	prod_free(&tmp);
	return ret;
}

struct ma_trace_build *ma_trace_build_open(const char *path,
					   const struct ma_rec_process *proc,
					   int compress)
{
	struct ma_trace_build *b = calloc(1, sizeof(*b));
	struct ma_record rec = { .tag = MA_REC_PROCESS };
	uint8_t prefix[MA_FILE_PREFIX_LEN];
	struct producer *p0;

	if (!b)
		return NULL;
	b->compress = compress;
	rec.ts = proc->start_monotonic_ns;
	rec.u.process = *proc;
	ma_file_prefix_put(prefix);
	if (!(b->f = fopen(path, "wb")) || fwrite(prefix, 1, sizeof(prefix), b->f) != sizeof(prefix) ||
	    write_single(b, MA_CHUNK_HEADER, 0, &rec) < 0 || !(p0 = prod_get(b, 0)))
		goto fail;
	/* the header chunk is the process producer's chunk 0 */
	p0->seq = 1;
	p0->last_ts = rec.ts;
	return b;
fail:
	if (b->f)
		fclose(b->f);
	free(b);
	return NULL;
}

static int prod_flush(struct ma_trace_build *b, struct producer *p)
{
	struct ma_chunk_hdr h = { 0 };
	long len;

	if (!p->nrecords)
		return 0;
	if ((len = prod_payload(b, p)) < 0)
		return -1;
	h.raw_len = (uint32_t)len;
	h.thread = p->thread;
	h.seq = p->seq++;
	h.kind = MA_CHUNK_RECORDS;
	h.nrecords = p->nrecords;
	/* a chunk of untimed records only sits at the producer's last time */
	h.ts_first = p->timed ? p->ts_first : p->last_ts;
	p->len = 0;
	p->nrecords = 0;
	p->timed = 0;
	return write_chunk(b, &h, b->pbuf, 1);
}

int ma_trace_build_flush(struct ma_trace_build *b, uint32_t thread)
{
	struct producer *p = prod_find(b, thread);

	return p ? prod_flush(b, p) : 0;
}

/* Starts the chunk's delta state at the first timed record. */
static int prod_note_ts(struct producer *p, const struct ma_record *rec)
{
	if (!ma_tag_is_timed(rec->tag))
		return 0;
	if (rec->ts < p->last_ts) {
		errno = EINVAL;
		return -1;
	}
	if (!p->timed) {
		p->timed = 1;
		p->ts_first = rec->ts;
		p->enc.prev_ts = rec->ts;
	}
	p->last_ts = rec->ts;
	return 0;
}

int ma_trace_build_add(struct ma_trace_build *b, uint32_t thread,
		       const struct ma_record *rec, const uint64_t *frames)
{
	struct producer *p = prod_get(b, thread);
	size_t max = ma_record_max_size(rec);

	if (!p)
		return -1;
	if (max > MA_CHUNK_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return -1;
	}
	if (p->len && p->len + max > CHUNK_CAP && prod_flush(b, p) < 0)
		return -1;
	if (prod_reserve(p, max) < 0)
		return -1;
	if (!p->nrecords)
		ma_enc_begin(&p->enc, p->last_ts);
	if (prod_note_ts(p, rec) < 0)
		return -1;
	p->len += ma_enc_put(&p->enc, rec, frames);
	p->nrecords++;
	return 0;
}

static int write_trailer(struct ma_trace_build *b, const struct ma_rec_trailer *trailer,
			 uint64_t ts)
{
	struct ma_record rec = { .tag = MA_REC_TRAILER, .ts = ts };
	struct producer *p0 = prod_get(b, 0);

	if (!p0)
		return -1;
	rec.u.trailer = *trailer;
	rec.u.trailer.chunks = b->chunks;
	return write_single(b, MA_CHUNK_TRAILER, p0->seq++, &rec);
}

int ma_trace_build_close(struct ma_trace_build *b, const struct ma_rec_trailer *trailer,
			 uint64_t trailer_ts)
{
	int ret = 0;

	for (size_t i = 0; i < b->nprods; i++)
		if (prod_flush(b, &b->prods[i]) < 0)
			ret = -1;
	if (!ret && trailer && write_trailer(b, trailer, trailer_ts) < 0)
		ret = -1;
	if (fclose(b->f) != 0)
		ret = -1;
	for (size_t i = 0; i < b->nprods; i++)
		prod_free(&b->prods[i]);
	free(b->prods);
	free(b->zbuf);
	free(b->pbuf);
	ZSTD_freeCCtx(b->cctx);
	free(b);
	return ret;
}
