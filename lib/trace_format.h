/* The trace file format: the one definition shared by the probe (writer)
 * and the analyzer (reader).  docs/trace-format.md describes it byte by
 * byte; keep the two in step.
 *
 * A trace is a file prefix followed by chunks:
 *
 *   file prefix (16 bytes)   MA_FILE_MAGIC, u32 format version, u32 zero
 *   chunk*                   struct ma_chunk_hdr + payload
 *
 * All integers in fixed-size fields are little-endian.  A chunk's payload,
 * once decompressed, holds a sequence of records, laid out column-wise: a
 * directory of six varint lengths, then six byte streams (kinds,
 * timestamps, addresses, stacks, sizes, everything else; enum ma_stream
 * in trace_codec.h).  A record is one byte in the kind stream (its tag,
 * with its fn when it has one: MA_KIND_*) and LEB128 varints (and
 * length-prefixed byte strings) in the others, see
 * the MA_REC_* comments below.  Every chunk holds the records of one producer (a thread,
 * or the process itself for thread 0) in that producer's order; chunks of
 * different producers interleave in the file in any order, and a reader
 * merges them by timestamp (each producer's chunks are ordered by `seq`).
 *
 * Addresses are coded against the chunk's recent acquisitions and
 * releases, stacks against a dictionary of the chunk, sizes against the
 * stack's last size (docs/trace-format.md, "Payload").  All of that state
 * starts afresh in every chunk (prev_ts = hdr.ts_first, the last address
 * acquired and the last released 0, empty windows and dictionary, no last
 * stack), so every chunk decodes on its own.
 *
 * This header has no dependencies beyond <stdint.h> so the probe can use
 * it without pulling anything that allocates. */
#ifndef MA_TRACE_FORMAT_H
#define MA_TRACE_FORMAT_H

#include <stdint.h>

#define MA_FILE_MAGIC "\x89MATRACE"   /* 8 bytes, no terminator counted */
#define MA_FILE_MAGIC_LEN 8
#define MA_FILE_PREFIX_LEN 16
#define MA_FORMAT_VERSION 3u
/* The oldest version readers still read: version 2 differs only in four
 * codes of the payload (docs/trace-format.md, "Version 2"). */
#define MA_FORMAT_VERSION_MIN 2u

#define MA_CHUNK_MAGIC 0x4b43414du    /* "MACK" read as little-endian */
#define MA_CHUNK_HDR_LEN 40u
/* Largest payload a reader accepts, stored or raw: bounds what a damaged
 * length field can make it allocate. */
#define MA_CHUNK_MAX_PAYLOAD (16u << 20)

/* Chunk header, 40 bytes on disk in this order. */
struct ma_chunk_hdr {
	uint32_t magic;       /* MA_CHUNK_MAGIC */
	uint32_t stored_len;  /* payload bytes that follow the header */
	uint32_t raw_len;     /* payload bytes after decompression */
	uint32_t crc;         /* CRC-32C of header (crc field as 0) + stored payload */
	uint32_t thread;      /* producer: thread serial, 0 = the process */
	uint32_t seq;         /* producer's chunk number, 0, 1, 2, ... */
	uint8_t kind;         /* enum ma_chunk_kind */
	uint8_t codec;        /* enum ma_codec */
	uint16_t flags;       /* enum ma_chunk_flag */
	uint32_t nrecords;    /* records in the payload */
	uint64_t ts_first;    /* timestamp of the first timed record (ns) */
};

enum ma_chunk_kind {
	MA_CHUNK_HEADER = 1,  /* first chunk: one MA_REC_PROCESS record */
	MA_CHUNK_RECORDS = 2, /* events and definitions */
	MA_CHUNK_TRAILER = 3, /* one MA_REC_TRAILER record: the clean end */
};

enum ma_codec {
	MA_CODEC_NONE = 0,
	MA_CODEC_ZSTD = 1,
};

enum ma_chunk_flag {
	/* Written by the producing thread itself (ring full, writer busy),
	 * or after the final flush at exit. Informational. */
	MA_CHUNK_F_DIRECT = 1u << 0,
};

