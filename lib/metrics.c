/* The values behind the ratings.  Each function fills one metric, with
 * the reason when the trace does not have what it needs. */
#include "config.h"

#include "metrics.h"

#include <string.h>

#define MB 1e6

static void memory_usage(struct ma_metric *m, const struct ma_ratings *r,
			 const struct ma_process *p)
{
	if (!p->totals.peak_rss_bytes)
		ma_metric_unmeasured(m, MA_METRIC_MEMORY_USAGE_MB,
				     "no RSS samples in the trace (the process ended before "
				     "the first sample)");
	else
		ma_metric_measured(m, r, MA_METRIC_MEMORY_USAGE_MB,
				   (double)p->totals.peak_rss_bytes / MB);
}

static void load_time(struct ma_metric *m, const struct ma_ratings *r,
		      const struct ma_models *mm)
{
	const struct ma_model_load *l = ma_models_slowest(mm);

	if (l)
		ma_metric_measured(m, r, MA_METRIC_MODEL_LOAD_TIME_MS, (double)l->max_ns / 1e6);
	else if (mm->unfinished)
		ma_metric_unmeasured(m, MA_METRIC_MODEL_LOAD_TIME_MS,
				     "model loads annotated but none finished");
	else
		ma_metric_unmeasured(m, MA_METRIC_MODEL_LOAD_TIME_MS,
				     "no model loads annotated (model_load:<model> spans)");
}

static void hit_rate(struct ma_metric *m, const struct ma_ratings *r,
		     const struct ma_models *mm)
{
	int64_t hits, misses;
	int overflow;

	if (!ma_models_cache_total(mm, &hits, &misses, &overflow))
		ma_metric_unmeasured(m, MA_METRIC_CACHE_HIT_RATE_PCT,
				     "no cache lookups annotated (cache.hit and cache.miss "
				     "counters)");
	else if (overflow)
		ma_metric_unmeasured(m, MA_METRIC_CACHE_HIT_RATE_PCT,
				     "a cache counter passed 2^62: the counts are no longer "
				     "exact");
	else if (hits < 0 || misses < 0 || hits + misses <= 0)
		ma_metric_unmeasured(m, MA_METRIC_CACHE_HIT_RATE_PCT,
				     "cache counters sum to no lookups (hits %lld, misses %lld)",
				     (long long)hits, (long long)misses);
	else
		ma_metric_measured(m, r, MA_METRIC_CACHE_HIT_RATE_PCT,
				   100.0 * (double)hits / (double)(hits + misses));
}

static void fragmentation(struct ma_metric *m, const struct ma_ratings *r,
			  const struct ma_frag *f)
{
	if (!f || !f->mallinfo_samples)
		ma_metric_unmeasured(m, MA_METRIC_FRAGMENTATION_PCT,
				     "no allocator samples (mallinfo2) in the trace");
	else if (!f->rated_samples)
		ma_metric_unmeasured(m, MA_METRIC_FRAGMENTATION_PCT,
				     "the heap never reached 1 MiB (largest %.2f MiB): too "
				     "small to rate", (double)f->max_arena / 1048576.0);
	else
		ma_metric_measured(m, r, MA_METRIC_FRAGMENTATION_PCT, f->frag_median_pct);
}

static void leaked(struct ma_metric *m, const struct ma_ratings *r,
		   const struct ma_process *p)
{
	if (!p->leaks_are_leaks)
		ma_metric_unmeasured(m, MA_METRIC_LEAKED_BYTES, "%s",
				     p->leaks_reason ? p->leaks_reason :
				     "the process did not exit while recorded");
	else
		ma_metric_measured(m, r, MA_METRIC_LEAKED_BYTES, (double)p->leaked_bytes);
}

static void rates(struct ma_metric *out, const struct ma_ratings *r,
		  const struct ma_process *p)
{
	const struct ma_totals *t = &p->totals;

	if (t->duration_ns < 1000000)
		ma_metric_unmeasured(&out[MA_METRIC_ALLOC_RATE_PER_S], MA_METRIC_ALLOC_RATE_PER_S,
				     "the run lasted less than 1 ms");
	else
		ma_metric_measured(&out[MA_METRIC_ALLOC_RATE_PER_S], r, MA_METRIC_ALLOC_RATE_PER_S,
				   (double)t->allocations / ((double)t->duration_ns / 1e9));
	if (!t->allocations)
		ma_metric_unmeasured(&out[MA_METRIC_TEMPORARY_ALLOCS_PCT],
				     MA_METRIC_TEMPORARY_ALLOCS_PCT, "no heap allocations");
	else
		ma_metric_measured(&out[MA_METRIC_TEMPORARY_ALLOCS_PCT], r,
				   MA_METRIC_TEMPORARY_ALLOCS_PCT,
				   100.0 * (double)t->temporary / (double)t->allocations);
}

static void growth(struct ma_metric *m, const struct ma_ratings *r, const struct ma_frag *f)
{
	if (!f || !f->q4_seen || !f->span_ns)
		ma_metric_unmeasured(m, MA_METRIC_HEAP_GROWTH_PCT,
				     "no heap events in the last quarter of the run");
	else if (f->q2_max < 65536)
		ma_metric_unmeasured(m, MA_METRIC_HEAP_GROWTH_PCT,
				     "the heap after warm-up is under 64 KiB (%llu bytes): "
				     "too small to rate growth", (unsigned long long)f->q2_max);
	else
		ma_metric_measured(m, r, MA_METRIC_HEAP_GROWTH_PCT,
				   f->q4_max <= f->q2_max ? 0 :
				   100.0 * (double)(f->q4_max - f->q2_max) / (double)f->q2_max);
}

void ma_metrics_compute(struct ma_metric *out, const struct ma_ratings *r,
			const struct ma_process *p, const struct ma_frag *f,
			const struct ma_models *m)
{
	memory_usage(&out[MA_METRIC_MEMORY_USAGE_MB], r, p);
	load_time(&out[MA_METRIC_MODEL_LOAD_TIME_MS], r, m);
	hit_rate(&out[MA_METRIC_CACHE_HIT_RATE_PCT], r, m);
	fragmentation(&out[MA_METRIC_FRAGMENTATION_PCT], r, f);
	leaked(&out[MA_METRIC_LEAKED_BYTES], r, p);
	ma_metric_measured(&out[MA_METRIC_PEAK_HEAP_MB], r, MA_METRIC_PEAK_HEAP_MB,
			   (double)p->totals.peak_heap_bytes / MB);
	rates(out, r, p);
	growth(&out[MA_METRIC_HEAP_GROWTH_PCT], r, f);
}
