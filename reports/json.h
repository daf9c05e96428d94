/* The JSON report; docs/report-schema.md describes it. */
#ifndef MA_REPORT_JSON_H
#define MA_REPORT_JSON_H

#include "render.h"

#define MA_REPORT_SCHEMA_VERSION 1

int ma_render_json(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o);

#endif
