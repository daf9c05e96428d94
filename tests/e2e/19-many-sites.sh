#!/bin/sh
# The fast unwinder's tables start small and grow with the program:
# tests/progs/sites (a few call sites) keeps the first table of rules and
# the small memo; tests/progs/manysites (8192 call sites, each reached
# three times) makes both grow while it runs.  Every capture is compared
# with libunwind's walk (MEMORY_ANALYZER_UNWIND=check): no mismatch, and
# the counts and stacks are exact.
. "$top_srcdir/tests/e2e/lib.sh"

# check_line: the probe's "unwind check" line from err, as
# "SLOW MISMATCHES RULES MEMO".
check_line() {
	sed -n 's/^memory-analyzer: unwind check: \([0-9]*\) slow walks, \([0-9]*\) mismatches, \([0-9]*\) rule entries, memo \([0-9]*\)$/\1 \2 \3 \4/p' err
}

MEMORY_ANALYZER_UNWIND=check record -- "$PROGS/sites"
expect "sites: status" 0 "$rc"
set -- $(check_line)
[ $# = 4 ] || { cat err >&2; fail "no unwind check line"; }
expect "sites: mismatches" 0 "$2"
expect "sites: rule entries (the first table)" 4096 "$3"
expect "sites: memo (the small one)" 128 "$4"

MEMORY_ANALYZER_UNWIND=check record -- "$PROGS/manysites"
expect "manysites: status" 0 "$rc"
t=$(one_trace)
set -- $(check_line)
[ $# = 4 ] || { cat err >&2; fail "no unwind check line"; }
expect "manysites: mismatches" 0 "$2"
# Two slow walks a call site teach its rules; the third visit is fast.
# (Before empty entries went first, sites sharing a bucket kept pushing
# each other out: 22 600 slow walks.)
[ "$1" -le 17408 ] || fail "manysites: $1 slow walks, more than 2 per call site and 1024"
pass "manysites: $1 slow walks"
[ "$3" -gt 4096 ] || fail "manysites: the table of rules did not grow ($3 entries)"
pass "manysites: rule entries grew to $3"
expect "manysites: memo (grown)" 1024 "$4"

expect "malloc calls" 12288 "$(count functions malloc "$t")"
expect "calloc calls" 12288 "$(count functions calloc "$t")"
expect "free calls" 24576 "$(count functions free "$t")"
# One stack per call site: function i's malloc and calloc, each written
# once, whatever walk found it.
expect "stacks" 8192 "$(count records stack "$t")"
"$MA" --format json "$t" >report.json || fail "report exited $?"
expect "bytes allocated" \
	"$(python3 -c 'print(3 * sum((i + 1) + (i + 2) for i in range(4096)))')" \
	"$(python3 -c 'import json; print(json.load(open("report.json"))["summary"]["bytes_allocated"])')"
