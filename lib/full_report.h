/* The full report: ratings of every metric, fragmentation and memory
 * pressure, model load times and cache hit rates, the workspace, and
 * recommendations with a configuration block to paste.
 *
 *   ma_full_new()                    limits from a configuration
 *   ma_full_observe as opts.observe  while ma_analysis_run replays
 *   ma_full_finish()                 metrics, scan, rules
 *   analysis->full = report          renderers show it
 *   ma_full_free()
 *
 * Everything the renderers read is a documented field below; the JSON
 * names are in docs/report-schema.md. */
#ifndef MA_FULL_REPORT_H
#define MA_FULL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "fragmentation.h"
#include "model_metrics.h"
#include "ratings.h"
#include "recommend.h"
#include "workspace.h"

struct ma_config;

struct ma_full_opts {
	const char *workspace;      /* folder to scan; NULL: no scan */
	uint64_t ram_bytes;         /* --ram; 0: [workspace] ram, then /proc/meminfo */
	const char *meminfo;        /* NULL: /proc/meminfo (tests use fixtures) */
	const char *cargo;          /* as ma_workspace_opts.cargo */
};

struct ma_full_report {
	struct ma_ratings ratings;  /* the limits in force and their origins */
	/* Indexed by enum ma_metric_id: value, band, or reason unmeasured. */
	struct ma_metric metrics[MA_METRIC_COUNT];

	/* Fragmentation of the process the metrics describe (the one with
	 * the highest RSS when there are several); frag_input is its trace
	 * (index into the analysis' paths). */
	const struct ma_frag *frag;
	size_t frag_input;
	struct ma_models models;    /* every trace together */
	/* The same of each trace alone (index into the analysis' paths). */
	struct ma_models *models_of;
	size_t nmodels_of;

	struct ma_workspace *workspace; /* NULL without opts.workspace */
	char workspace_error[256];  /* why the scan failed, or "" */
	uint64_t ram_bytes;         /* machine RAM the rules plan for; 0 unknown */
	const char *ram_source;     /* "--ram", "[workspace] ram", "/proc/meminfo" */

	struct ma_recommendation *recs;
	size_t nrecs;
	/* Ready to paste: one part per style in use, each headed by a comment
	 * naming its style; "" when no rule fired. */
	char *config_block;

	/* private */
	struct ma_frag *frags;      /* one per trace */
	size_t nfrags;
	const struct ma_config *cfg;
	struct ma_full_opts opts;
};

/* Limits from the defaults, then cfg's [ratings.*] (may be NULL).  NULL
 * with the reason in err ("'x' line 7: unknown metric 'y'") when the
 * limits are wrong, or "out of memory".  cfg is borrowed until
 * ma_full_finish returns; ntraces is the number of traces to analyse. */
struct ma_full_report *ma_full_new(const struct ma_config *cfg, const struct ma_full_opts *o,
				   size_t ntraces, char *err, size_t errlen);
/* An ma_observe_fn: pass the report as observe_arg. */
int ma_full_observe(void *report, const struct ma_event *ev);
/* After ma_analysis_run: metrics, workspace scan, rules.  0, or -1 with a
 * reason in err (out of memory). */
int ma_full_finish(struct ma_full_report *fr, const struct ma_analysis *a,
		   char *err, size_t errlen);
void ma_full_free(struct ma_full_report *fr);

/* The rated metrics of one process of the run, from its own trace only:
 * its totals, fragmentation and annotations (model loads, cache counters)
 * -- what `check --per-process` rates.  input is the index of p's trace
 * among the analysis' paths; past the last, fragmentation and the model
 * metrics are not measured. */
void ma_full_process_metrics(const struct ma_full_report *fr, const struct ma_process *p,
			     size_t input, struct ma_metric *out);

/* Recommendations with this id, or NULL. */
const struct ma_recommendation *ma_full_rec(const struct ma_full_report *fr, const char *id);

#endif
