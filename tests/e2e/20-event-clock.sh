#!/bin/sh
# The clock of heap events (probes/clock.h): while one thread records, an
# event may be stamped with a clock reading a few microseconds old, and
# chunks are rounded down to 65.536 us; but after a pause the next event
# reads the clock again.  tests/progs/paced keeps block i for 20 ms ten
# times, with a burst of 1000 allocations between: each block's free must
# come at least 20 ms (less one rounding step, 0.066 ms) after its
# allocation, and the events in file order must never go back in time.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/paced"
expect "status" 0 "$rc"
t=$(one_trace)
dump_ok "$t"
expect "malloc calls" 10010 "$(count functions malloc "$t")"

awk '
	$2 == "alloc" && $4 ~ /^size=10[0-9]$/ { split($3, a, "="); at[a[2]] = $1; n++ }
	$2 == "free" { split($3, a, "="); if (a[2] in at) {
		printf "%.3f\n", $1 - at[a[2]]; delete at[a[2]] } }
' "$t.dump" >held.txt
expect "blocks held across a pause" 10 "$(wc -l <held.txt)"
awk '$1 < 19.934 { print "held " $1 " ms"; bad = 1 } END { exit bad }' held.txt >short.txt ||
	fail "a free after a 20 ms pause was stamped too early: $(cat short.txt)"
pass "every block was held at least 19.934 ms"

# Within the thread's chunks, in file order, time never goes back.
awk '$1 == "chunk" { p = $4 } $1 ~ /^[0-9.]+$/ && ($2 == "alloc" || $2 == "free") {
	if (p in last && $1 + 0 < last[p]) { print; bad = 1 } last[p] = $1 + 0 }
	END { exit bad }' "$t.dump" >back.txt || fail "time went back: $(head -3 back.txt)"
pass "heap events never go back in time"
