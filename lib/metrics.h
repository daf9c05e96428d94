/* Every rated metric of lib/ratings.h computed from one analysis: the
 * main process' totals, its fragmentation figures and the run's model
 * metrics.  A metric without the data it needs is "not measured" with the
 * reason, never a made-up number.  docs/metrics.md says how each value is
 * computed. */
#ifndef MA_METRICS_H
#define MA_METRICS_H

#include "analysis.h"
#include "fragmentation.h"
#include "model_metrics.h"
#include "ratings.h"

/* Fills out[0..MA_METRIC_COUNT), indexed by enum ma_metric_id. */
void ma_metrics_compute(struct ma_metric *out, const struct ma_ratings *r,
			const struct ma_process *p, const struct ma_frag *f,
			const struct ma_models *m);

#endif
