#!/bin/sh
# Limits from the workspace's .memory-analyzer.conf, --config and --set
# change the ratings; a malformed file is an error naming its line.
. "$top_srcdir/tests/full/lib.sh"

demo healthy --profile healthy
mkdir ws
full default healthy.trace --workspace-path ws
expect_rating default cache_hit_rate_pct target
expect_rating default memory_usage_mb target

cat >ws/.memory-analyzer.conf <<'CONF'
# stricter than the guide
[ratings.cache_hit_rate_pct]
target = 99
good = 97
warning = 96

[ratings.memory_usage_mb]
target = 1
good = 2
CONF
full strict healthy.trace --workspace-path ws
expect_rating strict cache_hit_rate_pct critical
expect_rating strict memory_usage_mb warning
expect "origin named" True \
	"$(q strict "m['cache_hit_rate_pct']['limits']['origin']['target'].endswith(\"ws/.memory-analyzer.conf' line 3\")")"

# --set comes after the file and wins; both spellings.
full set healthy.trace --workspace-path ws --set ratings.cache_hit_rate_pct.warning=90 \
	--set cache_hit_rate_pct.good=95 --set cache_hit_rate_pct.target=95.4
expect_rating set cache_hit_rate_pct target
# --config names another file. The hit rate comes from the demo's
# counters, the same in every run (the heap's fragmentation is not: it
# depends on when the probe's samples fall).
printf '[ratings.cache_hit_rate_pct]\ntarget = 99\ngood = 98\nwarning = 95\n' >other.conf
full other healthy.trace --config other.conf
expect_rating other cache_hit_rate_pct warning
expect "other: origin named" True \
	"$(q other "m['cache_hit_rate_pct']['limits']['origin']['warning'].endswith(\"other.conf' line 4\")")"

# Malformed: exit 2, one line naming file and line.
printf '[ratings.memory_usage_mb]\ngood = 800\nthis is not a setting\n' >ws/.memory-analyzer.conf
rc=0; "$MA" --report-type full --workspace-path ws healthy.trace >out 2>err || rc=$?
expect "malformed: exit" 2 "$rc"
expect_grep "malformed: line named" "^memory-analyzer: '.*ws/.memory-analyzer.conf' line 3: " err
printf '[ratings.memory_mb]\ngood = 800\n' >ws/.memory-analyzer.conf
rc=0; "$MA" --report-type full --workspace-path ws healthy.trace >out 2>err || rc=$?
expect "unknown metric: exit" 2 "$rc"
expect_grep "unknown metric named" "line 2: unknown metric 'memory_mb'" err
printf '[ratings.memory_usage_mb]\ngood = 100\n' >ws/.memory-analyzer.conf
rc=0; "$MA" --report-type full --workspace-path ws healthy.trace >out 2>err || rc=$?
expect "out of order: exit" 2 "$rc"
expect_grep "out of order named" "line 2: memory_usage_mb: good (100) must be at least target (500)" err
rc=0; "$MA" --report-type full --set memory_usage_mb.good=lots healthy.trace >out 2>err || rc=$?
expect "bad --set: exit" 2 "$rc"
expect_grep "bad --set named" "memory_usage_mb limits are numbers, not 'lots'" err
rc=0; "$MA" --report-type full --ram 0 healthy.trace >out 2>err || rc=$?
expect "bad --ram: exit" 2 "$rc"
