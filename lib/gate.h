/* Gates: the measurements of a run, limits on them, and verdicts.
 *
 * A struct ma_measure is what a gate looks at: a few metrics of one
 * process (or of the sum of several) and per-site numbers keyed by
 * symbols (sitekey.h), so that two builds of one program compare.  It is
 * built from an analysis (ma_measure_from_process), or read from a
 * baseline (baseline.h).
 *
 * ma_gate_evaluate() compares a measure with struct ma_gate_limits --
 * absolute limits, a regression limit against a baseline measure, and the
 * rating bands of ratings.h -- and appends one verdict per gate to a
 * struct ma_gate_result.  Verdicts are plain data; reports/ render them
 * for CI systems (JUnit XML, Markdown, GitHub annotations).
 *
 * Ownership: every string and array in these structs is owned by the
 * struct and freed by its _release function.
 *
 * Fragmentation and the rated metrics are not computed here: they are the
 * full report's (lib/metrics.h, docs/metrics.md), handed to
 * ma_measure_from_process, so that a gate and a report of one run show
 * one number. */
#ifndef MA_GATE_H
#define MA_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "ratings.h"

struct ma_process;
struct ma_suppressions;
struct ma_config;

/* The metrics a gate can limit; docs/ci.md describes each. */
enum ma_gm {
	MA_GM_PEAK_HEAP,         /* bytes requested and live at the peak */
	MA_GM_PEAK_RSS,          /* bytes, from the probe's samples */
	MA_GM_LEAKED_BYTES,      /* live at exit, after suppressions */
	MA_GM_LEAKED_BLOCKS,
	MA_GM_ALLOCATIONS,       /* heap blocks allocated */
	MA_GM_TEMPORARY_PCT,     /* temporary allocations, % of allocations */
	MA_GM_FRAGMENTATION_PCT, /* the full report's fragmentation_pct */
	MA_GM_COUNT
};

enum ma_gm_unit { MA_GU_BYTES, MA_GU_COUNT, MA_GU_PCT };

struct ma_gm_def {
	const char *name;        /* "peak_heap_bytes": verdicts, JSON, baseline */
	const char *option;      /* "max-peak-heap": the check option */
	const char *conf_key;    /* key in the config's [limits], or NULL */
	enum ma_gm_unit unit;
	int regress;             /* gated by --max-regression by default */
	int site_value;          /* enum ma_sv ranking the responsible sites, -1 */
};

/* Per-site numbers. */
enum ma_sv {
	MA_SV_LEAKED_BYTES, MA_SV_LEAKED_BLOCKS,
	MA_SV_PEAK_BYTES, MA_SV_PEAK_BLOCKS,
	MA_SV_ALLOCATIONS, MA_SV_ALLOC_BYTES,
	MA_SV_TEMPORARY,
	MA_SV_COUNT
};

const struct ma_gm_def *ma_gm_def(enum ma_gm m);
/* The metric called name (ma_gm_def's name), or -1. */
int ma_gm_find(const char *name);
/* "leaked_bytes"... for an enum ma_sv. */
const char *ma_sv_name(enum ma_sv v);
/* Formats a metric value: "12.0 MiB", "1,234", "12.50%".  Returns buf. */
char *ma_gm_format(enum ma_gm m, double v, char *buf, size_t len);

/* One allocation site, keyed by function, file and module (basenames). */
struct ma_msite {
	char *function, *file, *module;
	unsigned line;           /* for display only; not part of the key */
	uint64_t n[MA_SV_COUNT];
};

struct ma_measure {
	char label[128];         /* "pid 123 (sites)" or "all 3 processes" */
	double v[MA_GM_COUNT];
	unsigned measured;       /* 1u << enum ma_gm for each value present */
	uint64_t duration_ns;
	uint64_t nprocs;
	uint64_t pid;            /* of the one process measured, else 0 */
	/* The full report's rated metrics (value or reason unmeasured),
	 * present when have_rated; baselines do not store them. */
	struct ma_metric rated[MA_METRIC_COUNT];
	int have_rated;
	struct ma_msite *sites;
	size_t nsites, cap;
	uint32_t *index;         /* key hash -> site + 1, private */
	size_t mask;
};

struct ma_measure_opts {
	struct ma_suppressions *supp; /* NULL: none; hits are counted in it */
	int rated;               /* run the full report's observer: fragmentation
				  * and every rated metric */
};

