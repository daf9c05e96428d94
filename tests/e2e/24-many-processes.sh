#!/bin/sh
# A run of many processes, analysed together: the report sums them all,
# and the analyzer's memory does not grow with their number beyond what
# each one's own records need.  Each process's symbolizer holds its
# modules' DWARF, several MiB even for /bin/true: the processes share
# what was resolved, and at most a few symbolizers are kept at once
# (lib/frames.h), where 203 processes took 1.7 GB and 603 took 10 GB.
# Prints the numbers.
. "$top_srcdir/tests/e2e/lib.sh"
command -v python3 >/dev/null || skip "no python3"

# run N: bash runs /bin/true N times (a fork child and the image it
# execs each time, and the same for seq: 2N + 3 traces, whose stacks go
# through libc), traces in dir N.
run() {
	mkdir "$1"
	record -o "$PWD/$1/t.%p.trace" -- bash -c 'for i in $(seq "$0"); do /bin/true; done' "$1"
	expect "status of $1 runs" 0 "$rc"
	expect "traces of $1 runs" $(($1 * 2 + 3)) "$(traces | wc -l)"
}

# maxrss N: the analyzer's peak RSS in KiB over the traces of run N; its
# report says how many processes it summed.
maxrss() {
	python3 -c '
import resource, subprocess, sys
out = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, check=True).stdout
open("report.txt", "wb").write(out)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$MA" "$1"/*.trace
}

run 10
run 70
a=$(maxrss 10)
expect_grep "the sum of 23 processes" "^All 23 processes$" report.txt
b=$(maxrss 70)
expect_grep "the sum of 143 processes" "^All 143 processes$" report.txt
echo "analyzer peak RSS: $a KiB for 23 processes, $b KiB for 143"
# 120 processes more: at most 512 KiB each (each took 8 MiB and more
# where libc's debug file is installed: 1.25 GB for the 143).
[ "$b" -le $((a + 120 * 512)) ] ||
	fail "the analyzer took $((b - a)) KiB more for 120 processes more"
pass "120 processes more cost $((b - a)) KiB"
