#!/bin/sh
# The commands that analyse traces start themselves again once, with
# glibc's heap on huge pages (cmd/hugepages.h), when the kernel offers
# them and the traces are 16 KiB or more: argv as given (the parsers
# reorder it), the user's own tunables kept, the same report either way;
# never for small traces, MEMORY_ANALYZER_HUGEPAGES=0, a hugetlb tunable
# of the user's, nor `record` (its program would inherit the tunable).
. "$top_srcdir/tests/e2e/lib.sh"

command -v strace >/dev/null || skip "strace is needed"
thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ -r $thp ] && grep -q '\[always\]\|\[madvise\]' $thp; then twice=2; else twice=1; fi

record -- "$top_builddir/bench/churn" -t 1 -n 20000
expect "status" 0 "$rc"
big=$(one_trace)
size=$(wc -c <"$big")
[ "$size" -ge 16384 ] || fail "the churn trace is $size bytes, under 16 KiB"
record -- true
expect "status of true" 0 "$rc"
small=$(one_trace)
size=$(wc -c <"$small")
[ "$size" -lt 16384 ] || fail "the small trace is $size bytes, not under 16 KiB"

# starts CMD...: how many times the analyzer was started (its execve
# calls, not env's); its stdout into out.txt, the calls into execs.
starts() {
	strace -f -qq -v -s 4096 -e trace=execve -o execs "$@" >out.txt 2>err.txt || true
	grep -c 'execve("[^"]*memory-analyzer",' execs || true
}

expect "report of a big trace: starts" $twice "$(starts "$MA" --report-type full --format json "$big")"
cp out.txt tuned.json
if [ $twice = 2 ]; then
	expect_grep "the second start has the tunables" \
		'"GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432"' execs
fi
expect "opted out: starts" 1 \
	"$(starts env MEMORY_ANALYZER_HUGEPAGES=0 "$MA" --report-type full --format json "$big")"
expect_file "the report with and without huge pages" tuned.json out.txt
expect "the user's hugetlb tunable: starts" 1 \
	"$(starts env GLIBC_TUNABLES=glibc.malloc.hugetlb=0 "$MA" "$big")"
expect "another tunable of the user's: starts" $twice \
	"$(starts env GLIBC_TUNABLES=glibc.malloc.arena_max=2 "$MA" "$big")"
if [ $twice = 2 ]; then
	expect_grep "the user's tunable is kept" \
		'"GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432"' execs
fi
expect "the user's mmap threshold: starts" $twice \
	"$(starts env GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536 "$MA" "$big")"
if [ $twice = 2 ]; then
	expect_grep "the user's threshold is the only one" \
		'"GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536:glibc.malloc.hugetlb=1"' execs
fi
expect "report of a small trace: starts" 1 "$(starts "$MA" "$small")"

# check: an option after the trace, which its parser moves before it
expect "check: starts" $twice "$(starts "$MA" check "$big" --max-leaked 1GiB)"
expect_grep "check's verdict after the second start" "^PASS leaked_bytes" out.txt
expect "baseline: starts" $twice "$(starts "$MA" baseline -o base.json "$big")"
[ -s base.json ] || fail "baseline wrote no base.json"

# record: the program sees no tunable of the analyzer's
"$MA" record -o rec.trace -- sh -c 'echo "tunables=${GLIBC_TUNABLES-unset}"' >rec.out 2>rec.err ||
	fail "record failed: $(cat rec.err)"
expect "the recorded program's tunables" "tunables=unset" "$(cat rec.out)"
