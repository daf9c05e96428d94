#!/bin/sh
# The analyzer streams: its peak RSS must stay flat when a trace grows
# tenfold with the same live set (1000 blocks).  And distinct stacks cost
# it little beyond their frames: from 2 000 to 20 000 stacks 64 frames
# deep in a module with a long path, at most five times the frames' own
# bytes more (their site keys as text took 5.7 KB a stack, eleven times;
# lib/sitenode.h).  Prints the numbers.
set -u
: "${top_builddir:=.}"
ma=$top_builddir/memory-analyzer
mk=$top_builddir/tests/unit/make_analysis_trace
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
small=${MA_MEMTEST_ROUNDS:-100000}

"$mk" churn "$small" "$tmp/small.trace" || exit 99
"$mk" churn $((small * 10)) "$tmp/big.trace" || exit 99
"$mk" stacks 2000 "$tmp/few.trace" || exit 99
"$mk" stacks 20000 "$tmp/many.trace" || exit 99

# peak RSS in KiB of one report run, from getrusage of the child
maxrss() {
	python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
		"$ma" --report-type full --format json "$1"
}

a=$(maxrss "$tmp/small.trace") || exit 1
b=$(maxrss "$tmp/big.trace") || exit 1
echo "trace sizes: $(wc -c <"$tmp/small.trace") and $(wc -c <"$tmp/big.trace") bytes"
echo "analyzer peak RSS: ${a} KiB for $small rounds, ${b} KiB for $((small * 10))"
# Flat: at most a quarter more, plus 2 MiB of slack for the allocator.
if [ "$b" -gt $((a + a / 4 + 2048)) ]; then
	echo "FAIL: the analyzer's memory grew with the trace's length"
	exit 1
fi

c=$(maxrss "$tmp/few.trace") || exit 1
d=$(maxrss "$tmp/many.trace") || exit 1
echo "analyzer peak RSS: ${c} KiB for 2000 stacks of 64 frames, ${d} KiB for 20000"
# 18 000 stacks more, 512 bytes of frames each: at most 5 x 512 bytes
# each, 45 000 KiB.
if [ "$d" -gt $((c + 45000)) ]; then
	echo "FAIL: the analyzer took $((d - c)) KiB for 18000 stacks more"
	exit 1
fi