/* Record tags.  Field lists use: v = unsigned varint, z = zigzag signed
 * varint, s = varint length then that many bytes, dts = timestamp delta
 * from the previous timed record of the chunk (unsigned), daddr = an
 * address (an address code in the address stream), and fields are listed
 * in record order; the stream each goes to is in docs/trace-format.md
 * (fn to the kind stream, stack and size to their streams). */
enum ma_rec_tag {
	/* Process header (in the MA_CHUNK_HEADER chunk).
	 * v pid, v ppid, v start_realtime_ns, v start_monotonic_ns,
	 * v flags (enum ma_proc_flag), v parent_fork_ts (ns in the parent's
	 * clock base; 0 unless MA_PROC_F_FORK_CHILD), v stack_depth,
	 * v sample_interval_ms, s exe path, s cmdline (argv NUL-separated),
	 * s probe version, s session token (may be empty). */
	MA_REC_PROCESS = 1,

	/* Allocation: dts, daddr, v size, v stack, v fn (enum ma_fn).
	 * Recorded after the real call returned. */
	MA_REC_ALLOC = 2,
	/* Aligned allocation: as MA_REC_ALLOC, then v alignment. */
	MA_REC_ALLOC_ALIGNED = 3,
	/* Release: dts, daddr, v fn.  Recorded before the real call. */
	MA_REC_FREE = 4,
	/* realloc/reallocarray: dts (before the call), v dts_after (after the
	 * call, relative to the first), daddr old, daddr new (0 when the call
	 * failed: then old is still live), v size, v stack, v fn.  The old
	 * block is released at the first timestamp, the new one allocated at
	 * the second.  old == 0 is an allocation, size == 0 with new == 0 and
	 * old != 0 a release. */
	MA_REC_REALLOC = 5,
	/* mmap: dts, daddr, v length, v prot, v flags, z fd, v offset,
	 * v stack, v fn, s path (empty for anonymous mappings). */
	MA_REC_MMAP = 6,
	/* munmap: dts, daddr, v length.  Recorded before the real call. */
	MA_REC_MUNMAP = 7,
	/* mremap: dts (before), v dts_after, daddr old, v old_length,
	 * daddr new (0 on failure), v new_length, v flags, v stack. */
	MA_REC_MREMAP = 8,

	/* Stack definition (untimed): v id, v depth, v shared, then
	 * depth - shared addresses, the first as v, each next as z delta
	 * from the one before; innermost (the allocation's caller) first.
	 * The stack's outermost `shared` frames are those of the stack
	 * defined before it in the chunk (shared is 0 for the chunk's
	 * first).  depth is at most MA_STACK_MAX_DEPTH.  An event may refer
	 * to a stack whose definition comes later in the file, or in another
	 * producer's chunk. */
	MA_REC_STACK = 9,

	/* Module loaded: dts, v id, v load bias, v lo, v hi (address range
	 * covered by its PT_LOAD segments), s path, s build-id (raw bytes). */
	MA_REC_MODULE = 10,
	/* Module unloaded: dts, v id. */
	MA_REC_MODULE_GONE = 11,

	/* Thread started recording: dts, v tid, s name. */
	MA_REC_THREAD = 12,
	/* Thread finished (its last records follow no later): dts. */
	MA_REC_THREAD_END = 13,

	/* Sample of the process: dts, v rss_bytes, v arena (mallinfo2),
	 * v ordblks, v hblks, v hblkhd, v uordblks, v fordblks, v keepcost,
	 * v psi_some_total_us, v psi_full_total_us (both 0 when absent),
	 * v flags (enum ma_sample_flag). */
	MA_REC_SAMPLE = 14,

	/* Annotation: dts, v kind (enum ma_marker_kind), s name, z value. */
	MA_REC_MARKER = 15,

	/* fork() returned in the parent: dts, v child pid. */
	MA_REC_FORK = 16,

	/* Free-form fact about the recording: s key, s value
	 * ("note", "own-malloc", "clock"...). */
	MA_REC_INFO = 17,

