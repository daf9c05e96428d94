/* Model load times, cache hit rates and mapped model files, from the
 * annotations of a run (docs/annotations.md) and the probe's file-mapping
 * notes, fed by the analysis' first pass (ma_analysis_opts.observe).
 *
 *   span    model_load:<model>          one load of <model>
 *   counter cache.hit / cache.miss      the unnamed cache ("")
 *   counter cache.<name>.hit / .miss    the cache <name>
 *   info    file-map "<rss> <size> <path>" a file-backed mapping
 *
 * One struct ma_models gathers every trace of an analysis (a model host
 * and its children count together).  Strings are owned by it. */
#ifndef MA_MODEL_METRICS_H
#define MA_MODEL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

struct ma_model_load {
	char *model;                /* <model> of model_load:<model> */
	uint64_t loads;             /* completed spans */
	uint64_t total_ns, max_ns, min_ns;
	/* What a load added, averaged over loads: requested heap bytes and
	 * mapped bytes live at the end of the span minus at its start. */
	int64_t heap_delta, mmap_delta;
	/* Time between the start of consecutive loads of this model (a
	 * reload: it was evicted, then needed again). */
	uint64_t last_start_ns;
	uint64_t reloads, reload_gap_min_ns, reload_gap_max_ns, reload_gap_total_ns;
	size_t input;               /* trace of the first load */
};

/* Counters are kept within +-MA_COUNTER_LIMIT (2^62), so that a hit and
 * a miss count always add up without overflow; a counter that would pass
 * the limit stays at it and the cache is marked overflow (its rate is no
 * longer exact). */
#define MA_COUNTER_LIMIT ((int64_t)1 << 62)

struct ma_cache_counts {
	char *name;                 /* "" for cache.hit / cache.miss */
	int64_t hits, misses;
	int overflow;               /* a counter reached MA_COUNTER_LIMIT */
};

struct ma_file_map {
	char *path;
	uint64_t size;              /* bytes mapped (largest seen) */
	uint64_t resident;          /* largest resident part seen */
};

struct ma_models {
	struct ma_model_load *loads;  /* in order of first load */
	size_t nloads;
	struct ma_cache_counts *caches; /* in order of first count */
	size_t ncaches;
	struct ma_file_map *maps;
	size_t nmaps;
	uint64_t unfinished;          /* spans begun and never ended */
	uint64_t markers;             /* annotation records seen */

	/* private: spans still open */
	struct ma_open_span *open;
	size_t nopen, aopen;
};

void ma_models_init(struct ma_models *m);
void ma_models_release(struct ma_models *m);
/* 0, or -1 when out of memory. */
int ma_models_event(struct ma_models *m, const struct ma_event *ev);
/* Whether ma_models_event does anything with events of this kind: only
 * markers and info records, not the heap events that are nearly all of
 * a trace (checked by the caller, which then skips a call per model). */
static inline int ma_models_wants(int kind)
{
	return kind == MA_EV_MARKER || kind == MA_EV_INFO;
}
/* After the last event: counts spans left open. */
void ma_models_finish(struct ma_models *m);

/* The slowest single load, or NULL when none: *max_ns set. */
const struct ma_model_load *ma_models_slowest(const struct ma_models *m);
/* Sum over every cache, each sum within +-MA_COUNTER_LIMIT; *overflow
 * set when a counter or a sum reached the limit.  0 when no counter was
 * recorded. */
int ma_models_cache_total(const struct ma_models *m, int64_t *hits, int64_t *misses,
			  int *overflow);

/* Parses a counter name: "cache.hit" (the unnamed cache, *len 0),
 * "cache.miss", "cache.<name>.hit", "cache.<name>.miss".  <name> may
 * hold dots but no empty part (no leading, trailing or doubled dot) and
 * no NUL byte.  Returns 1 with the name at s[*at, *at + *len) and *hit,
 * or 0 when s[0, l) is not a cache counter. */
int ma_cache_counter_name(const uint8_t *s, size_t l, size_t *at, size_t *len, int *hit);

#endif
