#!/bin/sh
# Benchmark, not a test: the analyzer's peak memory on a long trace.
# Writes a synthetic trace of EVENTS events (default 100 million) with
# tests/reliability/big_trace (lib/trace_build.h), then runs dump
# --summary and the JSON report on it under /usr/bin/time and prints the
# peak RSS of each.  docs/reliability.md has the numbers.
#   tests/reliability/big-trace.sh BUILD-DIR [EVENTS] [WORK-DIR]
set -eu
build=$1
events=${2:-100000000}
work=${3:-${TMPDIR:-/tmp}}
t=$work/big-$events.trace
MA=$build/memory-analyzer
make -C "$build" -s tests/reliability/big_trace
trap 'rm -f "$t"' EXIT
/usr/bin/time -f '%e s, peak RSS %M KiB' "$build/tests/reliability/big_trace" "$t" "$events"
ls -l "$t"
for how in "dump --summary" "--format json"; do
	printf '%s: ' "$how"
	/usr/bin/time -f '%e s, peak RSS %M KiB' "$MA" $how "$t" >/dev/null
done
