/* Raw records: how events sit in a ring before the writer encodes them.
 * Probe-internal, never on disk.  A record is n 8-byte words: a header
 * word (tag | n << 8), the timestamp (0 for untimed records), then the
 * fields of its MA_REC_* tag in trace_format.h order, integers one per
 * word.  Byte strings are a length word followed by the bytes packed into
 * whole words; when a record has two strings both lengths come first.
 *
 *   ALLOC          ts addr size stack fn
 *   ALLOC_ALIGNED  ts addr size stack fn alignment
 *   FREE           ts addr fn
 *   REALLOC        ts ts_after old new size stack fn
 *   MMAP           ts addr length prot flags fd offset stack fn len path
 *   MUNMAP         ts addr length
 *   MREMAP         ts ts_after old old_len new new_len flags stack
 *   STACK          0 id depth frame...
 *   MODULE         ts id bias lo hi path_len build_id_len path build_id
 *   MODULE_GONE    ts id
 *   THREAD         ts tid name_len name
 *   THREAD_END     ts
 *   SAMPLE         ts rss arena ordblks hblks hblkhd uordblks fordblks
 *                  keepcost psi_some psi_full flags
 *   MARKER         ts kind value name_len name
 *   FORK           ts child_pid
 *   INFO           0 key_len value_len key value
 *   LOST           0 count reason */
#ifndef PROBE_RAWREC_H
#define PROBE_RAWREC_H

#include <stdint.h>
#include <string.h>

#define PROBE_RAW_HDR(tag, n) ((uint64_t)(tag) | ((uint64_t)(n) << 8))
#define PROBE_RAW_TAG(w) ((uint8_t)((w) & 0xff))
#define PROBE_RAW_LEN(w) ((uint32_t)((w) >> 8) & 0xffffu)

/* Longest raw record: a string of PROBE_RAW_STR_MAX bytes twice plus
 * fixed fields, or a stack of 256 frames. */
#define PROBE_RAW_STR_MAX 4096u
#define PROBE_RAW_MAX_WORDS (16u + 2u * (PROBE_RAW_STR_MAX / 8u + 1u))

static inline uint32_t probe_raw_str_words(uint32_t len)
{
	return (len + 7u) / 8u;
}

/* Copies len bytes into words at w (zero-padding the last word); returns
 * the words used. */
static inline uint32_t probe_raw_put_bytes(uint64_t *w, const void *p, uint32_t len)
{
	uint32_t n = probe_raw_str_words(len);

	if (n) {
		w[n - 1] = 0;
		memcpy(w, p, len);
	}
	return n;
}

#endif
