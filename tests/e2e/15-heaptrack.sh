#!/bin/sh
# The same counts as heaptrack on a deterministic program that allocates
# only through malloc, calloc, realloc and free (tests/progs/htcompare.c):
# calls to allocation functions, blocks released, blocks and bytes
# leaked, each also equal to what the program is known to make.
#
# heaptrack's capture library is used directly (its full command leaves
# an empty file here): LD_PRELOAD of libheaptrack_preload.so writes the
# raw events, heaptrack_interpret turns them into the file heaptrack_print
# reads.  In that file (all numbers hex): "s STRING" (strings from 1),
# "i IP MODULE ..." (from 1, MODULE a string), "t IP PARENT" (traces from
# 1), "a SIZE TRACE" (allocation infos from 0), "+ INFO" an allocation,
# "- INFO" a release of a block heaptrack saw allocated.
#
# One systematic difference, excluded: heaptrack's preload library is
# C++, so under heaptrack libstdc++ is loaded into the program and makes
# its start-up emergency pool (one malloc, outside the program), which
# heaptrack releases at exit (__gnu_cxx::__freeres).  Only allocations
# whose stack passes through the program's executable are compared; the
# others must all be released, so the leaks compare without exclusion.
. "$top_srcdir/tests/e2e/lib.sh"

ht_lib=/usr/lib/heaptrack/libheaptrack_preload.so
ht_interpret=/usr/lib/heaptrack/libexec/heaptrack_interpret
command -v heaptrack_print >/dev/null && [ -f "$ht_lib" ] && [ -x "$ht_interpret" ] ||
	skip "heaptrack is not installed"
prog=$PROGS/htcompare

# Known: 50 malloc + 50 realloc + 20 calloc; 57 free + 50 realloc'd;
# 13 blocks, 3832 bytes leaked.
known="allocations=120 frees=107 leaked_blocks=13 leaked_bytes=3832"

# ---- heaptrack
hrc=0
LD_PRELOAD=$ht_lib DUMP_HEAPTRACK_OUTPUT=$tmp/raw.txt "$prog" >ht-out || hrc=$?
expect "status under heaptrack" 0 "$hrc"
expect "stdout under heaptrack" "htcompare: done" "$(cat ht-out)"
[ -s raw.txt ] || fail "heaptrack wrote no raw data"
"$ht_interpret" <raw.txt >interp.txt 2>interp-stats.txt || fail "heaptrack_interpret exited $?"
awk -v exe="$prog" '
function hex(s,   n, i) {
	n = 0; s = tolower(s)
	for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return n
}
$1 == "s" { ns++; sub(/^s [0-9a-f]+ /, ""); str[ns] = $0; next }
$1 == "i" { ni++; ipmod[ni] = hex($3); next }
$1 == "t" { nt++; tip[nt] = hex($2); tparent[nt] = hex($3); next }
$1 == "a" { asize[na] = hex($2); atrace[na] = hex($3); na++; next }
$1 == "+" || $1 == "-" {
	k = hex($2)
	if (!(k in mine)) {
		mine[k] = 0
		for (t = atrace[k]; t > 0; t = tparent[t])
			if (str[ipmod[tip[t]]] == exe) { mine[k] = 1; break }
	}
	w = mine[k] ? "program" : "other"
	if ($1 == "+") { calls[w]++; live[w] += asize[k]; blocks[w]++ }
	else { frees[w]++; live[w] -= asize[k]; blocks[w]-- }
}
END {
	printf "allocations=%d frees=%d leaked_blocks=%d leaked_bytes=%d\n",
		calls["program"], frees["program"], blocks["program"], live["program"]
	printf "other allocations=%d leaked_blocks=%d leaked_bytes=%d\n",
		calls["other"], blocks["other"], live["other"]
}' interp.txt >ht.txt
expect "heaptrack: the program's counts" "$known" "$(sed -n 1p ht.txt)"
expect "heaptrack: allocations outside the program, all released" \
	"leaked_blocks=0 leaked_bytes=0" "$(sed -n '2s/.* \(leaked_blocks\)/\1/p' ht.txt)"
other=$(sed -n '2s/^other allocations=\([0-9]*\) .*/\1/p' ht.txt)
[ "$other" -le 2 ] || fail "heaptrack: $other allocations outside the program, expected the libstdc++ pool only"

# heaptrack's own totals: heaptrack_print's calls are the program's and
# the excluded ones; heaptrack_interpret's leaked allocations the 13.
heaptrack_print -f interp.txt >print.txt 2>&1 || fail "heaptrack_print exited $?"
expect "heaptrack_print: calls to allocation functions" $((120 + other)) \
	"$(sed -n 's/^calls to allocation functions: \([0-9]*\).*/\1/p' print.txt)"
expect "heaptrack_interpret: leaked allocations" 13 \
	"$(sed -n 's/^[[:space:]]*leaked allocations:[[:space:]]*\([0-9]*\).*/\1/p' interp-stats.txt)"

# ---- memory-analyzer, the same program
record -- "$prog"
expect "status under record" 0 "$rc"
t=$(one_trace)
"$MA" --report-type leaks --top 0 --format json "$t" >report.json || fail "report exited $?"
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print("allocations=%d frees=%d leaked_blocks=%d leaked_bytes=%d" % (
    s["allocations"], s["frees"], s["leaked_blocks"], s["leaked_bytes"]))
c = s["calls"]
print("malloc=%d realloc=%d calloc=%d free=%d" % (c["malloc"], c["realloc"], c["calloc"], c["free"]))
' report.json >ma.txt || fail "cannot read the JSON report"
expect "memory-analyzer: the program's counts" "$known" "$(sed -n 1p ma.txt)"
expect "memory-analyzer: calls per function" "malloc=50 realloc=50 calloc=20 free=57" \
	"$(sed -n 2p ma.txt)"
expect "memory-analyzer and heaptrack agree" "$(sed -n 1p ht.txt)" "$(sed -n 1p ma.txt)"
