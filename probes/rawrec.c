/* Reading raw ring records back (the layout is in rawrec.h). */
#include "chunk.h"

static struct ma_bytes bytes_at(const uint64_t *w, uint64_t len)
{
	struct ma_bytes b = { (const uint8_t *)w, (uint32_t)len };

	return b;
}

static void raw_mem(const uint64_t *w, struct ma_record *rec)
{
	switch (rec->tag) {
	case MA_REC_MMAP:
		rec->u.mmap = (struct ma_rec_mmap){
			.addr = w[2], .length = w[3], .prot = w[4], .flags = w[5],
			.fd = (int64_t)w[6], .offset = w[7], .stack = w[8], .fn = w[9],
			.path = bytes_at(w + 11, w[10]),
		};
		break;
	case MA_REC_MUNMAP:
		rec->u.munmap = (struct ma_rec_munmap){ .addr = w[2], .length = w[3] };
		break;
	case MA_REC_MREMAP:
		rec->u.mremap = (struct ma_rec_mremap){
			.ts_after = w[2], .old_addr = w[3], .old_length = w[4],
			.new_addr = w[5], .new_length = w[6], .flags = w[7], .stack = w[8],
		};
		break;
	}
}

static void raw_heap(const uint64_t *w, struct ma_record *rec)
{
	switch (rec->tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		rec->u.alloc = (struct ma_rec_alloc){
			.addr = w[2], .size = w[3], .stack = w[4], .fn = w[5],
			.alignment = rec->tag == MA_REC_ALLOC_ALIGNED ? w[6] : 0,
		};
		break;
	case MA_REC_FREE:
		rec->u.free = (struct ma_rec_free){ .addr = w[2], .fn = w[3] };
		break;
	case MA_REC_REALLOC:
		rec->u.realloc = (struct ma_rec_realloc){
			.ts_after = w[2], .old_addr = w[3], .new_addr = w[4],
			.size = w[5], .stack = w[6], .fn = w[7],
		};
		break;
	default:
		raw_mem(w, rec);
	}
}

static void raw_meta(const uint64_t *w, struct ma_record *rec, const uint64_t **frames)
{
	switch (rec->tag) {
	case MA_REC_STACK:
		rec->u.stack.id = w[2];
		rec->u.stack.depth = (uint32_t)w[3];
		*frames = w + 4;
		break;
	case MA_REC_MODULE:
		rec->u.module = (struct ma_rec_module){
			.id = w[2], .bias = w[3], .lo = w[4], .hi = w[5],
			.path = bytes_at(w + 8, w[6]),
			.build_id = bytes_at(w + 8 + probe_raw_str_words((uint32_t)w[6]), w[7]),
		};
		break;
	case MA_REC_MODULE_GONE:
		rec->u.module_gone.id = w[2];
		break;
	case MA_REC_THREAD:
		rec->u.thread_start.tid = w[2];
		rec->u.thread_start.name = bytes_at(w + 4, w[3]);
		break;
	case MA_REC_SAMPLE:
		rec->u.sample = (struct ma_rec_sample){
			w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12],
		};
		break;
	case MA_REC_MARKER:
		rec->u.marker.kind = w[2];
		rec->u.marker.value = (int64_t)w[3];
		rec->u.marker.name = bytes_at(w + 5, w[4]);
		break;
	case MA_REC_FORK:
		rec->u.fork.child_pid = w[2];
		break;
	case MA_REC_INFO:
		rec->u.info.key = bytes_at(w + 4, w[2]);
		rec->u.info.value = bytes_at(w + 4 + probe_raw_str_words((uint32_t)w[2]), w[3]);
		break;
	case MA_REC_LOST:
		rec->u.lost.count = w[2];
		rec->u.lost.reason = w[3];
		break;
	default: /* THREAD_END: nothing beyond the timestamp */
		break;
	}
}

void probe_raw_to_record(const uint64_t *w, struct ma_record *rec, const uint64_t **frames)
{
	rec->tag = PROBE_RAW_TAG(w[0]);
	rec->thread = 0;
	rec->ts = w[1];
	if (rec->tag <= MA_REC_MREMAP)
		raw_heap(w, rec);
	else
		raw_meta(w, rec, frames);
}
