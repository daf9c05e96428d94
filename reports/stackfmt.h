/* What the stack-based formats (HTML flame graph, collapsed, speedscope,
 * massif) share: the weights a stack can carry, the list each weight is
 * read from, frame names, and what each format needs the analysis to
 * compute. */
#ifndef MA_STACKFMT_H
#define MA_STACKFMT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

enum ma_weight {
	MA_WEIGHT_LEAKED,     /* bytes live at the end (leaks when complete) */
	MA_WEIGHT_PEAK,       /* bytes live at the moment of peak heap */
	MA_WEIGHT_ALLOCATED,  /* bytes allocated over the whole run */
	MA_WEIGHT_CALLS,      /* allocations made */
	MA_WEIGHT_COUNT
};

/* "leaked", "peak", "allocated", "calls". */
const char *ma_weight_name(enum ma_weight w);
/* The weight called name, or -1; NULL is the default, leaked. */
int ma_weight_find(const char *name);
/* Whether the weight counts bytes (else allocations). */
int ma_weight_is_bytes(enum ma_weight w);

/* The list the weight reads its stacks from, and a site's weight. */
const struct ma_site_list *ma_weight_list(const struct ma_process *p, enum ma_weight w);
uint64_t ma_weight_of(const struct ma_site *s, enum ma_weight w);
/* The weight of every site, shown or not: what a list cut by --top
 * leaves out is total minus the sum over the sites it kept. */
uint64_t ma_weight_total(const struct ma_process *p, enum ma_weight w);
/* total - the sum over the sites kept. */
uint64_t ma_weight_rest(const struct ma_process *p, enum ma_weight w);

/* A frame's name as flame graphs show it: "function", else
 * "module+0x1f0" (the module's file name), else "0x7f...". */
void ma_frame_name(const struct ma_frame *f, char *buf, size_t len);
/* "file:line", "" when unknown. */
void ma_frame_where(const struct ma_frame *f, char *buf, size_t len);

/* Written for the part of a list --top cut off. */
#define MA_REST_FRAME "[other sites]"

/* What --format NAME draws beyond the report type: the sections it needs
 * computed (0 for none) and whether it wants every stack rather than the
 * top N (when --top is not given). */
struct ma_format_needs {
	unsigned sections;
	int all_stacks;
};
void ma_format_needs(const char *format, struct ma_format_needs *n);

#endif
