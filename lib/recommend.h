/* Recommendations: rules drawn from the memory guide, each fired by a
 * measurement and saying what to change, to what, and what to expect.
 * docs/recommendations.md lists every rule, its trigger and its source.
 *
 * Field names are stable: the JSON report and the HTML page show them as
 * they are (docs/report-schema.md). */
#ifndef MA_RECOMMEND_H
#define MA_RECOMMEND_H

#include <stddef.h>

#include "ratings.h"

struct ma_full_report;
struct ma_process;

struct ma_recommendation {
	const char *id;          /* stable rule id: "memory-mapping" (static) */
	const char *title;       /* one line for people (static) */
	enum ma_band band;       /* urgency: the band of the triggering metric */
	/* The language of `paste` in the configuration block: "MemoryConfig"
	 * (the guide's Rust struct), "Cargo" (Cargo.toml), "env" (the
	 * environment of the process) or "code" (a change to make by hand). */
	const char *style;
	char setting[96];        /* "MemoryConfig.lru_cache_size", "MALLOC_ARENA_MAX" */
	char value[128];         /* the value to try: "20_000_000", "2" */
	char evidence[512];      /* the measurement that fired the rule */
	char reason[512];        /* the rule, in words, with its source */
	char effect[256];        /* what changing it should do */
	char paste[256];         /* the setting as a line of `style` */
};

/* Applies every rule to fr (metrics, fragmentation, models, workspace and
 * RAM filled) and p, the main process; fills fr->recs in the order of
 * docs/recommendations.md.  0, or -1 when out of memory. */
int ma_recommend(struct ma_full_report *fr, const struct ma_process *p);

#endif
