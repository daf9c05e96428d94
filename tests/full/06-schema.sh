#!/bin/sh
# The JSON of the full report as docs/report-schema.md describes it:
# metrics as {name, value, unit, rating, how[, reason]}, recommendations
# as {id, setting, value, reason, evidence}; unmeasured metrics say why
# and carry no number.
. "$top_srcdir/tests/full/lib.sh"

demo thrashing --profile thrashing
"$MA" record -o plain.trace -- /bin/true >/dev/null 2>&1 || fail "record /bin/true"
full thrashing thrashing.trace
full plain plain.trace

expect "guide's metrics first" \
	"['memory_usage_mb', 'model_load_time_ms', 'cache_hit_rate_pct', 'fragmentation_pct']" \
	"$(q thrashing "[x['name'] for x in d['metrics']][:4]")"
expect "every metric" 9 "$(q thrashing "len(d['metrics'])")"
expect "metric fields" True "$(q thrashing "all({'name', 'value', 'unit', 'rating', 'how'} <= set(x) for x in d['metrics'])")"
expect "ratings" True "$(q thrashing "all(x['rating'] in ('target', 'good', 'warning', 'critical') for x in d['metrics'])")"
expect "units" "MB ms % %" "$(q thrashing "' '.join(x['unit'] for x in d['metrics'][:4])")"
expect "recommendation fields" True \
	"$(q thrashing "len(d['recommendations']) > 0 and all({'id', 'setting', 'value', 'reason', 'evidence'} <= set(x) for x in d['recommendations'])")"
expect "models listed" 8 "$(q thrashing "len(m['model_load_time_ms']['models'])")"
expect "caches listed" "['']" "$(q thrashing "[c['name'] for c in m['cache_hit_rate_pct']['caches']]")"
expect "fragmentation" True "$(q thrashing "d['fragmentation']['samples'] > 0 and len(d['fragmentation']['over_time']) > 0")"
expect "mapped files field" True "$(q thrashing "isinstance(d['mapped_files'], list)")"

# A program without annotations: no number, a reason.
expect "no load time" "None|not measured|no model loads annotated (model_load:<model> spans)" \
	"$(q plain "'|'.join(str(m['model_load_time_ms'][k]) for k in ('value', 'rating', 'reason'))")"
expect "no hit rate" "None|not measured" \
	"$(q plain "'|'.join(str(m['cache_hit_rate_pct'][k]) for k in ('value', 'rating'))")"
expect_grep "reason given" "no cache lookups annotated" plain.json

# Mapped model files and their resident part (the probe's smaps notes).
demo mapped --profile healthy --request-us 300000 --requests 4
full mapped mapped.trace
expect "mapped model files" True \
	"$(q mapped "any(f['path'].endswith('-4mib.bin') and f['size_bytes'] == 4194304 and 0 < f['resident_bytes'] <= 4194304 for f in d['mapped_files'])")"
