#!/bin/sh
# Every C allocation function (tests/progs/allocfns.c): what each call
# site made, with which function, size and alignment.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/allocfns"
expect "status" 0 "$rc"
t=$(one_trace)

sites "$t" >sites.txt
cat >expected <<'END'
realloc_chain malloc 16 allocs=1 frees=1
realloc_chain realloc 1024 allocs=1 frees=1
realloc_chain realloc 128 allocs=1 frees=1
realloc_chain realloc 256 allocs=1 frees=1
realloc_chain realloc 32 allocs=1 frees=1
realloc_chain realloc 512 allocs=1 frees=1
realloc_chain realloc 64 allocs=1 frees=1
use_aligned_alloc aligned_alloc 512 allocs=1 frees=1
use_calloc calloc 240 allocs=1 frees=1
use_memalign memalign 300 allocs=1 frees=0
use_posix_memalign posix_memalign 100 allocs=1 frees=1
use_pvalloc pvalloc 1000 allocs=1 frees=1
use_reallocarray reallocarray 200 allocs=1 frees=1
use_reallocarray reallocarray 400 allocs=1 frees=1
use_valloc valloc 1000 allocs=1 frees=1
END
expect_file "allocations per call site" expected sites.txt

for fn in malloc calloc posix_memalign aligned_alloc memalign valloc pvalloc; do
	expect "$fn calls" 1 "$(count functions "$fn" "$t")"
done
expect "realloc calls" 6 "$(count functions realloc "$t")"
expect "reallocarray calls" 2 "$(count functions reallocarray "$t")"
expect "free calls" 7 "$(count functions free "$t")"

sed -n 's/.* alloc-aligned .* fn=\([a-z_]*\) alignment=\([0-9]*\)$/\1 \2/p' "$t.dump" >align.txt
printf '%s\n' "posix_memalign 64" "aligned_alloc 256" "memalign 128" \
	"valloc 4096" "pvalloc 4096" >expected
expect_file "alignments" expected align.txt

# The JSON report's calls per function are the trace's, and its totals
# the program's: 15 blocks, 14 released (6 by realloc, 1 by reallocarray),
# 300 bytes leaked in 1.
"$MA" --report-type leaks --format json "$t" >report.json || fail "report exited $?"
json() { python3 -c 'import json, sys
s = json.load(open("report.json"))["summary"]
print(*[s["calls"][k[6:]] if k.startswith("calls.") else s[k] for k in sys.argv[1:]])' "$@"; }
for fn in malloc calloc realloc reallocarray posix_memalign aligned_alloc memalign \
	valloc pvalloc free; do
	expect "report: $fn calls" "$(count functions "$fn" "$t")" "$(json "calls.$fn")"
done
expect "report: allocations frees leaked_blocks leaked_bytes" "15 14 1 300" \
	"$(json allocations frees leaked_blocks leaked_bytes)"
