/* Encoding and decoding of trace records and chunk headers.
 *
 * Used by both the probe and the reader, so nothing here allocates, locks,
 * or touches stdio: callers pass the buffers.  The layout is defined in
 * trace_format.h. */
#ifndef MA_TRACE_CODEC_H
#define MA_TRACE_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "trace_format.h"

/* A decoded record.  Strings point into the decoded payload buffer and are
 * not NUL-terminated; they stay valid while that buffer does. */
struct ma_bytes {
	const uint8_t *ptr;
	uint32_t len;
};

struct ma_record {
	uint8_t tag;          /* enum ma_rec_tag */
	/* For REALLOC and MREMAP in replay order (ma_trace_next): 1 when this
	 * delivery is the release of the old block at ts, 2 when it is the
	 * acquisition of the new one (ts is then ts_after).  0 otherwise. */
	uint8_t phase;
	uint32_t thread;      /* producer, filled by the reader from the chunk */
	uint64_t ts;          /* absolute ns; for untimed records the ts of the
			       * timed record before them in their chunk */
	/* Only the member of the record's tag is defined, every field of it
	 * set (0 when the record has no value for it); the rest of the union
	 * holds whatever an earlier record left there. */
	union {
		struct ma_rec_process {
			uint64_t pid, ppid, start_realtime_ns, start_monotonic_ns;
			uint64_t flags, parent_fork_ts, stack_depth, sample_interval_ms;
			struct ma_bytes exe, cmdline, probe_version, session;
		} process;
		struct ma_rec_alloc { /* ALLOC, ALLOC_ALIGNED */
			uint64_t addr, size, stack, fn, alignment;
		} alloc;
		struct ma_rec_free {
			uint64_t addr, fn;
		} free;
		struct ma_rec_realloc {
			uint64_t ts_after, old_addr, new_addr, size, stack, fn;
		} realloc;
		struct ma_rec_mmap {
			uint64_t addr, length, prot, flags, offset, stack, fn;
			int64_t fd;
			struct ma_bytes path;
		} mmap;
		struct ma_rec_munmap {
			uint64_t addr, length;
		} munmap;
		struct ma_rec_mremap {
			uint64_t ts_after, old_addr, old_length, new_addr, new_length;
			uint64_t flags, stack;
		} mremap;
		struct ma_rec_stack {
			uint64_t id;
			uint32_t depth;
			/* decoded: depth frames in the decoder's state, valid
			 * until it decodes the next record */
			const uint64_t *frames;
		} stack;
		struct ma_rec_module {
			uint64_t id, bias, lo, hi;
			struct ma_bytes path, build_id;
		} module;
		struct ma_rec_module_gone {
			uint64_t id;
		} module_gone;
		struct ma_rec_thread {
			uint64_t tid;
			struct ma_bytes name;
		} thread_start;
		struct ma_rec_sample {
			uint64_t rss, arena, ordblks, hblks, hblkhd, uordblks;
			uint64_t fordblks, keepcost, psi_some_us, psi_full_us, flags;
		} sample;
		struct ma_rec_marker {
			uint64_t kind;
			struct ma_bytes name;
			int64_t value;
		} marker;
		struct ma_rec_fork {
			uint64_t child_pid;
		} fork;
		struct ma_rec_info {
			struct ma_bytes key, value;
		} info;
		struct ma_rec_lost {
			uint64_t count, reason;
		} lost;
		struct ma_rec_trailer {
			uint64_t exit_kind;
			int64_t exit_status;
			uint64_t events, stacks, chunks, lost;
		} trailer;
	} u;
};

/* A records payload is six byte streams (docs/trace-format.md), each
 * record spreading its fields over them: kinds (tag and fn), timestamps,
 * addresses, stacks, sizes, and everything else. */
enum ma_stream {
	MA_S_KIND = 0,
	MA_S_TS = 1,
	MA_S_ADDR = 2,
	MA_S_STACK = 3,
	MA_S_SIZE = 4,
	MA_S_MISC = 5,
	MA_NSTREAMS = 6,
};

/* Addresses acquired and released in a chunk that a later address field
 * may refer to, and stacks a chunk keeps a last size for. */
#define MA_ADDR_WINDOW 4096u
#define MA_STACK_DICT 1024u

