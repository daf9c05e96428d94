#!/bin/sh
# check rates every metric of the full report with the full report's own
# figures: the demo's thrashing cache (a metric check could not measure
# before) fails --fail-on warning, and --max-fragmentation gates the
# fragmentation_pct the full report shows for the same trace, passing
# just above it and failing just below.
. "$top_srcdir/tests/gate/lib.sh"

command -v python3 >/dev/null || skip "python3 is needed to read the JSON"
DEMO=$top_builddir/memory-analyzer-demo
# Small model files, in the test's folder (removed at exit).
MODELS=$tmp/models
mkdir -p "$MODELS"
"$MA" record -o thrashing.trace -- "$DEMO" --model-dir "$MODELS" --profile thrashing \
	>demo.out 2>demo.err || { cat demo.err >&2; fail "record the demo: exit $?"; }

run_ma check --fail-on warning thrashing.trace
expect "fail-on warning: exit status" 1 "$rc"
grep -Eq '^FAIL rating:cache_hit_rate_pct [0-9.]+ ?% rated (warning|critical), failing at warning or worse$' out ||
	{ cat out err >&2; fail "no failing cache_hit_rate_pct verdict"; }
pass "cache hit rate gated: $(grep '^FAIL rating:cache_hit_rate_pct' out)"

# One number: the report's fragmentation_pct is check's.
"$MA" --report-type full --format json thrashing.trace >full.json 2>full.err ||
	{ cat full.err >&2; fail "full report: exit $?"; }
want=$(python3 -c "
import json, sys
m = {x['name']: x for x in json.load(open(sys.argv[1]))['metrics']}
f = m['fragmentation_pct']
print(repr(f['value']) if f.get('value') is not None else 'none')" full.json)
run_ma check --max-fragmentation 100 thrashing.trace
expect "max-fragmentation: exit status" 0 "$rc"
if [ "$want" = none ]; then
	# The probe samples mallinfo2 where the C library has it: then the
	# thrashing cache's heap (tens of MiB) is always rated.
	! grep -q '^#define HAVE_MALLINFO2 1' "$top_builddir/config.h" ||
		fail "fragmentation not measured although the probe samples mallinfo2"
	grep -q '^SKIP fragmentation_pct not measured' out ||
		{ cat out >&2; fail "fragmentation: the report has none, check has one"; }
	pass "fragmentation: not measured by either (no mallinfo2)"
	exit 0
fi
# The JSON keeps 6 significant digits, check shows 2 decimals of the
# full value: 16.785 in the JSON may be check's 16.78.  So check's value
# must be within 0.005 of the report's, and the thresholds below use it.
shown=$(sed -n 's/^PASS fragmentation_pct \([0-9.]*\)% <= 100.00%$/\1/p' out)
[ -n "$shown" ] || { cat out >&2; fail "fragmentation: no PASS line for 100%"; }
awk -v a="$shown" -v b="$want" 'BEGIN { d = a - b; exit !(d <= 0.0051 && d >= -0.0051) }' ||
	fail "fragmentation: check shows $shown%, the report $want%"
pass "fragmentation as in the report: check $shown%, report $want%"
want=$shown%

# Just over and just under the measured value (shown to 0.01).
v=${want%\%}
over=$(awk -v v="$v" 'BEGIN { printf "%.2f", v + 0.01 }')
under=$(awk -v v="$v" 'BEGIN { printf "%.2f", v - 0.01 }')
run_ma check --max-fragmentation "$over" thrashing.trace
expect "fragmentation under $over%: exit status" 0 "$rc"
expect_line "fragmentation under $over%" "PASS fragmentation_pct $want <= $over%"
run_ma check --max-fragmentation "$under" thrashing.trace
expect "fragmentation over $under%: exit status" 1 "$rc"
expect_line "fragmentation over $under%" "FAIL fragmentation_pct $want > $under%"
expect_line "fragmentation over $under%: summary" "FAIL 1 of 1 gates failed"
