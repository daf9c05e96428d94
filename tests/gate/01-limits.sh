#!/bin/sh
# Each limit of check passes under it and fails over it with exit 1 and a
# verdict naming the value, the limit and the sites responsible.  The
# numbers are those of tests/gate/leaky.c.
. "$top_srcdir/tests/gate/lib.sh"

rec leaky a

# gate LIMIT-OPTION PASSING FAILING PASS-LINE FAIL-LINE
gate() {
	run_ma check "--$1" "$2" leaky.trace
	expect "$1 $2: exit status" 0 "$rc"
	expect_line "$1 $2: verdict" "$4"
	expect_line "$1 $2: summary" "PASS 1 gates passed"
	run_ma check "--$1" "$3" leaky.trace
	expect "$1 $3: exit status" 1 "$rc"
	expect_line "$1 $3: verdict" "$5"
	expect_line "$1 $3: summary" "FAIL 1 of 1 gates failed"
}

gate max-peak-heap 20608 20607 \
	"PASS peak_heap_bytes 20.1 KiB <= 20.1 KiB" \
	"FAIL peak_heap_bytes 20.1 KiB > 20.1 KiB: top sites: peak_work (leaky.c:48) 15.6 KiB in 16 blocks, leak_here (leaky.c:42) 4.0 KiB in 4 blocks, cache_init (leaky.c:36) 512 B in 1 block"
gate max-leaked 4.5KiB 4KiB \
	"PASS leaked_bytes 4.5 KiB <= 4.5 KiB" \
	"FAIL leaked_bytes 4.5 KiB > 4.0 KiB: top sites: leak_here (leaky.c:42) 4.0 KiB in 4 blocks, cache_init (leaky.c:36) 512 B in 1 block"
gate max-leaked-blocks 5 4 \
	"PASS leaked_blocks 5 <= 5" \
	"FAIL leaked_blocks 5 > 4: top sites: leak_here (leaky.c:42) 4.0 KiB in 4 blocks, cache_init (leaky.c:36) 512 B in 1 block"
gate max-allocations 25 24 \
	"PASS allocations 25 <= 25" \
	"FAIL allocations 25 > 24: top sites: peak_work (leaky.c:48) 16 allocations, leak_here (leaky.c:42) 4 allocations, temp_work (leaky.c:56) 4 allocations"
gate max-temporary 20 19.5 \
	"PASS temporary_pct 20.00% <= 20.00%" \
	"FAIL temporary_pct 20.00% > 19.50%: top sites: temp_work (leaky.c:56) 4 temporary, peak_work (leaky.c:48) 1 temporary"

# Peak RSS and fragmentation depend on the system: a generous and an
# impossible limit.
run_ma check --max-peak-rss 64GiB leaky.trace
expect "peak RSS under 64GiB" 0 "$rc"
grep -q '^PASS peak_rss_bytes .* <= 64.0 GiB$' out || fail "peak RSS verdict: $(cat out)"
run_ma check --max-peak-rss 4KiB leaky.trace
expect "peak RSS over 4KiB" 1 "$rc"
grep -q '^FAIL peak_rss_bytes .* > 4.0 KiB: top sites: peak_work (leaky.c:48)' out ||
	fail "peak RSS failure: $(cat out)"
run_ma check --max-fragmentation 100 leaky.trace
expect "fragmentation under 100%" 0 "$rc"
grep -Eq '^(PASS fragmentation_pct .* <= 100.00%|SKIP fragmentation_pct not measured .*)$' out ||
	fail "fragmentation verdict: $(cat out)"

# Blocks live when a process execs are not leaks: the report says
# "not measured", and so do the leak gates, which are skipped.
"$MA" record -o ex.%p.trace -- sh -c 'exec true' >/dev/null 2>rec.err ||
	{ cat rec.err >&2; fail "record sh -c 'exec true' exited $?"; }
pre=$(ls ex.*.trace | grep -v '\.1\.trace$')
run_ma --report-type leaks --format json "$pre"
expect "exec'd image: the report's leaks" "False 0" "$(python3 -c 'import json
r = json.load(open("out")); print(r["leaks_are_leaks"], r["summary"]["leaked_bytes"])')"
run_ma check --max-leaked 0 --max-leaked-blocks 0 "$pre"
expect "exec'd image: exit status" 0 "$rc"
expect "exec'd image: leak gates skipped" 2 \
	"$(grep -c '^SKIP leaked_\(bytes\|blocks\) not measured in pid [0-9]* (' out)"
