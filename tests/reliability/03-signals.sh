#!/bin/sh
# malloc and free inside a signal handler, signals arriving every few
# microseconds, many of them while the probe is recording an event of the
# interrupted thread: none is lost, nothing deadlocks, and the writer
# thread blocks every signal.
. "$top_srcdir/tests/reliability/lib.sh"

record_limited 120 -- "$REL/rel_signals" 200000
expect "status" 0 "$rc"
handled=$(sed -n 's/.*handled=\([0-9]*\).*/\1/p' out)
[ "${handled:-0}" -gt 1000 ] || fail "only ${handled:-0} signals handled"
expect "threads blocking SIGUSR1 (the writer)" "pairs=200000 blocking=1" \
	"$(sed -n 's/.*\(pairs=.*\)/\1/p' out)"
t=$(one_trace)
dump_ok "$t"
# One malloc(77) per handler run, but for runs that land while libunwind
# unwinds for the probe (unwind.c holds the internal guard there, so its
# own allocations stay unrecorded): a handful in tens of thousands.
recorded=$(sized malloc 77 "$t")
missed=$((handled - recorded))
[ "$missed" -ge 0 ] && [ "$missed" -le $((handled / 500)) ] ||
	fail "malloc(77): $recorded recorded for $handled handler runs"
pass "malloc(77): $recorded recorded for $handled handler runs ($missed inside the unwinder)"
expect "mmap records" 200000 "$(count functions mmap "$t")"
expect "lost records" 0 "$(lost_records "$t")"
expect "trailer" "exit=exit status=0 lost=0" "$(trailer_of "$t")"
# Handler runs that interrupted the probe itself are recorded too, without
# a stack (stack=0): there must be some at this rate.
nested=$(grep -c ' alloc .* size=77 stack=0 ' "$t.dump" || true)
[ "$nested" -gt 0 ] || echo "note: no signal landed inside the probe this time"
pass "$nested handler runs recorded from inside the probe"
