/* Reading a trace file: validation, damage detection, and replay order.
 *
 * ma_trace_open() checks the file prefix and walks every chunk once,
 * verifying lengths and checksums, and builds a small index (a few dozen
 * bytes a chunk).  Reading stops at the first damaged chunk: what comes
 * before is used, what comes after is counted as lost and described in
 * struct ma_trace_info.
 *
 * ma_trace_next() then delivers records in replay order: the chunks of
 * each producer in `seq` order, producers merged by timestamp (ties by
 * producer), decoding one chunk per producer at a time, so memory grows
 * with the number of producers that overlap in time, never with the
 * length of the trace.  REALLOC and MREMAP records are delivered twice
 * (phase 1 at ts, phase 2 at ts_after, see struct ma_record) so that a
 * block released by realloc on one thread and reused by another is
 * replayed in the right order.
 *
 * ma_chunk_iter walks the chunks in file order, for dumps.
 *
 * Errors: functions return -1 (or NULL) and leave a one-line reason,
 * lowercase without final period, in the trace's error buffer or in the
 * caller's buffer for ma_trace_open. */
#ifndef MA_TRACE_READER_H
#define MA_TRACE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "trace_codec.h"

struct ma_trace;

/* Why a trace could not be opened; the values are stable because the
 * command turns them into exit codes. */
enum ma_trace_open_err {
	MA_TRACE_OPEN_OK = 0,
	MA_TRACE_OPEN_IO = 1,        /* missing, unreadable, a directory... */
	MA_TRACE_OPEN_NOT_TRACE = 2, /* wrong magic, too short for a prefix */
	MA_TRACE_OPEN_VERSION = 3,   /* a trace of a format version we do not read */
	MA_TRACE_OPEN_EMPTY = 4,     /* a prefix but no readable header chunk */
};

struct ma_trace_info {
	uint32_t version;            /* format version from the prefix */
	/* The process header, strings copied and NUL-terminated (owned by the
	 * trace; cmdline keeps its NUL separators, cmdline_len says how long). */
	uint64_t pid, ppid, start_realtime_ns, start_monotonic_ns;
	uint64_t flags, parent_fork_ts, stack_depth, sample_interval_ms;
	char *exe, *cmdline, *probe_version, *session;
	uint32_t cmdline_len;

	uint64_t file_size;
	uint64_t chunks;             /* chunks indexed (good ones) */
	uint64_t records;            /* records in them, from chunk headers */
	uint64_t bytes_read;         /* prefix + good chunks */
	uint64_t first_ts, last_ts;  /* range of chunk ts_first values seen */

	int complete;                /* a trailer chunk was read */
	struct ma_rec_trailer trailer; /* valid when complete */

	int damaged;                 /* reading stopped before the end of the file */
	uint64_t damage_offset;      /* byte offset of the first bad chunk */
	uint64_t bytes_lost;         /* file_size - bytes_read */
	char damage[256];            /* e.g. "chunk 12 at offset 40960: checksum mismatch" */
	/* Producers whose chunk numbers have a gap (a chunk missing in the
	 * middle: its events are lost). */
	uint64_t seq_gaps;
};

/* Opens and indexes path.  Returns MA_TRACE_OPEN_OK and sets *out, or an
 * error code with a message in err (e.g. "not a memory-analyzer trace").
 * A damaged or truncated trace opens successfully: check info->damaged. */
int ma_trace_open(const char *path, struct ma_trace **out, char *err, size_t errlen);
const struct ma_trace_info *ma_trace_info(const struct ma_trace *t);

/* Next record in replay order: 1 with *rec filled, 0 at the end, -1 when a
 * chunk that passed its checksum does not decode (then the trace is
 * marked damaged from that chunk on and ma_trace_error() says why).
 * rec's strings and stack frames stay valid until the next call. */
int ma_trace_next(struct ma_trace *t, struct ma_record *rec);
/* Bytes of chunk payload consumed so far, against info->bytes_read: for
 * a progress bar. */
uint64_t ma_trace_progress(const struct ma_trace *t);
/* Starts replay again from the beginning. */
int ma_trace_rewind(struct ma_trace *t);
/* Reading is over for now: frees what it holds (decoded chunks, the
 * merge heap, the decompression context and its buffer), about 0.1 MiB
 * for a small trace; the info stays.  ma_trace_rewind reads again. */
void ma_trace_idle(struct ma_trace *t);
const char *ma_trace_error(const struct ma_trace *t);
void ma_trace_close(struct ma_trace *t);

/* ---- file-order chunk walk, for dumps ---- */

struct ma_chunk_iter;

struct ma_chunk_view {
	uint64_t offset;             /* of the chunk header in the file */
	struct ma_chunk_hdr hdr;
	const uint8_t *payload;      /* decompressed, hdr.raw_len bytes */
	uint32_t version;            /* the file's format version */
};

/* Same error codes as ma_trace_open. */
int ma_chunk_iter_open(const char *path, struct ma_chunk_iter **out, char *err, size_t errlen);
/* 1 with *view filled, 0 at a clean end of file, -1 at damage: then
 * ma_chunk_iter_error() says where and why ("chunk 7 at offset 1234:
 * truncated, 40 of 5120 payload bytes present"). */
int ma_chunk_iter_next(struct ma_chunk_iter *it, struct ma_chunk_view *view);
const char *ma_chunk_iter_error(const struct ma_chunk_iter *it);
/* The file's format version. */
uint32_t ma_chunk_iter_version(const struct ma_chunk_iter *it);
void ma_chunk_iter_close(struct ma_chunk_iter *it);

#endif
