#!/bin/sh
# The analysis on two CPUs -- the open's check of the chunks on two
# threads, the modules loaded on a second one during the replay
# (docs/analysis.md, "A second core") -- gives the same report and the
# same messages as on one CPU (taskset), on a trace long enough for both:
# 4 threads of churn, 2.4 M heap records in a few hundred chunks.
. "$top_srcdir/tests/e2e/lib.sh"

command -v taskset >/dev/null || fail "taskset (util-linux) is needed"
record -- "$top_builddir/bench/churn" -t 4 -n 300000
expect "status" 0 "$rc"
t=$(one_trace)
# 4 x 300 000 mallocs, 10 more of churn and libc; its worker array is
# the one aligned_alloc
expect "allocations (enough for the module thread)" 1200010 "$(count records alloc "$t")"
expect "aligned allocations" 1 "$(count records alloc-aligned "$t")"
chunks=$("$MA" dump --summary "$t" | awk '$1 == "chunks:" { print $2 }')
[ "${chunks:-0}" -ge 4 ] || fail "only ${chunks:-no} chunks: the open's check would use one thread"
pass "$chunks chunks"

for fmt in json text; do
	r1=0 r2=0
	taskset -c 0 "$MA" --report-type full --format "$fmt" "$t" >one.$fmt 2>one.$fmt.err || r1=$?
	"$MA" --report-type full --format "$fmt" "$t" >two.$fmt 2>two.$fmt.err || r2=$?
	expect "$fmt: exit status on one CPU and on all" "$r1" "$r2"
	expect_file "$fmt: report on one CPU and on all" one.$fmt two.$fmt
	expect_file "$fmt: messages on one CPU and on all" one.$fmt.err two.$fmt.err
done
expect_grep "the report names churn's own functions" "churn.c" one.text

# On two CPUs the report above did start its two threads (the check's and
# the modules'), so the comparison compared something.
if [ "$(nproc)" -ge 2 ] && command -v strace >/dev/null; then
	strace -f -qq -e trace=clone,clone3 -o clones \
		"$MA" --report-type full --format json "$t" >/dev/null 2>&1 || true
	n=$(grep -c 'clone' clones || true)
	[ "$n" -ge 2 ] || fail "the analysis started $n threads on $(nproc) CPUs, expected 2"
	pass "two threads started on $(nproc) CPUs"
fi