void ma_measure_init(struct ma_measure *m);
void ma_measure_release(struct ma_measure *m);
/* Fills m (initialised) from p, which must come from an analysis run
 * with top = 0 so that every site is listed.  rated, when not NULL, is
 * what ma_metrics_compute (lib/metrics.h) computed for p: m keeps it, and
 * takes fragmentation_pct from it.  The rated leaked bytes are less what
 * opts->supp excuses, as the leaked_bytes gate.  Returns 0, or -1 with a
 * reason in err. */
int ma_measure_from_process(struct ma_measure *m, const struct ma_process *p,
			    const struct ma_metric *rated,
			    const struct ma_measure_opts *opts, char *err, size_t errlen);
/* The site with this key, created with zero numbers when add; NULL when
 * absent (or out of memory). */
struct ma_msite *ma_measure_site(struct ma_measure *m, const char *function,
				 const char *file, const char *module, int add);
void ma_measure_set(struct ma_measure *m, enum ma_gm g, double v);
int ma_measure_has(const struct ma_measure *m, enum ma_gm g);

/* ---- limits ---- */

struct ma_gate_limits {
	double max[MA_GM_COUNT];
	unsigned set;            /* 1u << enum ma_gm for each limit given */
	double max_regression_pct;
	int regression_set;
	unsigned regress;        /* metrics gated against the baseline */
	enum ma_band fail_on;    /* MA_BAND_NONE: ratings never fail */
	struct ma_ratings ratings;
	unsigned top_sites;      /* sites named in a failure; 3 */
};

void ma_gate_limits_init(struct ma_gate_limits *l);
/* Sets the limit of metric m from text ("500MB" for sizes, "12.5" for
 * percentages, "1000" for counts).  0, or -1 with "invalid limit for
 * --max-peak-heap: ..." in err. */
int ma_gate_limits_parse(struct ma_gate_limits *l, enum ma_gm m, const char *text,
			 char *err, size_t errlen);
/* "never", "warning", "critical" into l->fail_on; -1 when none of them. */
int ma_gate_fail_on_parse(struct ma_gate_limits *l, const char *text);
/* Limits from the config's [limits] and [gate] sections and its ratings;
 * set only what the config sets.  0, or -1 with the config's message. */
int ma_gate_limits_from_config(struct ma_gate_limits *l, const struct ma_config *cfg,
			       char *err, size_t errlen);

/* ---- verdicts ---- */

enum ma_gate_kind { MA_GATE_LIMIT, MA_GATE_REGRESSION, MA_GATE_RATING };

struct ma_gate_verdict {
	enum ma_gate_kind kind;
	int failed;
	int skipped;             /* the metric was not measured: neither */
	char name[96];           /* "leaked_bytes", "regression:peak_heap_bytes",
				  * "rating:memory_usage_mb", "[pid 12]" appended
				  * when gating per process */
	char metric[48];         /* the metric's name */
	char scope[128];         /* the measure's label */
	double value, limit;
	char detail[256];        /* "4.0 KiB > 0 B" */
	char sites[512];         /* "top sites: leak_here (x.c:42) 4.0 KiB in 4
				  * blocks", or "" */
};

struct ma_gate_result {
	struct ma_gate_verdict *v;
	size_t n, cap;
	size_t failed, skipped;
};

void ma_gate_result_release(struct ma_gate_result *r);
/* Appends the verdicts of every gate l asks for on m.  base may be NULL
 * (no regression gates).  suffix, when not NULL, is appended to each
 * verdict's name ("[pid 12]").  0, or -1 when out of memory. */
int ma_gate_evaluate(struct ma_gate_result *r, const struct ma_measure *m,
		     const struct ma_measure *base, const struct ma_gate_limits *l,
		     const char *suffix);
/* "PASS peak_heap_bytes 12.0 MiB <= 50.0 MiB", "FAIL ...: top sites: ..."
 * or "SKIP peak_rss_bytes not measured: ...".  Returns buf. */
char *ma_gate_verdict_line(const struct ma_gate_verdict *v, char *buf, size_t len);

/* m's rated metrics (the full report's values) rated against r: fills
 * out[id] for every id, unmeasured ones with the report's reason. */
void ma_gate_rate(const struct ma_measure *m, const struct ma_ratings *r,
		  struct ma_metric out[MA_METRIC_COUNT]);
/* The per-site number (enum ma_sv) behind a rated metric, or -1. */
int ma_gate_rated_sv(enum ma_metric_id id);

#endif
