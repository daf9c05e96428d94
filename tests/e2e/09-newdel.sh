#!/bin/sh
# C++ new and delete in all their forms (tests/progs/newdel.cc), and one
# block made by new and released by free.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/newdel"
expect "status" 0 "$rc"
t=$(one_trace)

sites "$t" | grep -E '^(plain|array|aligned|nothrow|leak)_new |^mismatch ' >sites.txt
cat >expected <<'END'
aligned_new operator_new 64 allocs=3 frees=3
array_new operator_new[] 100 allocs=4 frees=4
leak_new operator_new 24 allocs=1 frees=0
mismatch operator_new 24 allocs=1 frees=1
nothrow_new operator_new[] 77 allocs=2 frees=2
plain_new operator_new 24 allocs=10 frees=10
END
expect_file "allocations per call site" expected sites.txt

expect "operator new calls" 15 "$(count functions 'operator new' "$t")"
expect "operator new[] calls" 6 "$(count functions 'operator new[]' "$t")"
expect "operator delete calls" 13 "$(count functions 'operator delete' "$t")"
expect "operator delete[] calls" 6 "$(count functions 'operator delete[]' "$t")"
expect "free calls (the mismatch)" 1 "$(count functions free "$t")"
expect "aligned new records" 3 "$(grep -c ' alloc-aligned .* size=64 .* fn=operator new alignment=64$' "$t.dump")"

# The JSON report: calls per function as in the trace, one mismatched
# free, and the mismatch listed with the allocating function's stack.
"$MA" --report-type leaks --top 0 --format json "$t" >report.json || fail "report exited $?"
python3 -c 'import json
r = json.load(open("report.json")); s = r["summary"]
for k in ("operator new", "operator new[]", "operator delete", "operator delete[]", "free"):
    print("calls", k.replace(" ", "_"), s["calls"][k])
print("mismatched_frees", s["mismatched_frees"])
for m in r["mismatches"]:
    print("mismatch", m["allocated_with"].replace(" ", "_"), m["released_with"],
          m["count"], m["bytes"], m["stack"][0]["function"], m["stack"][1]["function"])
' >report.txt || fail "cannot read the JSON report"
for fn in 'operator new' 'operator new[]' 'operator delete' 'operator delete[]' free; do
	expect "report: $fn calls" "$(count functions "$fn" "$t")" \
		"$(sed -n "s/^calls $(echo "$fn" | tr ' ' _ | sed 's/\[/\\[/; s/\]/\\]/') //p" report.txt)"
done
expect "report: mismatched frees" 1 "$(sed -n 's/^mismatched_frees //p' report.txt)"
expect "report: mismatches" "mismatch operator_new free 1 24 mismatch main" \
	"$(grep '^mismatch ' report.txt)"
