#!/bin/sh
# Signal handlers under the probe.
#
# malloc and free inside signal handlers, signals arriving every few
# microseconds on one or four threads, many of them while the probe is
# recording an event of the interrupted thread or unwinding its stack
# (with libunwind every time in the runs with MEMORY_ANALYZER_UNWIND=slow):
# every handler run is recorded, exactly, in every run; nothing is lost,
# nothing deadlocks, and the writer thread blocks every signal.  Then
# what the program sees of its handlers (sigaction's old action, SIG_IGN,
# SIG_DFL, SA_SIGINFO, SA_RESETHAND, signal(), sigset(), sysv_signal(), a
# handler that leaves by siglongjmp, dlsym, fork, exec) is what it sees
# without the probe.
. "$top_srcdir/tests/reliability/lib.sh"

runs=${REL_SIGNALS_RUNS:-20}
pairs=${REL_SIGNALS_PAIRS:-50000}

# sized_in FN SIZE DUMP: allocation records of that function and size.
sized_in() {
	awk -v fn="$1" -v size="$2" '
		($2 == "alloc" || $2 == "alloc-aligned") && $0 ~ " size=" size " " &&
		$0 ~ " fn=" fn "( |$)" { n++ }
		END { print n + 0 }' "$3"
}

i=0
handled_all=0
nested_all=0
while [ "$i" -lt "$runs" ]; do
	threads=$((i % 2 * 3 + 1))       # 1, 4, 1, 4, ...
	unwind=$([ $((i / 2 % 2)) = 1 ] && echo slow || echo fast)
	i=$((i + 1))
	what="run $i ($threads thread(s), $unwind unwinder)"
	if [ "$unwind" = slow ]; then
		MEMORY_ANALYZER_UNWIND=slow record_limited 120 -- "$REL/rel_signals" "$pairs" "$threads"
	else
		record_limited 120 -- "$REL/rel_signals" "$pairs" "$threads"
	fi
	[ "$rc" = 0 ] || { cat err >&2; fail "$what: status $rc"; }
	line=$(cat out)
	get() { echo " $line" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
	usr1=$(get usr1) rt=$(get rt) usr2=$(get usr2)
	[ "$(get bad)" = 0 ] || fail "$what: a queued signal without its value: $line"
	[ "$(get pairs)" = "$pairs" ] && [ "$(get blocking)" = 1 ] ||
		fail "$what: expected pairs=$pairs blocking=1 (the writer): $line"
	[ $((usr1 + rt + usr2)) -gt 100 ] || fail "$what: only $line"
	t=$(one_trace)
	dump_ok "$t"
	got="$(sized_in malloc 77 "$t.dump") $(sized_in malloc 78 "$t.dump") $(sized_in malloc 79 "$t.dump")"
	[ "$got" = "$usr1 $rt $usr2" ] ||
		fail "$what: handler runs $usr1 $rt $usr2 (SIGUSR1, SIGRTMIN, SIGUSR2), malloc(77/78/79) recorded $got"
	[ "$(awk '$2 == "mmap"' "$t.dump" | wc -l)" = "$pairs" ] || fail "$what: mmap records"
	[ "$(lost_records "$t")" = 0 ] || fail "$what: lost records"
	[ "$(trailer_of "$t")" = "exit=exit status=0 lost=0" ] || fail "$what: trailer $(trailer_of "$t")"
	# Handler runs that interrupted the probe are recorded without a
	# stack (stack=0).
	nested=$(grep -c ' alloc .* size=7[789] stack=0 ' "$t.dump" || true)
	pass "$what: $usr1 + $rt + $usr2 handler runs, all recorded ($nested from inside the probe), lost=0"
	handled_all=$((handled_all + usr1 + rt + usr2))
	nested_all=$((nested_all + nested))
	rm -f "$t" "$t.dump"
done
[ "$nested_all" -gt 0 ] || fail "no handler run landed inside the probe in $runs runs"
pass "$runs runs: $handled_all handler runs, every one recorded ($nested_all from inside the probe)"

# The order of a handler's events around the probe's own: a timer's
# handler keeps a malloc(80) and frees a malloc(81) (the next run gets
# the same address) while the thread maps and unmaps pages.  Events of a
# handler that interrupted the probe wait in a buffer; a later handler's
# must not go into the trace before them, or an address is allocated
# twice and its release is unknown (it was, 2 to 26 times a run).  Every
# handler run is there and every free matches.
rounds=${REL_SIGNALS_TIMER_ROUNDS:-60000}
for i in 1 2 3; do
	record_limited 120 -- "$REL/rel_signals" timer "$rounds"
	[ "$rc" = 0 ] || { cat err >&2; fail "timer run $i: status $rc"; }
	runs=$(sed -n 's/^timer=\([0-9]*\)$/\1/p' out)
	[ "${runs:-0}" -gt 1000 ] || fail "timer run $i: only ${runs:-no} handler runs"
	t=$(one_trace)
	dump_ok "$t"
	expect "timer run $i: malloc(80) and malloc(81) records" "$runs $runs" \
		"$(sized_in malloc 80 "$t.dump") $(sized_in malloc 81 "$t.dump")"
	"$MA" --format json "$t" >report.json 2>report.err || fail "timer run $i: report exited $?"
	expect "timer run $i: unknown and mismatched frees" "0 0" \
		"$(python3 -c 'import json
s = json.load(open("report.json"))["summary"]
print(s["unknown_frees"], s["mismatched_frees"])')"
	nested=$(grep -c ' alloc .* size=80 stack=0 ' "$t.dump" || true)
	pass "timer run $i: $runs handler runs ($nested from inside the probe), every free matched"
	rm -f "$t" "$t.dump"
done

# A handler that ends a multi-threaded process, often while its thread
# drains its own ring: that drain holds the writer's lock, so the end
# would wait for it in vain and lose the open chunks ("1 producer has
# missing chunks, or its last chunk) but for the signals a drain blocks.
# Ten runs, each trace whole, with every malloc(32) the program made (and
# the one it was making, maybe).
for i in 1 2 3 4 5 6 7 8 9 10; do
	record_limited 60 -- "$REL/rel_signals" exitsig 100
	expect "exitsig run $i: status" 3 "$rc"
	t=$(one_trace)
	dump_ok "$t"
	expect "exitsig run $i: trailer" "exit=_exit status=3 lost=0" "$(trailer_of "$t")"
	made=$(cat out) got=$(sized_in malloc 32 "$t.dump")
	[ "$got" = "$made" ] || [ "$got" = $((made + 1)) ] ||
		fail "exitsig run $i: $made malloc(32) made, $got recorded"
	pass "exitsig run $i: $got malloc(32) recorded of $made made"
	rm -f "$t" "$t.dump"
done

# What the program sees, first without the probe, then with it.
"$REL/rel_signals" api >plain || { cat plain >&2; fail "api without the probe"; }
sed -i 's/ pid=[0-9]*$//' plain
record_limited 60 -- "$REL/rel_signals" api
[ "$rc" = 0 ] || { cat out err >&2; fail "api under the probe: status $rc"; }
! grep -q FAILED out || { cat out >&2; fail "api under the probe"; }
pid=$(sed -n 's/.* pid=\([0-9]*\)$/\1/p' out)
sed -i 's/ pid=[0-9]*$//' out
expect_file "api: the same as without the probe" plain out
t=$(trace_of_pid "$pid")
dump_ok "$t"
for want in "91 2" "92 1" "93 1" "94 100" "95 100" "96 4"; do
	set -- $want
	expect "api: malloc($1) records" "$2" "$(sized_in malloc "$1" "$t.dump")"
done
expect "api: trailer" "exit=exit status=0 lost=0" "$(trailer_of "$t")"
child=$(traces | grep -v -x -F "$t")
[ -n "$child" ] || fail "api: no trace of the fork child"
dump_ok "$child"
expect "api: fork child's malloc(91) records" 1 "$(sized_in malloc 91 "$child.dump")"

"$REL/rel_signals" exec >plain || { cat plain >&2; fail "exec without the probe"; }
record_limited 60 -- "$REL/rel_signals" exec
[ "$rc" = 0 ] || { cat out err >&2; fail "exec under the probe: status $rc"; }
expect_file "exec: the same as without the probe" plain out
expect "exec: traces" 2 "$(traces | wc -l)"
