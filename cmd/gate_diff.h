/* Rendering of diff: two measures compared per metric and per site. */
#ifndef MA_GATE_DIFF_H
#define MA_GATE_DIFF_H

#include <stdio.h>

#include "gate.h"

/* Metrics, then sites matched by function, file and module: changed,
 * only in OLD ("gone"), only in NEW ("new"); unchanged ones are counted. */
int gate_diff_text(FILE *out, const struct ma_measure *old, const struct ma_measure *new_m);
/* The same as one JSON object (docs/ci.md). */
int gate_diff_json(FILE *out, const struct ma_measure *old, const struct ma_measure *new_m);

#endif