	/* Events the probe could not record: v count, v reason
	 * (enum ma_lost_reason). */
	MA_REC_LOST = 18,

	/* Trailer (alone in the MA_CHUNK_TRAILER chunk): dts, v exit kind
	 * (enum ma_exit_kind), z exit status or signal, v events, v stacks,
	 * v chunks written before this one, v lost events. */
	MA_REC_TRAILER = 19,

	MA_REC_TAG_MAX = 19,
};

/* Frames of a stack definition, at most. */
#define MA_STACK_MAX_DEPTH 4096u

/* A record's byte in the kind stream: its tag in the low five bits; in
 * the high three, for the records with an fn (alloc, alloc-aligned,
 * free, realloc, mmap), a code: fn = kind_fn[tag][code] (trace_codec.c)
 * for a code below MA_KIND_FN_ESC (an entry of 0xff there is not a valid
 * code), and for MA_KIND_FN_ESC the fn follows as v in the kind stream.
 * Records without an fn have code 0.  (Version 2 wrote the tag as a byte
 * and then every fn as v.) */
#define MA_KIND_TAG_BITS 5
#define MA_KIND_TAG_MASK 0x1fu
#define MA_KIND_FN_ESC 7u

/* Which function an allocation or release came through. */
enum ma_fn {
	MA_FN_MALLOC = 0,
	MA_FN_CALLOC = 1,
	MA_FN_REALLOC = 2,
	MA_FN_REALLOCARRAY = 3,
	MA_FN_POSIX_MEMALIGN = 4,
	MA_FN_ALIGNED_ALLOC = 5,
	MA_FN_MEMALIGN = 6,
	MA_FN_VALLOC = 7,
	MA_FN_PVALLOC = 8,
	MA_FN_FREE = 9,
	MA_FN_NEW = 10,           /* operator new (all plain variants) */
	MA_FN_NEW_ARRAY = 11,     /* operator new[] */
	MA_FN_DELETE = 12,        /* operator delete (plain, sized, aligned) */
	MA_FN_DELETE_ARRAY = 13,  /* operator delete[] */
	MA_FN_MMAP = 14,
	MA_FN_MMAP64 = 15,
	MA_FN_MUNMAP = 16,
	MA_FN_MREMAP = 17,
	MA_FN_COUNT = 18,
};

enum ma_proc_flag {
	MA_PROC_F_FORK_CHILD = 1u << 0, /* started by fork() in a traced parent */
	MA_PROC_F_EXEC_CHILD = 1u << 1, /* parent process was traced too */
	MA_PROC_F_CLOCK_TSC = 1u << 2,  /* reserved: timestamps from the TSC */
};

enum ma_sample_flag {
	MA_SAMPLE_F_MALLINFO = 1u << 0, /* mallinfo2 fields are valid */
	MA_SAMPLE_F_PSI = 1u << 1,      /* psi fields are valid */
};

enum ma_marker_kind {
	MA_MARK_POINT = 0,
	MA_MARK_SPAN_BEGIN = 1,
	MA_MARK_SPAN_END = 2,
	MA_MARK_COUNTER = 3,
};

enum ma_lost_reason {
	MA_LOST_REENTRANT = 0,  /* hook entered while the thread was inside the probe */
	MA_LOST_NO_RING = 1,    /* no buffer could be mapped */
	MA_LOST_WRITE = 2,      /* write(2) failed: disk full, fd closed... */
};

enum ma_exit_kind {
	MA_EXIT_NORMAL = 0,     /* exit() or return from main */
	MA_EXIT_UNDERSCORE = 1, /* _exit/_Exit */
	MA_EXIT_ABORT = 2,      /* abort() or SIGABRT */
	MA_EXIT_SIGNAL = 3,     /* a fatal signal the probe saw */
	MA_EXIT_EXEC = 4,       /* the process image was replaced by exec */
	/* An exec that returned: the process went on.  Written after the
	 * exec's own trailer, it makes the trace incomplete again until a
	 * later trailer says how the process ended. */
	MA_EXIT_EXEC_FAILED = 5,
};

#endif
