#!/bin/sh
# The fast unwinder's tables start small and grow with the program:
# tests/progs/sites (a few call sites) keeps the first table of rules and
# a few entries of its memo of walks; tests/progs/manysites (8192 call
# sites, each reached three times) makes the table grow and fills the
# memo's arena until it starts again, while it runs; tests/progs/
# deepchain goes deeper than the frames kept, tests/progs/realign through
# realigned frames, tests/progs/jit through code without an FDE.  Every capture is compared
# with libunwind's walk (MEMORY_ANALYZER_UNWIND=check): no mismatch, and
# the counts and stacks are exact.
. "$top_srcdir/tests/e2e/lib.sh"

# check_line: the probe's "unwind check" line from err, as
# "SLOW MISMATCHES RULES MEMO_BYTES MEMO_RESTARTS".
check_line() {
	sed -n 's/^memory-analyzer: unwind check: \([0-9]*\) slow walks, \([0-9]*\) mismatches, \([0-9]*\) rule entries, memo \([0-9]*\) bytes, \([0-9]*\) restarts$/\1 \2 \3 \4 \5/p' err
}

# checked WHAT PROGRAM...: records PROGRAM with every capture compared
# with libunwind's; it must exit 0 with no mismatch.  Leaves its trace in
# $t and the check line's figures in $slow, $rules, $memo and $restarts.
checked() {
	what=$1
	shift
	MEMORY_ANALYZER_UNWIND=check record -- "$@"
	expect "$what: status" 0 "$rc"
	t=$(one_trace)
	set -- $(check_line)
	[ $# = 5 ] || { cat err >&2; fail "$what: no unwind check line"; }
	slow=$1 rules=$3 memo=$4 restarts=$5
	expect "$what: mismatches" 0 "$2"
}

checked sites "$PROGS/sites"
expect "sites: rule entries (the first table)" 4096 "$rules"
# Its memo holds each walk once, sized to it: 48 bytes and 12 for each
# stack word the walk read (96 at most), in 16-byte units.  Three call
# sites, three walks at most: a checked capture the memo knew is not
# added again (when it was, 137 captures left 10 080 bytes).
[ "$memo" -gt 0 ] && [ "$memo" -le 3600 ] || fail "sites: memo of $memo bytes"
pass "sites: memo of $memo bytes"
expect "sites: memo restarts" 0 "$restarts"

checked manysites "$PROGS/manysites"
# Every rule is read from the CFI the first time a walk needs it, so the
# one slow walk is the probe's own at start (which warms libgcc's
# unwinder up).  (When two slow walks of a call site taught its rules,
# this program took 17 000; before empty entries went first, sites
# sharing a bucket kept pushing each other out: 22 600.)
expect "manysites: slow walks" 1 "$slow"
[ "$rules" -gt 4096 ] || fail "manysites: the table of rules did not grow ($rules entries)"
pass "manysites: rule entries grew to $rules"
# Each fast walk the memo did not know adds its entry: about 7 700
# entries of 144 bytes or more fill the 1 MiB arena, which starts again,
# and the lookups after it still give the checked stacks (no mismatch
# above).
[ "$restarts" -ge 1 ] || fail "manysites: memo restarted $restarts times ($memo bytes in use)"
pass "manysites: memo restarted $restarts times"

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

# A chain deeper than the frames kept (tests/progs/deepchain: 80 functions,
# entered from 300 different stack depths, so whole walks are not found
# again in the memo): the last frame kept needs no rule, so the fast walk
# serves every capture -- at the default 64 frames, at 2 and at 1.  (When
# the walk also asked for the rule of the last frame, which a slow walk
# stopping there never taught, every capture was a slow walk: 601 of
# them.)
for depth in 64 2 1; do
	export MEMORY_ANALYZER_DEPTH=$depth
	checked "deepchain $depth" "$PROGS/deepchain"
	unset MEMORY_ANALYZER_DEPTH
	expect "deepchain $depth: slow walks (the probe's own at start)" 1 "$slow"
	expect "deepchain $depth: malloc calls" 600 "$(count functions malloc "$t")"
	expect "deepchain $depth: stacks" 1 "$(count records stack "$t")"
	want=$(python3 -c "print(';'.join('c%d' % i for i in range(80 - $depth, 80)) + ' 600')")
	expect "deepchain $depth: the stack" "$want" \
		"$("$MA" --format collapsed --weight calls "$t")"
done

# Frames that realign the stack through GCC's DRAP register
# (tests/progs/realign: CFA = the word below rbp where the frame keeps
# that register, the caller's rbp at rbp, both CFI expressions): read
# from the CFI like any other, so every capture is a fast walk, checked
# against libunwind's.  (Before, each
# capture through such a frame was a slow walk: 601 of them.)
checked realign "$PROGS/realign"
expect "realign: slow walks (the probe's own at start)" 1 "$slow"
expect "realign: malloc calls" 600 "$(count functions malloc "$t")"
expect "realign: stacks" 4 "$(count records stack "$t")"
expect "realign: the deepest stack" "round_at;realigned;realigned;realigned;realigned;bottom 150" \
	"$("$MA" --format collapsed --weight calls "$t" | sed -n 's/^.*;round_at;/round_at;/p' | sort | tail -1)"

# Code generated at run time, without an FDE (tests/progs/jit: main ->
# generated code -> bottom -> malloc): the walk ends at the generated
# frame, as libgcc's does, without a slow walk and without learning a
# rule for an address that may hold other code later.  (Before, each
# capture through it was a slow walk: 601 of them.)
checked jit "$PROGS/jit"
expect "jit: slow walks (the probe's own at start)" 1 "$slow"
expect "jit: malloc calls" 600 "$(count functions malloc "$t")"
expect "jit: stacks (the mapping's and the allocation's)" 2 "$(count records stack "$t")"
"$MA" --format collapsed --weight calls "$t" >jit.collapsed || fail "jit: report exited $?"
grep -Eq '^0x[0-9a-f]+;bottom 600$' jit.collapsed ||
	{ cat jit.collapsed >&2; fail "jit: not the generated frame, then bottom, 600 calls"; }
pass "jit: the generated frame, then bottom"
