/* Private to the analysis: what analysis.c (the passes) and result.c
 * (turning replays into struct ma_process) share. */
#ifndef MA_ANALYSIS_INT_H
#define MA_ANALYSIS_INT_H

#include "analysis.h"
#include "lookahead.h"
#include "pool.h"
#include "replay.h"
#include "snapshot.h"
#include "trace_reader.h"

/* One trace being analysed, and the raw lists kept until the sum over
 * every process is made. */
struct ma_input {
	const char *path;
	struct ma_trace *trace;
	const struct ma_trace_info *info;
	struct ma_replay r;
	char next_error[256];       /* a chunk that did not decode, or "" */
	struct ma_lookahead ahead;  /* records read, not yet replayed */
	struct ma_input *parent;    /* fork parent among the inputs */
	int got_inherited;          /* the parent's live set was handed over */

	struct ma_rawlist leaks, inherited, peak, calls, temp;
	struct ma_rawlist snaps[MA_MAX_SNAPS], diff;
	struct ma_marker *markers;  /* MA_MAX_MARKERS, from the pool */
	size_t nmarkers;
	int snap_taken[MA_MAX_SNAPS];
	uint64_t snap_ts[MA_MAX_SNAPS];
};

struct ma_analysis_private {
	struct ma_pool pool;
	struct ma_symctx_shared symbolizing; /* what the inputs share of it */
	struct ma_input *in;
	size_t n;
	uint64_t progress_done, progress_total;
};

/* result.c: fills a->procs[i] from in[i] and a->total from them all.
 * 0 or -1 (out of memory). */
int ma_result_process(struct ma_analysis *a, struct ma_input *in, struct ma_process *p);
int ma_result_total(struct ma_analysis *a);
/* "end", "peak", "1.50 s", "marker 'load'". */
void ma_snap_label(const struct ma_snap_spec *s, char *buf, size_t len);

#endif