/* Decoder state of one chunk: delta state, the streams, the model.  Large
 * (about 112 KiB): keep it off small stacks. */
struct ma_codec_state {
	uint32_t version;         /* the file's format version */
	uint32_t prev_depth;      /* frames of the chunk's last stack, in frames */
	uint64_t prev_ts;
	uint64_t prev_addr;       /* version 2: the last address of either direction */
	uint64_t prev_dir[2];     /* the last address acquired [0] and released [1] */
	int started;              /* stream directory read */
	const uint8_t *cur[MA_NSTREAMS], *lim[MA_NSTREAMS];
	const uint8_t *payload_end;
	uint64_t nacq, nrel;      /* acquire and release fields so far */
	uint32_t nstacks;         /* stack dictionary entries */
	uint64_t acq[MA_ADDR_WINDOW], rel[MA_ADDR_WINDOW];
	uint64_t stack_id[MA_STACK_DICT], stack_size[MA_STACK_DICT];
	uint64_t frames[MA_STACK_MAX_DEPTH];
};

/* A chunk of a file of format `version` (MA_FORMAT_VERSION_MIN to
 * MA_FORMAT_VERSION). */
static inline void ma_codec_state_init(struct ma_codec_state *st, uint64_t ts_first,
				       uint32_t version)
{
	st->version = version;
	st->prev_depth = 0;
	st->prev_ts = ts_first;
	st->prev_addr = st->prev_dir[0] = st->prev_dir[1] = 0;
	st->started = 0;
	st->payload_end = NULL;
	st->nacq = st->nrel = 0;
	st->nstacks = 0;
}

/* Encoder.  The model is a set of direct-mapped tables from an address
 * (or stack id) to where it last went by; they only ever find candidates
 * that the encoder then codes exactly, so a collision costs bytes, never
 * correctness.  Entries carry global counters, so a new chunk needs no
 * clearing: entries older than the chunk are ignored. */
#define MA_ENC_ADDR_BITS 12
#define MA_ENC_STACK_BITS 11

/* What an address field looks up and updates side by side, one cache
 * line: [0] for acquisitions, [1] for releases. */
struct ma_enc_addr_slot {
	uint64_t key[2], seq[2];
};

struct ma_enc_stack_slot {
	uint64_t key;
	uint32_t gen, idx;
};

struct ma_enc_model {
	struct ma_enc_addr_slot addr[1u << MA_ENC_ADDR_BITS];
	struct ma_enc_stack_slot stk[1u << MA_ENC_STACK_BITS];
	uint64_t stack_size[MA_STACK_DICT];
	uint64_t frames[MA_STACK_MAX_DEPTH]; /* the chunk's last stack */
};

struct ma_enc_stream {
	uint8_t *buf;
	size_t len;
};

struct ma_chunk_enc {
	struct ma_enc_stream s[MA_NSTREAMS];  /* buffers set by the caller */
	uint64_t prev_ts;
	uint64_t prev_addr[2];    /* the last address acquired [0] and released [1] */
	uint64_t nacq, nrel;      /* global counters, never reset */
	uint64_t acq0, rel0;      /* their values when the chunk began */
	uint32_t gen;             /* chunk number, for the stack table */
	uint32_t nstacks;
	uint32_t prev_depth;      /* frames of the chunk's last stack, in m->frames */
	struct ma_enc_model *m;   /* zeroed memory before the first chunk */
};

/* Sets up an encoder around a zeroed model; stream buffers are the
 * caller's (e->s[i].buf). */
void ma_enc_init(struct ma_chunk_enc *e, struct ma_enc_model *m);
/* Starts a chunk whose timestamps count from ts_first (it may be set
 * again, e->prev_ts = ts, before the first timed record). */
void ma_enc_begin(struct ma_chunk_enc *e, uint64_t ts_first);
/* Encodes one record.  Every stream buffer must have
 * ma_record_max_size(rec) bytes free.  For MA_REC_STACK the frames come
 * from `frames` (depth at most MA_STACK_MAX_DEPTH).  Timed records need
 * rec->ts >= e->prev_ts, and realloc and mremap ts_after >= ts.
 * Returns the bytes added (all streams). */
