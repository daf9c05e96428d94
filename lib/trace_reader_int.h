/* Private to the trace reader: opening a file and reading one chunk with
 * every check, shared by the replaying reader (trace_reader.c) and the
 * file-order chunk walk (trace_reader_chunk.c). */
#ifndef MA_TRACE_READER_INT_H
#define MA_TRACE_READER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <zstd.h>

#include "trace_reader.h"

/* A growable buffer; the reader owns one per producer being decoded. */
struct ma_rd_buf {
	uint8_t *ptr;
	size_t cap;
};

struct ma_rd_file {
	int fd;
	uint64_t size;             /* at open: a growing file is read up to here */
	uint32_t version;
	ZSTD_DCtx *dctx;           /* created on the first compressed chunk */
	struct ma_rd_buf scratch;  /* compressed payloads */
};

/* Opens path and checks its prefix.  Returns MA_TRACE_OPEN_OK or another
 * enum ma_trace_open_err with a message in err; on failure nothing is
 * left open. */
int ma_rd_file_open(struct ma_rd_file *f, const char *path, char *err, size_t errlen);
void ma_rd_file_close(struct ma_rd_file *f);

/* Reads the chunk whose header is at `off` (the ordinal-th chunk of the
 * file, counted from 0) into out: checks magic, kind, codec, lengths,
 * CRC-32C, decompression, and, when `decode` is set, that the payload
 * decodes into exactly hdr.nrecords records.  Returns 0 with *hdr and out
 * filled (hdr.raw_len bytes), 1 when `off` is the end of the file, -1
 * with "chunk N at offset X: reason" in err.  The dump decodes every
 * chunk so; the open only header and trailer chunks, the replay decoding
 * the others as it goes. */
int ma_rd_chunk_read(struct ma_rd_file *f, uint64_t off, uint64_t ordinal,
		     struct ma_chunk_hdr *hdr, struct ma_rd_buf *out, int decode,
		     char *err, size_t errlen);

/* The checks of ma_rd_chunk_read() that need only the chunk's header
 * (magic, kind, lengths, that the payload lies within the file): 0 with
 * *hdr filled, 1 at the end of the file, -1 with the same message. */
int ma_rd_chunk_head(const struct ma_rd_file *f, uint64_t off, uint64_t ordinal,
		     struct ma_chunk_hdr *hdr, char *err, size_t errlen);
/* A chunk's offset and header. */
struct ma_rd_head {
	uint64_t off;
	struct ma_chunk_hdr h;
};

/* Checks the chunks from the start of the file as ma_rd_chunk_read()
 * does, decoding the records of header and trailer chunks only, up to
 * the first damaged one (trace_reader_scan.c):
 * returns k, the number of good ones, the first k of *out (malloc'd,
 * the caller frees it); *damaged set and the reason in why when chunk k
 * is damaged; *end the offset where good chunks end.  -1 when out of
 * memory. */
ssize_t ma_rd_check_all(const struct ma_rd_file *f, struct ma_rd_head **out, uint64_t *end,
			int *damaged, char *why, size_t whylen);
/* Frees what a copy of an open file made for itself (its decompression
 * context and scratch buffer), leaving the descriptor: a copy shares the
 * original's, and pread(2) may be used by two threads at once. */
void ma_rd_file_unshare(struct ma_rd_file *f);

/* Decodes the first record of a checked chunk (the process header, the
 * trailer) of a file of that format version; 0 or -1.  Its strings point
 * into raw; it must not be a stack record. */
int ma_rd_first_record(const struct ma_chunk_hdr *hdr, const uint8_t *raw, uint32_t version,
		       struct ma_record *rec);

void ma_rd_buf_free(struct ma_rd_buf *b);

/* ---- the replaying reader ---- */

/* One indexed chunk: what replay needs to find and re-read it. */
struct rd_chunk {
	uint64_t offset, ordinal, ts_first;
	uint32_t thread, seq, stored_len, nrecords;
};

/* A producer: its chunks are chunks[first .. first+count) in seq order. */
struct rd_prod {
	uint32_t thread, first, count;
	uint32_t pos;              /* next chunk to load */
	int has_gap;
	struct ma_rd_buf buf;      /* the decoded chunk, only while active */
	const uint8_t *p, *end;
	uint32_t left;             /* records not yet decoded */
	struct ma_codec_state *st; /* decoder state, only while active */
	struct ma_record peek;     /* the next record to deliver */
};

/* The merge heap holds, per producer, either its next record (REC) or
 * its next chunk not yet loaded (LAZY, keyed by ts_first); and the
 * second phase of reallocs and mremaps (PHASE2) waiting for ts_after. */
enum rd_class { RD_PHASE2 = 0, RD_REC = 1, RD_LAZY = 2 };

struct rd_entry {
	uint64_t ts;
	uint32_t prod;
	uint32_t cls;
	uint32_t slot;             /* PHASE2: index into slots */
};

struct ma_trace {
	struct ma_rd_file f;
	struct ma_trace_info info;
	struct rd_chunk *chunks;
	size_t nchunks, chunk_cap;
	struct rd_prod *prods;
	size_t nprods;

	struct rd_entry *heap;
	size_t nheap, heap_cap;
	struct ma_record *slots;   /* pending phase-2 records */
	uint32_t *free_slots;
	size_t nslots, nfree, slot_cap;

	long advance;              /* producer whose peek was just delivered */
	uint64_t progress;
	int failed;
	char err[256];
};

/* Frees what replay holds (decoded chunks); ma_trace_rewind starts over. */
void ma_rd_replay_release(struct ma_trace *t);

#endif
