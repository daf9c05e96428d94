/* Metrics of one run and their rating bands.
 *
 * Each metric has three limits -- target, good, warning -- that split its
 * values into four bands.  For a metric where lower is better:
 *
 *   value <  target            MA_BAND_TARGET
 *   target <= value <  good    MA_BAND_GOOD
 *   good   <= value <  warning MA_BAND_WARNING
 *   warning <= value           MA_BAND_CRITICAL
 *
 * and the mirror image when higher is better (cache hit rate): above
 * target is on target, a value equal to warning or below is critical.  A
 * value equal to a limit is always in the worse band.  The defaults are
 * the thresholds table of the memory guide where it has one, and ours,
 * with the reason, elsewhere (docs/metrics.md lists both).
 *
 * Limits come from the defaults, then [ratings.<metric>] sections of the
 * configuration (file first, then command-line settings), later settings
 * winning. */
#ifndef MA_RATINGS_H
#define MA_RATINGS_H

#include <stddef.h>

struct ma_config;

enum ma_metric_id {
	MA_METRIC_MEMORY_USAGE_MB,      /* peak RSS */
	MA_METRIC_MODEL_LOAD_TIME_MS,   /* model_load:<model> spans */
	MA_METRIC_CACHE_HIT_RATE_PCT,   /* cache.hit / cache.miss counters */
	MA_METRIC_FRAGMENTATION_PCT,    /* allocator-held bytes not requested */
	MA_METRIC_LEAKED_BYTES,         /* live at exit */
	MA_METRIC_PEAK_HEAP_MB,         /* requested bytes live at the peak */
	MA_METRIC_ALLOC_RATE_PER_S,     /* allocations per second */
	MA_METRIC_TEMPORARY_ALLOCS_PCT, /* freed right after they were made */
	MA_METRIC_HEAP_GROWTH_PCT,      /* live heap, end against warm-up */
	MA_METRIC_COUNT
};

enum ma_band {
	MA_BAND_NONE = 0,   /* not measured */
	MA_BAND_TARGET,
	MA_BAND_GOOD,
	MA_BAND_WARNING,
	MA_BAND_CRITICAL,
};

enum ma_limit {
	MA_LIMIT_TARGET,
	MA_LIMIT_GOOD,
	MA_LIMIT_WARNING,
	MA_LIMIT_COUNT
};

/* The fixed description of a metric (static storage). */
struct ma_metric_def {
	const char *name;        /* "memory_usage_mb": config and JSON key */
	const char *title;       /* "Memory usage" */
	const char *unit;        /* "MB" (10^6 bytes), "ms", "%", "bytes"... */
	const char *how;         /* how it is measured, one sentence */
	int higher_is_better;
	int is_size;             /* limits may be written as sizes ("1MiB") */
	double defaults[MA_LIMIT_COUNT];
};

/* The limits in force, and where each came from ("default",
 * "'.memory-analyzer.conf' line 7", "command line setting ..."). */
struct ma_ratings {
	double limit[MA_METRIC_COUNT][MA_LIMIT_COUNT];
	char origin[MA_METRIC_COUNT][MA_LIMIT_COUNT][96];
	unsigned seq[MA_METRIC_COUNT][MA_LIMIT_COUNT]; /* order of setting, 0 = default */
	unsigned nset;
};

/* One measured (or unmeasurable) metric of a run. */
struct ma_metric {
	enum ma_metric_id id;
	int measured;
	double value;            /* in the metric's unit; valid when measured */
	enum ma_band band;       /* MA_BAND_NONE when not measured */
	char reason[160];        /* why not measured: "no model loads annotated" */
};

const struct ma_metric_def *ma_metric_def(enum ma_metric_id id);
/* The id of the metric called name, or -1. */
int ma_metric_find(const char *name);
/* "target", "good", "warning", "critical", "not measured". */
const char *ma_band_name(enum ma_band band);
/* "target", "good", "warning"; ma_limit_find returns -1 for others. */
const char *ma_limit_name(enum ma_limit limit);
int ma_limit_find(const char *name);

/* The defaults. */
void ma_ratings_init(struct ma_ratings *r);

/* Sets one limit from text ("800", or "1MiB" for size metrics); origin is
 * copied.  Returns 0, or -1 with a reason ("unknown metric 'x'") in err.
 * The order of the limits is checked by ma_ratings_check, not here, so
 * they can be set one at a time. */
int ma_ratings_set(struct ma_ratings *r, const char *metric, const char *limit,
		   const char *value, const char *origin, char *err, size_t errlen);

/* "memory_usage_mb.good=800": the form of the command's --rating option.
 * Checks the order afterwards. */
int ma_ratings_override(struct ma_ratings *r, const char *spec, char *err, size_t errlen);

/* Applies every [ratings.<metric>] setting of cfg in order, then checks
 * the order.  Errors name the setting's file and line:
 * "'.memory-analyzer.conf' line 7: unknown metric 'memory_mb'". */
int ma_ratings_apply_config(struct ma_ratings *r, const struct ma_config *cfg,
			    char *err, size_t errlen);

/* Checks that the limits of every metric are in order (target <= good <=
 * warning, or >= when higher is better); the message blames the limit
 * set last. */
int ma_ratings_check(const struct ma_ratings *r, char *err, size_t errlen);

/* The band of value for metric id. */
enum ma_band ma_ratings_band(const struct ma_ratings *r, enum ma_metric_id id, double value);

/* Fill m: with a value rated against r, or as not measured with a reason. */
void ma_metric_measured(struct ma_metric *m, const struct ma_ratings *r,
			enum ma_metric_id id, double value);
void ma_metric_unmeasured(struct ma_metric *m, enum ma_metric_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "812 MB", "93.5 %", "1.5 MiB", or "not measured: <reason>".  Returns buf. */
char *ma_metric_format(const struct ma_metric *m, char *buf, size_t len);

#endif
