#!/bin/sh
# Each recommendation fires on a run made to trigger it, names its
# setting, value and evidence, and none fires on the healthy run.
. "$top_srcdir/tests/full/lib.sh"

bg demo healthy --profile healthy
bg demo read --profile healthy --load read
bg demo thrashing --profile thrashing
bg demo leaky --profile leaky
bg demo fragmented --profile fragmented
wait_all
for n in healthy read thrashing leaky fragmented; do full $n $n.trace; done
expect "healthy: recommendations" "[]" "$(q healthy recs)"

# Models read into the heap: map them.
expect_rec read memory-mapping
expect "mapping value" true "$(q read "r['memory-mapping']['value']")"

# A cache too small and too short-lived: capacity from the working set
# (8 models of 2 MiB, a quarter more, in MB), TTL and idle from reuse.
expect_rec thrashing lru-cache-size
expect "cache size" 21_000_000 "$(q thrashing "r['lru-cache-size']['value']")"
expect_rec thrashing cache-ttl
expect_no_rec read lru-cache-size

# Leaks: the biggest site first, by function.
expect_rec leaky fix-leaks
expect_grep "leak site named" leak leaky.json

# Fragmentation: allocator settings.
expect_rec fragmented malloc-trim
expect_rec fragmented malloc-trim-threshold
expect_no_rec leaky malloc-trim
# One thread: however fragmented, no arena to spare (tests/full/07-arenas.sh).
expect_no_rec fragmented malloc-arena-max

# Memory usage past target: limits from the peak.  Past warning or above a
# quarter of the RAM: the model variant for the machine.  Critical: the
# guide's feature flags.  The demo's RSS is small, so the limits move
# down (and --ram plans for a small machine).
full limits healthy.trace --set memory_usage_mb.target=5
expect_rec limits memory-limits
expect_no_rec limits feature-flags
full variant healthy.trace --ram 64MB
expect_rec variant model-variant
expect "small machine" ModelVariant::Lightweight "$(q variant "r['model-variant']['value']")"
mkdir ws
printf '[package]\nname = "ide"\nversion = "0.1.0"\n\n[features]\ndefault = ["core"]\ncore = []\nmemory-optimized = []\n' >ws/Cargo.toml
full flags healthy.trace --workspace-path ws --set memory_usage_mb.target=1 \
	--set memory_usage_mb.good=2 --set memory_usage_mb.warning=3
expect_rec flags feature-flags
expect "default features" 'default = ["core", "memory-optimized"]' \
	"$(q flags "r['feature-flags']['value']")"
expect_rec flags model-variant

# Every recommendation says why, with a measurement; the block to paste
# names its language.
expect "evidence everywhere" True \
	"$(q thrashing "all(x['evidence'] and x['reason'] and x['setting'] for x in d['recommendations'])")"
expect_grep "config block style" "MemoryConfig" thrashing.json
"$MA" --report-type full thrashing.trace >text || fail "text report: exit $?"
expect_grep "text: block to paste" "^let config = MemoryConfig {" text
expect_grep "text: recommendation" "lru-cache-size" text
