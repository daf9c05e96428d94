#!/bin/sh
# diff matches sites by symbols: two builds of one program with different
# code layout (-O0 and an extra function) have different addresses and
# the same sites; a build that leaks more shows what changed.
. "$top_srcdir/tests/gate/lib.sh"

rec ref a
rec o0 o0
rec more more

a1=$(nm a/leaky | awk '$3 == "leak_here" { print $1 }')
a2=$(nm o0/leaky | awk '$3 == "leak_here" { print $1 }')
[ -n "$a1" ] && [ "$a1" != "$a2" ] || fail "the builds should place leak_here apart ($a1, $a2)"
pass "leak_here at $a1 and at $a2"

run_ma diff ref.trace o0.trace
expect "diff: exit status" 0 "$rc"
expect_line "every site matched" \
	"sites, matched by function, file and module: 4 same, 0 changed, 0 new, 0 gone"

run_ma diff --format json ref.trace o0.trace
expect "diff json: exit status" 0 "$rc"
python3 - out <<'END' || fail "diff --format json"
import json, sys
d = json.load(open(sys.argv[1]))
st = sorted((s["function"], s["status"]) for s in d["sites"])
assert st == [("cache_init", "same"), ("leak_here", "same"), ("peak_work", "same"),
              ("temp_work", "same")], st
m = {x["name"]: x for x in d["metrics"]}
assert m["leaked_bytes"]["old"] == m["leaked_bytes"]["new"] == 4608, m
END
pass "diff json: the four sites matched"

run_ma baseline -o base.json ref.trace
run_ma diff base.json more.trace
expect "baseline against trace: exit status" 0 "$rc"
expect_line "changed site" \
	"  changed leak_here (leaky.c:42, leaky): leaked_bytes 4.0 KiB -> 5.0 KiB, leaked_blocks 4 -> 5, peak_bytes 4.0 KiB -> 5.0 KiB, peak_blocks 4 -> 5, allocations 4 -> 5, allocated_bytes 4.0 KiB -> 5.0 KiB"
grep -q '^  leaked_bytes  *4.5 KiB  *5.5 KiB  +22.22%$' out || { cat out >&2; fail "metric line"; }
pass "leaked_bytes +22.22%"

# Two baselines, of the two layouts: the same four sites.
run_ma baseline -o o0.json o0.trace
expect "baseline of the -O0 build" 0 "$rc"
run_ma diff base.json o0.json
expect "baseline against baseline: exit status" 0 "$rc"
expect_line "baselines matched by symbol" \
	"sites, matched by function, file and module: 4 same, 0 changed, 0 new, 0 gone"
