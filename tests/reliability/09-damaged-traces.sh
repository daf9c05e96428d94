#!/bin/sh
# The analyzer on damaged traces: a real small trace cut at every byte, and
# one bit flipped in each chunk.  dump and the JSON report never crash or
# hang, exit 3 (unreadable) or 4 (damaged) with one warning that names
# what was lost, and a report of a cut trace never calls a block leaked
# because it did not see the block's free.
. "$top_srcdir/tests/reliability/lib.sh"

record_limited 60 -- "$PROGS/sites"
t=$(one_trace)
cp "$t" whole.trace
dump_ok whole.trace
size=$(stat -c %s whole.trace)
expect "leaked blocks of the whole trace" 67 "$("$MA" --format json whole.trace |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["summary"]["leaked_blocks"])')"

# check TRACE WHAT CMDS: dump and/or the JSON report of a damaged TRACE.
check() {
	for cmd in $3; do
		drc=0
		if [ "$cmd" = dump ]; then
			timeout 20 "$MA" dump "$1" >cut.out 2>cut.err || drc=$?
		else
			timeout 20 "$MA" --format json "$1" >cut.out 2>cut.err || drc=$?
		fi
		case $drc in
		3|4) ;;
		*) cat cut.err >&2; fail "$2: $cmd exited $drc" ;;
		esac
		grep -q 'chunk [0-9]* at offset [0-9]*\|truncated\|no trailer\|not a memory-analyzer trace\|too short\|empty\|header' cut.err ||
			{ cat cut.err >&2; fail "$2: $cmd does not say what was lost"; }
		if [ "$cmd" = json ] && [ "$drc" = 4 ]; then
			grep -q '"damaged": true' cut.out || fail "$2: JSON report not marked damaged"
			! grep -q '"leaked_blocks": [1-9]' cut.out ||
				fail "$2: blocks called leaked in a cut trace"
		fi
	done
}

# Every byte through dump (one process per cut: the files are made at
# once, stderr read with the shell's own read); the report, slower since
# it analyses, at every chunk boundary and its neighbours and every 13th
# byte.  A hang fails the test through the timeout around the whole.
mkdir cuts
python3 -c 'import sys
data = open("whole.trace", "rb").read()
for i in range(len(data)):
    open("cuts/%d" % i, "wb").write(data[:i])'
i=0
while [ "$i" -lt "$size" ]; do
	drc=0
	"$MA" dump "cuts/$i" >/dev/null 2>cut.err || drc=$?
	line=
	read -r line <cut.err || true
	case $drc:$line in
	[34]:"memory-analyzer: "*) ;;
	*) fail "cut at byte $i of $size: dump exited $drc, said '$line'" ;;
	esac
	i=$((i + 1))
done
pass "cut at each of $size bytes: dump exits 3 or 4 with a warning"

awk '$1 == "chunk" { o = $3; sub(/offset=/, "", o); print o - 1; print o; print o + 1; print o + 40 }' \
	whole.trace.dump >boundaries.txt
seq 0 13 "$((size - 1))" >>boundaries.txt
for i in $(sort -nu boundaries.txt); do
	[ "$i" -ge 0 ] && [ "$i" -lt "$size" ] || continue
	check "cuts/$i" "cut at byte $i of $size" "dump json"
done
pass "cut at chunk boundaries and every 13th byte: the report marks damage, claims no leak"

# One bit flipped in the header and in the middle of the payload of each
# chunk: the warning names that chunk.
awk '$1 == "chunk" { o = $3; s = $8; n = $2; sub(/offset=/, "", o); sub(/stored=/, "", s)
	print n, o, s }' whole.trace.dump >chunks.txt
nchunks=0
while read -r n off stored; do
	for pos in $((off + 20)) $((off + 40 + stored / 2)); do
		cp whole.trace flip.trace
		byte=$(od -An -tu1 -j "$pos" -N1 flip.trace | tr -d ' ')
		printf "$(printf '\\%03o' $((byte ^ 4)))" |
			dd of=flip.trace bs=1 seek="$pos" conv=notrunc 2>/dev/null
		check flip.trace "bit flipped at byte $pos (chunk $n)" "json dump"
		[ "$n" = 0 ] || grep -q "chunk $n at offset $off" cut.err ||
			{ cat cut.err >&2; fail "bit flip in chunk $n: warning does not name it"; }
	done
	nchunks=$((nchunks + 1))
done <chunks.txt
pass "a bit flipped in each of $nchunks chunks: named in the warning"
