/* Gate metrics, their formatting, and limits from options and the
 * workspace config file. */
#include "config.h"

#include "gate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"
#include "units.h"

static const struct ma_gm_def defs[MA_GM_COUNT] = {
	[MA_GM_PEAK_HEAP] = { "peak_heap_bytes", "max-peak-heap", "peak_heap",
			      MA_GU_BYTES, 1, MA_SV_PEAK_BYTES },
	/* RSS and fragmentation depend on the kernel and the allocator's
	 * history as much as on the program: not compared with a baseline
	 * unless asked (--regression-on). */
	[MA_GM_PEAK_RSS] = { "peak_rss_bytes", "max-peak-rss", "peak_rss",
			     MA_GU_BYTES, 0, MA_SV_PEAK_BYTES },
	[MA_GM_LEAKED_BYTES] = { "leaked_bytes", "max-leaked", "leaked",
				 MA_GU_BYTES, 1, MA_SV_LEAKED_BYTES },
	[MA_GM_LEAKED_BLOCKS] = { "leaked_blocks", "max-leaked-blocks", "leaked_blocks",
				  MA_GU_COUNT, 1, MA_SV_LEAKED_BYTES },
	[MA_GM_ALLOCATIONS] = { "allocations", "max-allocations", "allocations",
				MA_GU_COUNT, 1, MA_SV_ALLOCATIONS },
	[MA_GM_TEMPORARY_PCT] = { "temporary_pct", "max-temporary", "temporary_pct",
				  MA_GU_PCT, 1, MA_SV_TEMPORARY },
	[MA_GM_FRAGMENTATION_PCT] = { "fragmentation_pct", "max-fragmentation",
				      "fragmentation_pct", MA_GU_PCT, 0, -1 },
};

static const char *const sv_names[MA_SV_COUNT] = {
	"leaked_bytes", "leaked_blocks", "peak_bytes", "peak_blocks",
	"allocations", "allocated_bytes", "temporary",
};

const struct ma_gm_def *ma_gm_def(enum ma_gm m)
{
	return (unsigned)m < MA_GM_COUNT ? &defs[m] : NULL;
}

int ma_gm_find(const char *name)
{
	for (int i = 0; i < MA_GM_COUNT; i++)
		if (!strcmp(defs[i].name, name))
			return i;
	return -1;
}

const char *ma_sv_name(enum ma_sv v)
{
	return (unsigned)v < MA_SV_COUNT ? sv_names[v] : "?";
}

char *ma_gm_format(enum ma_gm m, double v, char *buf, size_t len)
{
	switch (defs[m].unit) {
	case MA_GU_BYTES:
		return ma_format_size((uint64_t)llround(v), buf, len);
	case MA_GU_PCT:
		snprintf(buf, len, "%.2f%%", v);
		return buf;
	default:
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
}

void ma_gate_limits_init(struct ma_gate_limits *l)
{
	memset(l, 0, sizeof(*l));
	for (int i = 0; i < MA_GM_COUNT; i++)
		if (defs[i].regress)
			l->regress |= 1u << i;
	l->fail_on = MA_BAND_NONE;
	l->top_sites = 3;
	ma_ratings_init(&l->ratings);
}

static int parse_number(const char *text, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(text, &end);
	return end != text && !*end && !errno && *out >= 0 && *out == *out ? 0 : -1;
}

int ma_gate_limits_parse(struct ma_gate_limits *l, enum ma_gm m, const char *text,
			 char *err, size_t errlen)
{
	char why[160];
	uint64_t size;
	double v;

	if (defs[m].unit == MA_GU_BYTES) {
		if (ma_parse_size(text, &size, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "invalid limit for --%s: %s", defs[m].option, why);
			return -1;
		}
		v = (double)size;
	} else if (parse_number(text, &v) < 0 ||
		   (defs[m].unit == MA_GU_COUNT && v != floor(v))) {
		snprintf(err, errlen, "invalid limit for --%s: '%s' is not a %s", defs[m].option,
			 text, defs[m].unit == MA_GU_PCT ? "percentage" : "whole number");
		return -1;
	}
	l->max[m] = v;
	l->set |= 1u << m;
	return 0;
}

int ma_gate_fail_on_parse(struct ma_gate_limits *l, const char *text)
{
	if (!strcmp(text, "never"))
		l->fail_on = MA_BAND_NONE;
	else if (!strcmp(text, "warning"))
		l->fail_on = MA_BAND_WARNING;
	else if (!strcmp(text, "critical"))
		l->fail_on = MA_BAND_CRITICAL;
	else
		return -1;
	return 0;
}

/* [limits]: the keys of the config file's schema, already checked. */
static void limits_section(struct ma_gate_limits *l, const struct ma_config *cfg)
{
	for (int i = 0; i < MA_GM_COUNT; i++) {
		uint64_t size;
		double num;
		if (!defs[i].conf_key)
			continue;
		if (defs[i].unit == MA_GU_BYTES &&
		    ma_config_size(cfg, "limits", defs[i].conf_key, &size)) {
			l->max[i] = (double)size;
			l->set |= 1u << i;
		} else if (defs[i].unit != MA_GU_BYTES &&
			   ma_config_number(cfg, "limits", defs[i].conf_key, &num)) {
			l->max[i] = num;
			l->set |= 1u << i;
		}
	}
}

int ma_gate_limits_from_config(struct ma_gate_limits *l, const struct ma_config *cfg,
			       char *err, size_t errlen)
{
	const struct ma_config_entry *e;
	double pct;

	limits_section(l, cfg);
	if (ma_config_number(cfg, "gate", "max_regression_pct", &pct)) {
		l->max_regression_pct = pct;
		l->regression_set = 1;
	}
	if ((e = ma_config_lookup(cfg, "gate", "fail_on")))
		ma_gate_fail_on_parse(l, e->value);
	return ma_ratings_apply_config(&l->ratings, cfg, err, errlen);
}
