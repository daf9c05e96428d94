/* Raw site lists of one replay: the live set by stack (a snapshot), the
 * difference of two, and per-stack statistics; sitelist.c groups, ranks
 * and symbolizes them into what a result shows. */
#ifndef MA_SNAPSHOT_H
#define MA_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "pool.h"

struct ma_replay;

struct ma_rawsite {
	uint64_t stack;
	uint64_t bytes, blocks;     /* live, or the measure of a statistic */
	uint64_t calls, alloc_bytes;/* from the stack's statistics */
	int64_t dbytes, dblocks;
};

struct ma_rawlist {
	struct ma_rawsite *v;       /* sorted by stack id */
	size_t n;
};

enum ma_live_filter {
	MA_LIVE_OWN = 1,            /* allocated in this trace */
	MA_LIVE_INHERITED = 2,      /* inherited from a fork parent */
	MA_LIVE_ALL = 3,
};

enum ma_stat {
	MA_STAT_CALLS,              /* blocks = calls, bytes = bytes allocated */
	MA_STAT_TEMPORARY,          /* bytes = temporary bytes, blocks = calls */
};

void ma_rawlist_release(struct ma_rawlist *l);
/* The live set of r now, by stack.  0 or -1 (out of memory). */
int ma_snapshot_raw(struct ma_replay *r, enum ma_live_filter which, struct ma_rawlist *out);
/* The whole live set (MA_LIVE_ALL) at the heap peak, by stack, from the
 * counts a first pass with r->peak_counts keeps (replay.c).  After that
 * pass it equals what ma_snapshot_raw gives just after record
 * r->peak_index of a replay (before the first when it is 0).  0 or -1
 * (out of memory). */
int ma_snapshot_peak(struct ma_replay *r, struct ma_rawlist *out);
/* b - a by stack (both of the same replay): bytes/blocks are b's. */
int ma_rawlist_diff(const struct ma_rawlist *a, const struct ma_rawlist *b,
		    struct ma_rawlist *out);
int ma_stats_raw(struct ma_replay *r, enum ma_stat stat, struct ma_rawlist *out);

/* Lists from one or more replays, merged by the grouping key. */
struct ma_sitesrc {
	struct ma_replay *r;
	const struct ma_rawlist *list;
};

enum ma_rank {
	MA_RANK_BYTES,              /* bytes, then blocks */
	MA_RANK_BLOCKS,
	MA_RANK_CALLS,
	MA_RANK_ALLOC_BYTES,
	MA_RANK_DELTA,              /* |dbytes| */
};

int ma_sitelist_build(struct ma_pool *pool, const struct ma_sitesrc *src, size_t nsrc,
		      enum ma_group_by by, enum ma_rank rank, unsigned top,
		      struct ma_site_list *out);

#endif
