/* Replaying one trace's records into the state the analysis reads: the
 * live set, mapped regions, the stack table, totals, timeline, size
 * histogram, mismatched releases.  analysis.c drives it (passes,
 * snapshots, forks); this file only applies records. */
#ifndef MA_REPLAY_H
#define MA_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "frames.h"
#include "latest.h"
#include "livemap.h"
#include "regions.h"
#include "stackstats.h"
#include "timeline.h"
#include "trace_reader.h"

struct ma_mismatch_acc {
	uint64_t stack;
	uint8_t alloc_fn, free_fn;
	uint64_t count, bytes;
};

struct ma_replay;

/* Called in the first pass at each fork record; 0 or -1 (out of memory). */
typedef int (*ma_fork_fn)(void *arg, struct ma_replay *r, uint64_t child_pid);

/* A block live in a fork parent when it forked; stack is an id of the
 * child's stack table (the parent's id | MA_STACK_FOREIGN). */
struct ma_heir {
	uint64_t addr, size, stack;
	uint8_t fn;
};

struct ma_replay {
	const struct ma_analysis_opts *opts;
	const struct ma_trace_info *info;
	uint64_t t0;            /* the trace's time zero, absolute ns */
	int pass;               /* 1: everything; 2: the live set only */
	uint64_t index;         /* records applied in this pass */
	uint64_t ts;            /* of the last timed record */

	struct ma_livemap live;
	struct ma_regions maps;
	struct ma_stacktab stacks;
	struct ma_symctx sym;
	uint64_t heap_live;     /* requested bytes live */
	struct ma_latest latest;   /* each thread's latest allocation (pass 1) */
	uint64_t *frames_buf;   /* scratch for stack definitions */
	uint32_t frames_cap;

	struct ma_totals totals;
	struct ma_probe_own own;   /* from the probe's info records */
	uint64_t peak_index;    /* record at which peak heap was reached */
	uint64_t peak_epoch;    /* 1 + new peaks reached so far in pass 1 */
	int peak_counts;        /* keep what ma_snapshot_peak needs (set
				 * before pass 1; costs a lookup per free) */
	uint64_t hist[MA_HIST_BUCKETS];
	struct ma_timeline tl;
	struct ma_mismatch_acc *mm;
	size_t nmm, amm;
	/* Blocks inherited from a fork parent whose trace is an input. */
	struct ma_heir *inherited;
	size_t ninherited;

	ma_fork_fn on_fork;
	void *fork_arg;
	/* Whether no two of its stacks can be one site, so that each stack
	 * is its own site key (sitelist.c), and the defined stacks and
	 * module events that verdict was reached with. */
	int stacks_are_sites;
	size_t sas_defined, sas_modev;
	size_t input;           /* index of the trace, for opts->observe */
	uint32_t thread;        /* producer of the record being applied */
};

int ma_replay_init(struct ma_replay *r, const struct ma_trace_info *info,
		   const struct ma_analysis_opts *opts, struct ma_pool *pool);
void ma_replay_release(struct ma_replay *r);
/* Starts a pass: pass 1 is the first, pass 2 replays the live set again
 * (from the inherited blocks) without touching totals.  0, or -1 when out
 * of memory. */
int ma_replay_begin(struct ma_replay *r, int pass);
/* Applies one record.  0, or -1 when out of memory. */
int ma_replay_record(struct ma_replay *r, const struct ma_record *rec);
/* ns since the trace's start for an absolute timestamp. */
static inline uint64_t ma_replay_rel(const struct ma_replay *r, uint64_t ts)
{
	return ts > r->t0 ? ts - r->t0 : 0;
}
/* Tells opts->observe (when set, in the first pass) about an event; size
 * for ALLOC and FREE, rec for the record kinds.  0 or -1. */
int ma_replay_observe(struct ma_replay *r, enum ma_event_kind kind, uint64_t size,
		      const struct ma_record *rec);

#endif
