#!/bin/sh
# Every way to end leaves a trace that decodes, with every event before
# the end: return from main, exit, _exit, quick_exit, abort, an uncaught C++
# exception, SIGKILL, SIGKILL at a high RSS as the OOM killer sends, and
# a main thread's pthread_exit before the last thread returns.
. "$top_srcdir/tests/reliability/lib.sh"

# check_end HOW STATUS TRAILER [FREES]: rel_exit HOW under record.
check_end() {
	record_limited 60 -- "$REL/rel_exit" "$1"
	expect "$1: status" "$2" "$rc"
	expect "$1: stdout" "$1" "$(cat out)"
	t=$(one_trace)
	decodes_to_end "$t"
	expect "$1: malloc(40)" 20 "$(sized malloc 40 "$t")"
	expect "$1: frees" "${4:-5}" "$(grep -c ' free addr=.* fn=free$' "$t.dump")"
	expect "$1: trailer" "$3" "$(trailer_of "$t")"
	# quick_exit: the program's at_quick_exit handler frees before the
	# probe's writes the trailer (not after it, in direct mode).
	[ "$1" != quick_exit ] ||
		expect "$1: the handler's free before the trailer" before \
			"$(awk '/ trailer /{t=NR} / free addr=/{f=NR} END{print f < t ? "before" : "after"}' "$t.dump")"
	rm -f "$t"
}

check_end return 5 "exit=exit status=5 lost=0"
check_end exit 3 "exit=exit status=3 lost=0"
check_end _exit 4 "exit=_exit status=4 lost=0"
check_end abort 134 "exit=abort status=6 lost=0"
# quick_exit: the program's at_quick_exit handler (one free) runs before
# the probe's, which writes the trailer (quick_exit ends with _exit).
check_end quick_exit 7 "exit=_exit status=7 lost=0" 6
check_end kill 137 none
check_end oom 137 none
# The main thread ends with pthread_exit, the last thread by returning:
# the process ends with it (the writer thread, then the last one, ends
# the process as glibc would), and the trace has every free.
check_end pthread_exit 0 "exit=exit status=0 lost=0" 20

record_limited 60 -- "$REL/rel_throw"
expect "uncaught exception: status" 134 "$rc"
t=$(one_trace)
decodes_to_end "$t"
expect "uncaught exception: new[]" 10 "$(count functions 'operator new[]' "$t")"
expect "uncaught exception: delete[]" 4 "$(count functions 'operator delete[]' "$t")"
expect "uncaught exception: trailer" "exit=abort status=6 lost=0" "$(trailer_of "$t")"
