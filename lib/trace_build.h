/* Writing a trace from ordinary code, synchronously: for tests, fuzz
 * seeds and tools.  The probe has its own lock-free writer; this one is
 * simple and uses malloc and stdio freely.  Files it writes are read by
 * trace_reader exactly like the probe's. */
#ifndef MA_TRACE_BUILD_H
#define MA_TRACE_BUILD_H

#include <stdint.h>

#include "trace_codec.h"

struct ma_trace_build;

/* Creates path (truncating it), writes the file prefix and the header chunk
 * holding *proc.  compress: 1 to zstd-compress record chunks.  NULL on
 * failure with errno set. */
struct ma_trace_build *ma_trace_build_open(const char *path,
					   const struct ma_rec_process *proc,
					   int compress);
/* Appends rec to the open chunk of producer `thread` (rec->thread is
 * ignored), starting one when needed; frames are the stack's addresses for
 * MA_REC_STACK.  A producer's records must come with non-decreasing ts.
 * Returns 0, or -1 with errno set. */
int ma_trace_build_add(struct ma_trace_build *b, uint32_t thread,
		       const struct ma_record *rec, const uint64_t *frames);
/* Ends the open chunk of `thread` and writes it (nothing when empty). */
int ma_trace_build_flush(struct ma_trace_build *b, uint32_t thread);
/* Flushes every open chunk, writes a trailer chunk when trailer is not NULL
 * (trailer->chunks is filled in), closes the file and frees b.  Returns 0
 * or -1. */
int ma_trace_build_close(struct ma_trace_build *b, const struct ma_rec_trailer *trailer,
			 uint64_t trailer_ts);

#endif
