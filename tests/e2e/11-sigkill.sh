#!/bin/sh
# A program killed by SIGKILL (tests/progs/killme.c) leaves a trace that
# dump decodes up to its last chunk and reports as truncated.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/killme"
expect "status" 137 "$rc"
expect "stdout" "killme: killing myself" "$(cat out)"
t=$(one_trace)

drc=0
"$MA" dump "$t" >dump.txt 2>dump-err.txt || drc=$?
expect "dump status for a truncated trace" 4 "$drc"
expect_grep "dump says it is truncated" "^memory-analyzer: .*truncated" dump-err.txt
expect "stderr lines of dump" 1 "$(wc -l <dump-err.txt)"
drc=0
"$MA" dump --summary "$t" >summary.txt 2>/dev/null || drc=$?
expect "dump --summary status for a truncated trace" 4 "$drc"
expect_grep "summary says incomplete" "^complete: no" summary.txt
expect "trailer records" 0 "$(count records trailer "$t")"
# Module records are written at the writer's next wake, not with the
# heap events that wait up to a second: a killed process's stacks can
# still be symbolized.
nmod=$(count records module "$t")
[ "${nmod:-0}" -gt 0 ] || fail "no module records"
pass "$nmod module records"

# Every chunk in the file was decoded: the chunks dump printed end exactly
# where the file ends.
size=$(stat -c %s "$t")
expect "end of the last chunk dumped" "$size" "$(awk '
	$1 == "chunk" { o = $3; s = $8; sub(/offset=/, "", o); sub(/stored=/, "", s); end = o + 40 + s }
	END { print end }' dump.txt)"

# What was decoded is the program's allocations in order, without a gap.
# Events reach the file when the writer's chunk of the thread reaches
# 1 MiB or a second has passed, or when the thread finds its buffer full;
# killme's 200,000 blocks fill several, and it kills itself well within
# the second, so the last part is lost (docs/reliability.md):
# the i-th block has i % 256 + 1 bytes.  A thread's chunks may land in the
# file out of order (the thread writes one itself when its ring is full),
# so read them in chunk number order.
n=$(awk '$1 == "chunk" { seq = $5; sub(/seq=/, "", seq); if (seq > max) max = seq; next }
	$2 == "alloc" { sub(/.*size=/, ""); sub(/ .*/, ""); size[seq, cnt[seq]++] = $0 }
	END { for (s = 0; s <= max; s++) for (i = 0; i < cnt[s]; i++) {
		if (size[s, i] != n % 256 + 1) { print "gap at " n; exit }
		n++ }
	      print n + 0 }' dump.txt)
case $n in
gap*) fail "decoded allocations: $n" ;;
esac
[ "$n" -gt 1000 ] && [ "$n" -le 200000 ] || fail "decoded $n allocations"
pass "the first $n allocations decoded in order"
