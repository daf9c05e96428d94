#!/bin/sh
# 8 threads allocating concurrently (tests/progs/threads.c): exact totals
# per call site and size, every thread's records present.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/threads"
expect "status" 0 "$rc"
expect "stdout" "threads: done" "$(cat out)"
t=$(one_trace)

# 4000 blocks from thread_work and 8 leaked by thread_leak; glibc itself
# uses calloc (thread DTVs) but never malloc in this program.
expect "malloc calls" 4008 "$(count functions malloc "$t")"
expect "thread records (main and 8 workers)" 9 "$(count records thread "$t")"

sites "$t" | grep '^thread_' >sites.txt
cat >expected <<'END'
thread_leak malloc 7 allocs=8 frees=0
thread_work malloc 128 allocs=500 frees=500
thread_work malloc 160 allocs=500 frees=500
thread_work malloc 192 allocs=500 frees=500
thread_work malloc 224 allocs=500 frees=500
thread_work malloc 256 allocs=500 frees=500
thread_work malloc 32 allocs=500 frees=500
thread_work malloc 64 allocs=500 frees=500
thread_work malloc 96 allocs=500 frees=500
END
expect_file "allocations per call site and size" expected sites.txt
expect "bytes from thread_work" 576000 \
	"$(awk '$1 == "alloc" && $4 == "malloc" && $3 != 7 { s += $3 } END { print s }' "$t.events")"
expect "frees of thread_work blocks" 4000 \
	"$(awk '$1 == "free" && $4 == "malloc" { n++ } END { print n }' "$t.events")"
