#!/bin/sh
# Threads: 10,000 short-lived ones with exact counts, thread-local
# destructors that allocate after the thread's last ordinary code, and a
# thread that never returns.
. "$top_srcdir/tests/reliability/lib.sh"

record_limited 300 -- "$REL/rel_threads" many 10000
expect "10000 threads: status" 0 "$rc"
t=$(one_trace)
dump_ok "$t"
expect "10000 threads: malloc(111)" 10000 "$(sized malloc 111 "$t")"
expect "10000 threads: malloc(222)" 10000 "$(sized malloc 222 "$t")"
expect "10000 threads: thread records" 10001 "$(count records thread "$t")"
expect "10000 threads: trailer" "exit=exit status=0 lost=0" "$(trailer_of "$t")"
# Every malloc(111) block is freed on its thread, before the thread ends.
expect "10000 threads: blocks of 111 bytes still live" 0 "$(awk '
	$2 == "alloc" && / size=111 / { a = $3; sub(/addr=/, "", a); live[a] = 1 }
	$2 == "free" { a = $3; sub(/addr=/, "", a); delete live[a] }
	END { n = 0; for (k in live) n++; print n }' "$t.dump")"
rm -f "$t"

record_limited 60 -- "$REL/rel_tls"
expect "thread_local: status" 0 "$rc"
t=$(one_trace)
dump_ok "$t"
# 51 objects (50 threads and main): new[] at construction, delete[] and
# 3 x malloc(88)/free in the destructor.
expect "thread_local: new[]" 51 "$(count functions 'operator new[]' "$t")"
expect "thread_local: delete[]" 51 "$(count functions 'operator delete[]' "$t")"
expect "thread_local: malloc(88) from destructors" 153 "$(sized malloc 88 "$t")"
expect "thread_local: trailer" "exit=exit status=0 lost=0" "$(trailer_of "$t")"
rm -f "$t"

record_limited 60 -- "$REL/rel_threads" forever
expect "thread that never returns: status" 0 "$rc"
expect "thread that never returns: stdout" "forever: main returns" "$(cat out)"
t=$(one_trace)
dump_ok "$t"
expect "thread that never returns: malloc(333)" 5 "$(sized malloc 333 "$t")"
