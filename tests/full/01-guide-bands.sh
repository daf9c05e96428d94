#!/bin/sh
# The memory guide's four metrics, each in each of its four bands, from
# real runs of the demo.  One exception, said where it is made: memory
# usage above 2000 MB would take gigabytes and minutes here, so its
# critical band is shown by moving the limits under a real measurement.
. "$top_srcdir/tests/full/lib.sh"

# The slow ones run at once: sleeps (load times).
bg demo load_good --load-delay-ms 1500 --requests 40
bg demo load_warn --profile slow-load --requests 40
bg demo load_crit --load-delay-ms 5300 --requests 40
# Memory: models of 2 MiB, each taking 100 MiB once read (--expand 50).
bg demo mem_good --models 6 --model-size 2 --expand 50 --load read --cache-capacity 6 \
	--hot-models 6 --requests 60
wait_all
bg demo mem_warn --models 11 --model-size 2 --expand 50 --load read --cache-capacity 11 \
	--hot-models 11 --requests 80
bg demo healthy --profile healthy
bg demo hit_good --cache-capacity 3
bg demo hit_warn --hot-pct 80
bg demo thrashing --profile thrashing
wait_all
demo frag_good --profile fragmented --fragment-keep-pct 85
demo frag_warn --profile fragmented --fragment-keep-pct 72
demo frag_crit --profile fragmented
for n in load_good load_warn load_crit mem_good mem_warn healthy hit_good hit_warn \
	thrashing frag_good frag_warn frag_crit; do
	full $n $n.trace
done

expect_rating healthy memory_usage_mb target
expect_rating mem_good memory_usage_mb good
expect_rating mem_warn memory_usage_mb warning
# Limits moved (1/3 of the defaults) so the real ~1.2 GB lands above warning.
full mem_crit mem_warn.trace --set memory_usage_mb.target=166 \
	--set memory_usage_mb.good=333 --set memory_usage_mb.warning=666
expect_rating mem_crit memory_usage_mb critical

expect_rating healthy model_load_time_ms target
expect_rating load_good model_load_time_ms good
expect_rating load_warn model_load_time_ms warning
expect_rating load_crit model_load_time_ms critical
# The slowest load is the metric; each model's loads are listed beside it.
expect "slowest model" complete-small \
	"$(q load_crit "max(m['model_load_time_ms']['models'], key=lambda x: x['slowest_ms'])['model']")"
expect "its loads listed" True "$(q load_crit "[x['loads'] >= 1 and x['slowest_ms'] >= 5300 for x in m['model_load_time_ms']['models'] if x['model'] == 'complete-small'][0]")"

expect_rating healthy cache_hit_rate_pct target
expect_rating hit_good cache_hit_rate_pct good
expect_rating hit_warn cache_hit_rate_pct warning
expect_rating thrashing cache_hit_rate_pct critical
# The demo counts its own hits; the report must agree exactly.
expect "healthy hit rate" 95.5 "$(q healthy "m['cache_hit_rate_pct']['value']")"
expect "thrashing hit rate" 29 "$(q thrashing "m['cache_hit_rate_pct']['value']")"

expect_rating healthy fragmentation_pct target
expect_rating frag_good fragmentation_pct good
expect_rating frag_warn fragmentation_pct warning
expect_rating frag_crit fragmentation_pct critical