expect_line "exec'd image: summary" "PASS 0 gates passed"
# Summed, processes that all exec'd have no leaks either: none exited.
"$MA" record -o ee.%p.trace -- sh -c 'exec env -u LD_PRELOAD true' >/dev/null 2>rec.err ||
	{ cat rec.err >&2; fail "record sh -c 'exec env ...' exited $?"; }
expect "two exec'd images: traces" 2 "$(ls ee.*.trace | wc -l)"
run_ma check --max-leaked 0 ee.*.trace
expect "two exec'd images: exit status" 0 "$rc"
expect_line "two exec'd images: the summed leak gate skipped" \
	"SKIP leaked_bytes not measured in all 2 processes"

# Sizes with units: 1GB is 10^9 bytes, 2GiB 2^31.
run_ma check --max-peak-heap 1GB --max-leaked 2GiB leaky.trace
expect "units: exit status" 0 "$rc"
expect_line "units: 1GB" "PASS peak_heap_bytes 20.1 KiB <= 953.7 MiB"
expect_line "units: 2GiB" "PASS leaked_bytes 4.5 KiB <= 2.0 GiB"

# Rated metrics: leaked bytes are "good" by default; with tighter rating
# limits they are critical and --fail-on warning fails.  Fragmentation
# depends on the C library: never rated worse than target here.
loose="--rating fragmentation_pct.warning=101 --rating fragmentation_pct.good=101
	--rating fragmentation_pct.target=101"
# shellcheck disable=SC2086
run_ma check --fail-on warning $loose leaky.trace
expect "fail-on warning, default ratings" 0 "$rc"
expect_line "leaked bytes rated good" \
	"PASS rating:leaked_bytes 4.5 KiB rated good, fails at warning or worse"
run_ma check --fail-on warning --rating leaked_bytes.good=1KiB \
	--rating leaked_bytes.warning=2KiB leaky.trace
expect "fail-on warning, tight ratings" 1 "$rc"
expect_line "leaked bytes rated critical" \
	"FAIL rating:leaked_bytes 4.5 KiB rated critical, failing at warning or worse: top sites: leak_here (leaky.c:42) 4.0 KiB in 4 blocks, cache_init (leaky.c:36) 512 B in 1 block"
run_ma check --fail-on critical --rating leaked_bytes.good=1KiB leaky.trace
expect "fail-on critical, rated warning" 0 "$rc"

# Limits from the workspace config file; options win over it.
mkdir ws
printf '[limits]\npeak_heap = 16KiB\nleaked = 1MiB\n' >ws/.memory-analyzer.conf
run_ma check --workspace-path ws leaky.trace
expect "config: exit status" 1 "$rc"
grep -q '^FAIL peak_heap_bytes 20.1 KiB > 16.0 KiB' out || fail "config peak limit: $(cat out)"
expect_line "config: leaked limit" "PASS leaked_bytes 4.5 KiB <= 1.0 MiB"
run_ma check --config ws/.memory-analyzer.conf --max-peak-heap 1MiB leaky.trace
expect "config overridden by option" 0 "$rc"
expect_line "option wins" "PASS peak_heap_bytes 20.1 KiB <= 1.0 MiB"
# Every limit has its key: the others, just over and just under.
printf '[limits]\npeak_rss = 64GiB\nleaked_blocks = 5\nallocations = 25\ntemporary_pct = 20\nfragmentation_pct = 100\n' \
	>pass.conf
run_ma check --config pass.conf leaky.trace
expect "config, at the limits: exit status" 0 "$rc"
expect_line "config: leaked_blocks" "PASS leaked_blocks 5 <= 5"
expect_line "config: allocations" "PASS allocations 25 <= 25"
expect_line "config: temporary_pct" "PASS temporary_pct 20.00% <= 20.00%"
expect "config: five gates" 5 "$(grep -c '^\(PASS\|SKIP\) [a-z_]* ' out)"
printf '[limits]\nleaked_blocks = 4\nallocations = 24\ntemporary_pct = 19.5\n' >fail.conf
run_ma check --config fail.conf leaky.trace
expect "config, over the limits: exit status" 1 "$rc"
expect_line "config: over leaked_blocks" "FAIL leaked_blocks 5 > 4: top sites: leak_here (leaky.c:42) 4.0 KiB in 4 blocks, cache_init (leaky.c:36) 512 B in 1 block"
expect_line "config: over temporary_pct" "FAIL temporary_pct 20.00% > 19.50%: top sites: temp_work (leaky.c:56) 4 temporary, peak_work (leaky.c:48) 1 temporary"
expect_line "config: summary" "FAIL 3 of 3 gates failed"
