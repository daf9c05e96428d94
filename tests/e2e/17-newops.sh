#!/bin/sh
# Every replaceable operator new and delete -- plain, nothrow, aligned,
# aligned nothrow, sized, sized aligned -- and mmap64, each called once
# by name (tests/progs/newops.cc): each recorded under its function with
# its size and alignment, each block released by its delete, no
# mismatch.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/newops"
expect "status" 0 "$rc"
expect "stdout" "newops: done" "$(cat out)"
t=$(one_trace)

sites "$t" | grep -E '^(scalar|array)_ops ' >sites.txt
cat >expected <<'END'
array_ops operator_new[] 124 allocs=1 frees=1
array_ops operator_new[] 132 allocs=1 frees=1
array_ops operator_new[] 140 allocs=1 frees=1
array_ops operator_new[] 148 allocs=1 frees=1
array_ops operator_new[] 156 allocs=1 frees=1
array_ops operator_new[] 172 allocs=1 frees=1
scalar_ops operator_new 24 allocs=1 frees=1
scalar_ops operator_new 32 allocs=1 frees=1
scalar_ops operator_new 40 allocs=1 frees=1
scalar_ops operator_new 48 allocs=1 frees=1
scalar_ops operator_new 56 allocs=1 frees=1
scalar_ops operator_new 72 allocs=1 frees=1
END
expect_file "allocations per call site, function and size" expected sites.txt
for fn in 'operator new' 'operator new[]' 'operator delete' 'operator delete[]'; do
	expect "$fn calls" 6 "$(count functions "$fn" "$t")"
done

# The aligned forms, in call order, and the delete that released each
# block (the next free of its address).
awk '$2 == "alloc" || $2 == "alloc-aligned" {
	if ($0 !~ / fn=operator new/) next
	a = $3; sub(/addr=/, "", a); s = $4; sub(/size=/, "", s)
	al = $0 ~ / alignment=/ ? $NF : "-"; sub(/alignment=/, "", al)
	open[a] = s " " al; next }
$2 == "free" { a = $3; sub(/addr=/, "", a)
	if (a in open) { f = $0; sub(/.* fn=/, "", f); print open[a], f; delete open[a] } }' \
	"$t.dump" | tr ' ' _ | sed 's/_/ /; s/_/ /' >pairs.txt
cat >expected <<'END'
24 - operator_delete
32 - operator_delete
40 64 operator_delete
48 64 operator_delete
56 - operator_delete
72 64 operator_delete
124 - operator_delete[]
132 - operator_delete[]
140 64 operator_delete[]
148 64 operator_delete[]
156 - operator_delete[]
172 64 operator_delete[]
END
expect_file "size, alignment and releasing function of each block" expected pairs.txt

mappings "$t" >maps.txt
printf 'mmap map64 8192 anon\nmunmap 8192\n' >expected
expect_file "the mmap64 mapping" expected maps.txt
expect "mmap64 calls" 1 "$(count functions mmap64 "$t")"

"$MA" --report-type leaks --top 0 --format json "$t" >report.json || fail "report exited $?"
expect "report: mismatched frees, operator new and new[] calls" "0 6 6" "$(python3 -c 'import json
s = json.load(open("report.json"))["summary"]
print(s["mismatched_frees"], s["calls"]["operator new"], s["calls"]["operator new[]"])')"
