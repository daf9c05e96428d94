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

# What was decoded is the program's allocations in order.
# Events reach the file when the writer's chunk of the thread reaches
# 1 MiB or a second has passed, or when the thread finds its buffer full;
# killme's 200,000 blocks fill several, and it kills itself well within
# the second, so the last part is lost (docs/reliability.md):
# the i-th block has i % 256 + 1 bytes.  A thread's chunks may land in the
# file out of order (the thread writes one itself when its ring is full),
# so read them in chunk number order.  For the same reason the kill may
# come after the thread wrote a chunk of its own and before the writer
# wrote the one before it (seen on a loaded machine): that chunk's events
# are lost, dump says so in one more line, and the order is checked on
# either side of the hole.
set -- $(awk '$1 == "chunk" { p = $4; sub(/producer=/, "", p); seq = $5; sub(/seq=/, "", seq)
		p += 0; seq += 0; cur = -1
		if (p == 1) { cur = seq; have[seq] = 1; if (seq > max) max = seq }
		next }
	$2 == "alloc" && cur >= 0 { sub(/.*size=/, ""); sub(/ .*/, ""); size[cur, cnt[cur]++] = $0 }
	END { n = 0; ok = 0; holes = 0; again = 0
	      for (s = 0; s <= max; s++) {
		if (!(s in have)) { holes++; again = 1; continue }
		for (i = 0; i < cnt[s]; i++) {
			if (again) { n = size[s, i] - 1; again = 0 }
			if (size[s, i] != n % 256 + 1) { print "gap at " ok; exit }
			n++; ok++ } }
	      print ok + 0, holes }' dump.txt)
case $1 in
gap) fail "decoded allocations: $*" ;;
esac
[ "$1" -gt 1000 ] && [ "$1" -le 200000 ] || fail "decoded $1 allocations"
pass "$1 allocations decoded in order ($2 chunks of the thread missing)"
if [ "$2" -gt 0 ]; then
	expect_grep "dump says chunks are missing" \
		"^memory-analyzer: .*1 producer has missing chunks (their events are lost)" dump-err.txt
	expect "stderr lines of dump" 2 "$(wc -l <dump-err.txt)"
else
	expect "stderr lines of dump" 1 "$(wc -l <dump-err.txt)"
fi
