/* The entry point of the annotation API (probes/memory-analyzer.h): the
 * program's ma_mark()/ma_span_*()/ma_counter_add() reach it through a weak
 * reference, so they cost one branch when the probe is not loaded. */
#define _GNU_SOURCE
#include "probe.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT void memory_analyzer_annotate(int kind, const char *name, long long value);

void memory_analyzer_annotate(int kind, const char *name, long long value)
{
	if (kind < MA_MARK_POINT || kind > MA_MARK_COUNTER || !name)
		return;
	if (!probe_should_record())
		return;
	probe_record_marker(kind, name, (int64_t)value);
}
