/* Rated metrics for gates.  Their values are the full report's
 * (lib/metrics.c, through ma_measure.rated): this only rates them against
 * the limits of the check, and says which per-site number names the sites
 * responsible when one fails. */
#include "config.h"

#include "gate.h"

#include <stdio.h>
#include <string.h>

/* The per-site number behind each rated metric; metrics no site explains
 * (fragmentation, model load time, cache hit rate, heap growth) have -1. */
static const int site_values[MA_METRIC_COUNT] = {
	[MA_METRIC_MEMORY_USAGE_MB] = MA_SV_PEAK_BYTES,
	[MA_METRIC_MODEL_LOAD_TIME_MS] = -1,
	[MA_METRIC_CACHE_HIT_RATE_PCT] = -1,
	[MA_METRIC_FRAGMENTATION_PCT] = -1,
	[MA_METRIC_LEAKED_BYTES] = MA_SV_LEAKED_BYTES,
	[MA_METRIC_PEAK_HEAP_MB] = MA_SV_PEAK_BYTES,
	[MA_METRIC_ALLOC_RATE_PER_S] = MA_SV_ALLOCATIONS,
	[MA_METRIC_TEMPORARY_ALLOCS_PCT] = MA_SV_TEMPORARY,
	[MA_METRIC_HEAP_GROWTH_PCT] = -1,
};

int ma_gate_rated_sv(enum ma_metric_id id)
{
	return (unsigned)id < MA_METRIC_COUNT ? site_values[id] : -1;
}

void ma_gate_rate(const struct ma_measure *m, const struct ma_ratings *r,
		  struct ma_metric out[MA_METRIC_COUNT])
{
	for (int id = 0; id < MA_METRIC_COUNT; id++) {
		const struct ma_metric *v = &m->rated[id];
		if (!m->have_rated)
			ma_metric_unmeasured(&out[id], (enum ma_metric_id)id,
					     "no rated metrics in %s", m->label);
		else if (v->measured)
			ma_metric_measured(&out[id], r, (enum ma_metric_id)id, v->value);
		else
			out[id] = *v;
	}
}
