#!/bin/sh
# --format massif: valgrind's ms_print reads it and finds our peak.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/formats/lib.sh"

command -v ms_print >/dev/null || fail "ms_print not found (scripts/install-deps.sh installs valgrind)"
report -f massif
mv out massif.out
ms_print massif.out >ms.txt 2>err || { cat err >&2; fail "ms_print could not read our output"; }
pass "ms_print reads it"

# "Detailed snapshots: [N (peak)]", then the row of snapshot N:
#   n  time(ms)  total(B)  useful-heap(B)  extra-heap(B)  stacks(B)
n=$(sed -n 's/^ Detailed snapshots: \[.*\b\([0-9][0-9]*\) (peak).*/\1/p' ms.txt)
[ -n "$n" ] || { cat ms.txt >&2; fail "ms_print shows no peak snapshot"; }
row=$(awk -v n="$n" '$1 == n && NF == 6 { gsub(",", ""); print; exit }' ms.txt)
peak=$(json_field summary.peak_heap_bytes)
expect "ms_print's peak useful heap" "$peak" "$(echo "$row" | awk '{ print $4 }')"
expect "ms_print's peak time (ms)" 600 "$(echo "$row" | awk '{ print $2 }')"
expect "our peak" 14848 "$peak"
expect_grep "ms_print's heap tree: the biggest site" \
	'^->55.17% (8,192B) 0x[0-9A-F]*: tokenize (.*fmt_trace.c:[0-9]*)$' ms.txt
expect_grep "ms_print's heap tree: its caller" \
	'^| ->55.17% (8,192B) 0x[0-9A-F]*: handle_request ' ms.txt
