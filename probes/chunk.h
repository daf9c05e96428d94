/* Turning raw ring records into trace chunks and appending them to the
 * trace file: encode with lib/trace_codec, compress with zstd when it
 * pays, checksum, one write(2).
 *
 * A chunk buffer is mapped memory holding a scratch record (for one that
 * wraps the end of a ring), the encoder's streams and model, the payload
 * and (when compressing) the zstd output and a static zstd context, so
 * nothing here calls malloc.  Pages are touched only as far as chunks
 * fill them.  One buffer is used by one thread at a time. */
#ifndef PROBE_CHUNK_H
#define PROBE_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#include "rawrec.h"
#include "trace_codec.h"

struct probe_chunkbuf {
	size_t map_len;
	size_t cap;               /* payload capacity */
	size_t len;               /* encoded bytes so far, all streams */
	uint32_t nrec;
	int timed;                /* a timed record was added (ts_first valid) */
	int coarse;               /* heap events to PROBE_COARSE_NS (see chunk.c) */
	uint64_t ts_first;
	struct ma_chunk_enc enc;  /* streams of cap bytes each, and the model */
	/* The buffer whose payload, zstd output and context this one's
	 * writes use: itself, or one it shares them with (chunk.c). */
	struct probe_chunkbuf *out;
	uint8_t *raw;             /* MA_CHUNK_HDR_LEN bytes, then the payload */
	uint8_t *z;               /* header room + compressed payload, or NULL */
	size_t z_cap;
	void *zctx;               /* ZSTD_CCtx in static memory, or NULL */
	uint8_t *zws;             /* that memory, zws_len bytes */
	size_t zws_len;
	/* populated bytes of each stream, of raw and of zws (chunk.c) */
	size_t warm[MA_NSTREAMS], raw_warm, zws_warm;
	/* ring words given, counted until MODEL_WARM_WORDS (chunk.c), when
	 * the encoder's tables are populated */
	uint64_t words_seen;
	uint64_t scratch[PROBE_RAW_MAX_WORDS];
};

/* The unit heap events are rounded down to in chunks of a program that
 * has had one thread recording so far (chunk.c). */
#define PROBE_COARSE_NS (1ull << 16) /* 65.5 us */

static inline uint64_t probe_coarse(uint64_t ts)
{
	return ts & ~(PROBE_COARSE_NS - 1);
}

/* A timed record's timestamp as the chunk stores it: the first one sets
 * the chunk's ts_first, and none goes before the one before it (a
 * signal handler's event can be pushed between a realloc's first
 * timestamp and its record, and a rounded event can follow a marker).
 * Rounding, when the chunk is coarse, comes first (chunk.c, coarsen). */
static inline uint64_t probe_chunk_clamp_ts(struct probe_chunkbuf *b, uint64_t ts)
{
	if (!b->timed) {
		b->timed = 1;
		b->ts_first = ts;
		b->enc.prev_ts = ts;
	}
	return ts < b->enc.prev_ts ? b->enc.prev_ts : ts;
}

/* Maps a buffer for payloads up to cap bytes; compress: use zstd. */
struct probe_chunkbuf *probe_chunkbuf_new(size_t cap, int compress);
/* A buffer of streams and model only, whose writes lay out and compress
 * the payload in out's memory (out's capacity at least cap).  Buffers
 * sharing an out must not be written at the same time. */
struct probe_chunkbuf *probe_chunkbuf_new_sharing(size_t cap, struct probe_chunkbuf *out);
void probe_chunkbuf_free(struct probe_chunkbuf *b);
/* A compressing buffer for payloads up to cap bytes from the pool shared
 * by producers flushing their own rings (mapped when none is free), and
 * its return; lock-free, for any thread or signal handler. */
struct probe_chunkbuf *probe_chunkbuf_take(size_t cap);
void probe_chunkbuf_give(struct probe_chunkbuf *b);

/* Starts an empty chunk. */
void probe_chunk_begin(struct probe_chunkbuf *b);
/* Encodes one raw record (contiguous words).  Returns 0, or -1 when it
 * does not fit (the buffers are sized so this never happens). */
int probe_chunk_add_raw(struct probe_chunkbuf *b, const uint64_t *w);
/* Encodes a decoded record directly (header, trailer). */
int probe_chunk_add(struct probe_chunkbuf *b, struct ma_record *rec, const uint64_t *frames);
/* Populates the stream buffers ahead of the next `words` ring words, and
 * the encoder's tables once the buffer has taken enough (chunk.c). */
void probe_chunk_warm(struct probe_chunkbuf *b, uint64_t words);
/* Encodes the raw records in ring positions [from, to) of words/mask,
 * the same bytes as probe_chunk_add_raw on each (chunk_ring.c).  Returns
 * 0, or -1 when a record did not fit or the range is damaged. */
int probe_chunk_add_ring(struct probe_chunkbuf *b, const uint64_t *words, uint64_t mask,
			 uint64_t from, uint64_t to);
/* Releases less allocations (a realloc is neither) that probe_chunk_add_ring
 * has encoded, all threads together: how much the allocator's free lists
 * may have grown, for the sampler's cost estimate of mallinfo2. */
extern int64_t probe_chunk_net_frees;
/* Finishes the chunk and appends it to the trace (probe_out_fd) with one
 * write(2).  Returns 0, or -1 when the write failed (the records are
 * counted in probe_write_failures). */
int probe_chunk_write(struct probe_chunkbuf *b, uint32_t thread, uint32_t seq,
		      uint8_t kind, uint16_t flags);

/* Fills rec (and *frames for stacks) from a raw record; strings point
 * into w. */
void probe_raw_to_record(const uint64_t *w, struct ma_record *rec, const uint64_t **frames);

/* A write to the trace failed with errno err (output.c): says so once
 * and stops writing. */
void probe_output_failed(int fd, int err);

/* The trace has moved from old_fd to new_fd (the program is about to
 * dup2() over old_fd): publishes new_fd and returns once no write to
 * old_fd is in flight. */
void probe_out_fd_replace(int old_fd, int new_fd);

/* The trace file and what has gone into it. */
extern int probe_out_fd;
extern uint64_t probe_chunks_written;  /* atomic */
extern uint64_t probe_write_failures;  /* atomic; events lost that way */

#endif
