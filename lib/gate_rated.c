/* Rated metrics (ratings.h) measured from a gate's measure.  Metrics this
 * table does not know -- those that need annotations, like model load
 * time, or that the full report adds later -- come out "not measured"
 * and never fail a gate; adding one is adding a row. */
#include "config.h"

#include "gate.h"

#include <stdio.h>

struct rated {
	enum ma_gm from;         /* the gate metric it derives from */
	double scale;            /* value = gate value * scale */
	int per_second;          /* divided by the duration */
	int sv;                  /* responsible sites, enum ma_sv or -1 */
};

static const struct rated table[MA_METRIC_COUNT] = {
	[MA_METRIC_MEMORY_USAGE_MB] = { MA_GM_PEAK_RSS, 1e-6, 0, MA_SV_PEAK_BYTES },
	[MA_METRIC_FRAGMENTATION_PCT] = { MA_GM_FRAGMENTATION_PCT, 1, 0, -1 },
	[MA_METRIC_LEAKED_BYTES] = { MA_GM_LEAKED_BYTES, 1, 0, MA_SV_LEAKED_BYTES },
	[MA_METRIC_PEAK_HEAP_MB] = { MA_GM_PEAK_HEAP, 1e-6, 0, MA_SV_PEAK_BYTES },
	[MA_METRIC_ALLOC_RATE_PER_S] = { MA_GM_ALLOCATIONS, 1, 1, MA_SV_ALLOCATIONS },
	[MA_METRIC_TEMPORARY_ALLOCS_PCT] = { MA_GM_TEMPORARY_PCT, 1, 0, MA_SV_TEMPORARY },
};

int ma_gate_rated_sv(enum ma_metric_id id)
{
	return (unsigned)id < MA_METRIC_COUNT && table[id].scale ? table[id].sv : -1;
}

static void rate_one(const struct ma_measure *m, const struct ma_ratings *r,
		     enum ma_metric_id id, struct ma_metric *out)
{
	const struct rated *t = &table[id];
	double v;

	if (!t->scale) {
		ma_metric_unmeasured(out, id, "not measured by check");
		return;
	}
	if (!ma_measure_has(m, t->from)) {
		ma_metric_unmeasured(out, id, "no %s in the traces", ma_gm_def(t->from)->name);
		return;
	}
	v = m->v[t->from] * t->scale;
	if (t->per_second) {
		if (!m->duration_ns) {
			ma_metric_unmeasured(out, id, "the run has no duration");
			return;
		}
		v /= (double)m->duration_ns / 1e9;
	}
	ma_metric_measured(out, r, id, v);
}

void ma_gate_rate(const struct ma_measure *m, const struct ma_ratings *r,
		  struct ma_metric out[MA_METRIC_COUNT])
{
	for (int id = 0; id < MA_METRIC_COUNT; id++)
		rate_one(m, r, (enum ma_metric_id)id, &out[id]);
}
