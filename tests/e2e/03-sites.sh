#!/bin/sh
# Three call sites with known allocations (tests/progs/sites.c): totals,
# per-site counts resolved with eu-addr2line, each stack written once,
# and the leak report, grouped by site, function and module.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/sites"
expect "status" 0 "$rc"
t=$(one_trace)

expect "malloc calls" 137 "$(count functions malloc "$t")"
expect "free calls" 70 "$(count functions free "$t")"
expect "alloc records" 137 "$(count records alloc "$t")"
expect "free records" 70 "$(count records free "$t")"
expect "trailer records" 1 "$(count records trailer "$t")"

sites "$t" >sites.txt
cat >expected <<'END'
site_a malloc 48 allocs=100 frees=40
site_b malloc 1024 allocs=30 frees=30
site_c malloc 200 allocs=7 frees=0
END
expect_file "allocations per call site" expected sites.txt
expect "bytes allocated" 36920 "$(awk '$1 == "alloc" { s += $3 } END { print s }' "$t.events")"

# The report: totals and the leaks, each stack's first frame resolving
# to the leaking function.
"$MA" --report-type leaks --top 0 --format json "$t" >report.json ||
	fail "report exited $?"
python3 - >leaks.txt <<'END' || fail "cannot read the JSON report"
import json, sys
r = json.load(open("report.json"))
s = r["summary"]
print("summary", s["allocations"], s["frees"], s["peak_heap_bytes"],
      s["leaked_bytes"], s["leaked_blocks"])
for l in sorted(r["leaks"], key=lambda l: -l["bytes"]):
    f = l["stack"][0]
    print("leak", l["bytes"], l["blocks"], f["module"].rsplit("/", 1)[-1], f["offset"])
END
expect "report summary (allocations frees peak leaked_bytes leaked_blocks)" \
	"summary 137 70 36920 4280 67" "$(sed -n 1p leaks.txt)"
expect "leaks in the report" 2 "$(grep -c '^leak' leaks.txt)"
sed -n 's/^leak //p' leaks.txt | while read -r bytes blocks mod off; do
	echo "$(resolve "$t.dump" "$mod+$off") $bytes $blocks"
done >leaks-resolved.txt
printf 'site_a 2880 60\nsite_c 1400 7\n' >expected
expect_file "leaks by function, bytes and blocks" expected leaks-resolved.txt

# The text report: each leak's count of blocks and its first frame with
# the file:line of the allocating call, found in the source.
"$MA" --report-type leaks --no-color "$t" >report.txt || fail "text report exited $?"
awk '/ in [0-9]+ blocks$/ { b = $(NF - 1); getline
	if ($1 == "at") { f = $3; sub(/.*\//, "", f); sub(/\)$/, "", f); print $2, f, b } }' \
	report.txt >text-leaks.txt
for s in "site_a 48 60" "site_c 200 7"; do
	set -- $s
	echo "$1 sites.c:$(grep -n -F "malloc($2)" "$top_srcdir/tests/progs/sites.c" | cut -d: -f1) $3"
done >expected
expect_file "text report: leaks by function, file:line and blocks" expected text-leaks.txt

# Each distinct stack is written once: no stack id defined twice, and the
# 137 mallocs of the three call sites refer to three stacks.
expect "stack ids defined twice" 0 \
	"$(awk '$2 == "stack" { print $3 }' "$t.dump" | sort | uniq -d | wc -l)"
expect "stacks of the mallocs" 3 "$(awk '$2 == "alloc" && / fn=malloc$/ {
	sub(/.* stack=/, ""); sub(/ .*/, ""); print }' "$t.dump" | sort -u | wc -l)"

# --group-by: whole stacks by default (site_a and site_c, each called
# from main), one frame per function, one per module.
for g in site function module; do
	"$MA" --report-type leaks --top 0 --format json --group-by "$g" "$t" >"by-$g.json" ||
		fail "report --group-by $g exited $?"
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["group_by"], *["%s %s %d %d %d" % (l["stack"][0]["function"],
      l["stack"][0]["module"].rsplit("/", 1)[-1], l["bytes"], l["blocks"], len(l["stack"]))
      for l in r["leaks"]], sep="; ")' "by-$g.json" >"by-$g.txt" ||
		fail "cannot read the JSON report of --group-by $g"
done
expect "--group-by site" "site; site_a sites 2880 60 2; site_c sites 1400 7 2" "$(cat by-site.txt)"
expect "--group-by function" "function; site_a sites 2880 60 1; site_c sites 1400 7 1" \
	"$(cat by-function.txt)"
expect "--group-by module" "module; None sites 4280 67 1" "$(cat by-module.txt)"

# Two static functions of one name in two files are two functions
# (tests/progs/samename: grow in samename.c leaks 30 x 100 bytes, grow in
# samename_b.c 20 x 40); they used to be one group of 50 blocks.
record -- "$PROGS/samename"
expect "samename: status" 0 "$rc"
t=$(one_trace)
"$MA" --report-type leaks --top 0 --format json --group-by function "$t" >same.json ||
	fail "report --group-by function exited $?"
expect "samename: --group-by function" \
	"grow samename.c 3000 30; grow samename_b.c 800 20" \
	"$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(*["%s %s %d %d" % (l["stack"][0]["function"], l["stack"][0]["file"].rsplit("/", 1)[-1],
      l["bytes"], l["blocks"]) for l in r["leaks"]], sep="; ")' same.json)"
