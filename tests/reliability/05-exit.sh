#!/bin/sh
# Every way to end leaves a trace that decodes, with every event before
# the end: return from main, exit, _exit, abort, an uncaught C++
# exception, SIGKILL, and SIGKILL at a high RSS as the OOM killer sends.
. "$top_srcdir/tests/reliability/lib.sh"

# check_end HOW STATUS TRAILER: rel_exit HOW under record.
check_end() {
	record_limited 60 -- "$REL/rel_exit" "$1"
	expect "$1: status" "$2" "$rc"
	expect "$1: stdout" "$1" "$(cat out)"
	t=$(one_trace)
	decodes_to_end "$t"
	expect "$1: malloc(40)" 20 "$(sized malloc 40 "$t")"
	expect "$1: frees" 5 "$(grep -c ' free addr=.* fn=free$' "$t.dump")"
	expect "$1: trailer" "$3" "$(trailer_of "$t")"
	rm -f "$t"
}

check_end return 5 "exit=exit status=5 lost=0"
check_end exit 3 "exit=exit status=3 lost=0"
check_end _exit 4 "exit=_exit status=4 lost=0"
check_end abort 134 "exit=abort status=6 lost=0"
check_end kill 137 none
check_end oom 137 none

record_limited 60 -- "$REL/rel_throw"
expect "uncaught exception: status" 134 "$rc"
t=$(one_trace)
decodes_to_end "$t"
expect "uncaught exception: new[]" 10 "$(count functions 'operator new[]' "$t")"
expect "uncaught exception: delete[]" 4 "$(count functions 'operator delete[]' "$t")"
expect "uncaught exception: trailer" "exit=abort status=6 lost=0" "$(trailer_of "$t")"