size_t ma_enc_put(struct ma_chunk_enc *e, const struct ma_record *rec, const uint64_t *frames);
/* Payload bytes of the chunk so far (0 for a chunk of no records). */
size_t ma_enc_size(const struct ma_chunk_enc *e);
/* Writes the payload (ma_enc_size bytes) to out; returns its length. */
size_t ma_enc_finish(const struct ma_chunk_enc *e, uint8_t *out);

/* ---- primitives ---- */

/* Longest varint of a uint64_t. */
#define MA_VARINT_MAX 10

size_t ma_put_varint(uint8_t *p, uint64_t v);
/* Reads a varint from [*p, end).  Returns 0 and advances *p, or -1 when
 * the input ends early or the varint is longer than 10 bytes. */
int ma_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v);

static inline uint64_t ma_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t ma_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* CRC-32C (Castagnoli), continuing from `crc` (start with 0): with the
 * SSE4.2 crc32 instruction when the CPU has it, else with tables. */
uint32_t ma_crc32c(uint32_t crc, const void *buf, size_t len);
/* The two ways on their own, for tests: the table version always works;
 * ma_crc32c_hw may only be called when ma_crc32c_hw_available(). */
uint32_t ma_crc32c_table(uint32_t crc, const void *buf, size_t len);
uint32_t ma_crc32c_hw(uint32_t crc, const void *buf, size_t len);
int ma_crc32c_hw_available(void);

/* ---- chunk headers ---- */

/* Writes the 40-byte header; crc is taken from hdr as given. */
void ma_chunk_hdr_put(uint8_t out[MA_CHUNK_HDR_LEN], const struct ma_chunk_hdr *hdr);
void ma_chunk_hdr_get(const uint8_t in[MA_CHUNK_HDR_LEN], struct ma_chunk_hdr *hdr);
/* CRC of a chunk: header with crc = 0, then the stored payload. */
uint32_t ma_chunk_crc(const struct ma_chunk_hdr *hdr, const void *payload);
/* Fills the file prefix (magic, version). */
void ma_file_prefix_put(uint8_t out[MA_FILE_PREFIX_LEN]);

/* ---- records ---- */

/* Upper bound of the encoded size of `rec`, all streams together (strings
 * and stacks included). */
size_t ma_record_max_size(const struct ma_record *rec);

/* Decodes the next record of the payload [*p, end), whose state st was
 * set with ma_codec_state_init(st, ts_first, version) and which is passed again,
 * unchanged, with the same end, for each next record.  *p stays at the
 * payload's start until the last record has been decoded with every
 * stream used up exactly; then it is set to end.  Returns 0 on success,
 * -1 when the bytes do not form a valid record (empty or bad directory,
 * unknown tag, early end of a stream, reference outside the model,
 * timestamp overflow, string overrunning its stream, bytes left in a
 * stream after the last record). */
int ma_record_get(const uint8_t **p, const uint8_t *end,
		  struct ma_codec_state *st, struct ma_record *rec);

/* Copies the frames of a decoded stack record to out (at most max);
 * returns the number copied. */
int ma_stack_frames(const struct ma_rec_stack *st, uint64_t *out, uint32_t max);

/* Whether a tag carries a timestamp: every known tag but PROCESS, STACK,
 * INFO and LOST (inline: asked of every record the reader hands out). */
static inline int ma_tag_is_timed(uint8_t tag)
{
	return tag >= 1 && tag <= MA_REC_TAG_MAX &&
	       !((1u << MA_REC_PROCESS | 1u << MA_REC_STACK | 1u << MA_REC_INFO |
		  1u << MA_REC_LOST) >> tag & 1);
}
/* An info record of the probe whose value is numbers (docs/trace-format.md:
 * "probe-bootstrap", "probe-internal", "peak-rss"): 0 when its key is key
 * and its value exactly n unsigned decimals of 64 bits separated by single
 * spaces, into out; -1 otherwise. */
int ma_info_counts(const struct ma_rec_info *in, const char *key, uint64_t *out, unsigned n);
/* Name of a tag, fn, exit kind... for dumps ("alloc", "malloc", ...). */
const char *ma_tag_name(uint8_t tag);
const char *ma_fn_name(uint64_t fn);
const char *ma_exit_kind_name(uint64_t kind);

#endif
