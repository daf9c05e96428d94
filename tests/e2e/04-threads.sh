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

# The JSON report: 9 threads, the calls per function and the frees as in
# the trace, and the threads' leak by function and line.
"$MA" --report-type leaks --top 0 --format json "$t" >report.json || fail "report exited $?"
python3 -c 'import json
r = json.load(open("report.json")); s = r["summary"]
print(s["threads"], s["calls"]["malloc"], s["calls"]["calloc"], s["frees"])
for l in r["leaks"]:
    f = l["stack"][0]
    if f["function"] == "thread_leak":
        print(l["bytes"], l["blocks"], (f["file"] or "?").rsplit("/", 1)[-1], f["line"])
' >report.txt || fail "cannot read the JSON report"
expect "report: threads, malloc and calloc calls, frees" \
	"9 $(count functions malloc "$t") $(count functions calloc "$t") $(count functions free "$t")" \
	"$(sed -n 1p report.txt)"
expect "report: thread_leak's leak" \
	"56 8 threads.c $(grep -n -F 'malloc(7)' "$top_srcdir/tests/progs/threads.c" | cut -d: -f1)" \
	"$(sed -n '2,$p' report.txt)"
