#include "config.h"

#include "stackfmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const weight_names[MA_WEIGHT_COUNT] = {
	"leaked", "peak", "allocated", "calls",
};

const char *ma_weight_name(enum ma_weight w)
{
	return w < MA_WEIGHT_COUNT ? weight_names[w] : "?";
}

int ma_weight_find(const char *name)
{
	if (!name)
		return MA_WEIGHT_LEAKED;
	for (int w = 0; w < MA_WEIGHT_COUNT; w++)
		if (!strcmp(weight_names[w], name))
			return w;
	return -1;
}

int ma_weight_is_bytes(enum ma_weight w)
{
	return w != MA_WEIGHT_CALLS;
}

const struct ma_site_list *ma_weight_list(const struct ma_process *p, enum ma_weight w)
{
	switch (w) {
	case MA_WEIGHT_PEAK: return &p->peak.sites;
	case MA_WEIGHT_ALLOCATED: return &p->top_bytes;
	case MA_WEIGHT_CALLS: return &p->top_calls;
	default: return &p->leaks;
	}
}

uint64_t ma_weight_of(const struct ma_site *s, enum ma_weight w)
{
	switch (w) {
	case MA_WEIGHT_ALLOCATED: return s->alloc_bytes;
	case MA_WEIGHT_CALLS: return s->calls;
	default: return s->bytes;
	}
}

/* The lists of calls sum allocated bytes into `bytes` and calls into
 * `blocks` (lib/snapshot.c, ma_stats_raw). */
uint64_t ma_weight_total(const struct ma_process *p, enum ma_weight w)
{
	const struct ma_site_list *l = ma_weight_list(p, w);

	return w == MA_WEIGHT_CALLS ? l->blocks : l->bytes;
}

uint64_t ma_weight_rest(const struct ma_process *p, enum ma_weight w)
{
	const struct ma_site_list *l = ma_weight_list(p, w);
	uint64_t shown = 0, total = ma_weight_total(p, w);

	for (size_t i = 0; i < l->n; i++)
		shown += ma_weight_of(&l->v[i], w);
	return total > shown ? total - shown : 0;
}

void ma_frame_name(const struct ma_frame *f, char *buf, size_t len)
{
	const char *mod = f->module ? strrchr(f->module, '/') : NULL;

	mod = mod ? mod + 1 : f->module;
	if (f->function)
		snprintf(buf, len, "%s", f->function);
	else if (mod)
		snprintf(buf, len, "%s+0x%" PRIx64, mod, f->offset);
	else
		snprintf(buf, len, "0x%" PRIx64, f->addr);
}

void ma_frame_where(const struct ma_frame *f, char *buf, size_t len)
{
	if (f->file && f->line)
		snprintf(buf, len, "%s:%u", f->file, f->line);
	else
		snprintf(buf, len, "%s", f->file ? f->file : "");
}

static const struct {
	const char *format;
	struct ma_format_needs needs;
} needs_table[] = {
	{ "html", { MA_SEC_ALL & ~MA_SEC_SNAPSHOTS, 1 } },
	{ "speedscope", { MA_SEC_LEAKS | MA_SEC_PEAK | MA_SEC_ALLOCATIONS, 1 } },
	{ "collapsed", { MA_SEC_LEAKS | MA_SEC_PEAK | MA_SEC_ALLOCATIONS, 1 } },
	{ "massif", { MA_SEC_PEAK | MA_SEC_TIMELINE, 1 } },
	{ "markdown", { MA_SEC_LEAKS | MA_SEC_PEAK, 0 } },
};

void ma_format_needs(const char *format, struct ma_format_needs *n)
{
	memset(n, 0, sizeof(*n));
	for (size_t i = 0; i < sizeof(needs_table) / sizeof(needs_table[0]); i++)
		if (!strcmp(needs_table[i].format, format))
			*n = needs_table[i].needs;
}
