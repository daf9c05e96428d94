#!/bin/sh
# check --per-process rates each process' model metrics from its own
# annotations: a shell runs the demo healthy (95.5 % hits) and then
# thrashing (29 %); each is rated on its own, the shell has nothing to
# rate, and the sum is the full report's.
. "$top_srcdir/tests/full/lib.sh"

record -o run.trace -- sh -c "'$DEMO' --model-dir '$MODELS' --profile healthy >/dev/null &&
	'$DEMO' --model-dir '$MODELS' --profile thrashing >/dev/null"
expect "record: exit status" 0 "$rc"
expect "three traces" 3 "$(traces | wc -l)"
shell=$(traces | sed -n 1p) healthy=$(traces | sed -n 2p) thrashing=$(traces | sed -n 3p)
pid() { sed -n "s|^memory-analyzer: trace written: $1 (pid \\([0-9]*\\))\$|\\1|p" err; }
sp=$(pid "$shell") hp=$(pid "$healthy") tp=$(pid "$thrashing")

rc=0
"$MA" check --per-process --fail-on critical $(traces) >verdicts 2>check.err || rc=$?
expect "check: exit status (thrashing fails)" 1 "$rc"
expect_grep "healthy: its hit rate" \
	"^PASS rating:cache_hit_rate_pct\\[pid $hp\\] 95.5 % rated target, fails at critical or worse\$" verdicts
expect_grep "thrashing: its hit rate" \
	"^FAIL rating:cache_hit_rate_pct\\[pid $tp\\] 29 % rated critical, failing at critical or worse\$" verdicts
expect_grep "healthy: its load time" "^PASS rating:model_load_time_ms\\[pid $hp\\] [0-9.]* ms rated target" verdicts
expect_grep "thrashing: its load time" "^PASS rating:model_load_time_ms\\[pid $tp\\] [0-9.]* ms rated target" verdicts
expect "the shell: no model metric" 0 \
	"$(grep -c "rating:\\(cache_hit_rate_pct\\|model_load_time_ms\\)\\[pid $sp\\]" verdicts || :)"
expect_grep "the shell: its other ratings" "^PASS rating:memory_usage_mb\\[pid $sp\\]" verdicts

# Each process' figures are those of the full report of its trace alone.
full healthy "$healthy"
full thrashing "$thrashing"
full all $(traces)
expect "healthy alone" 95.5 "$(q healthy "m['cache_hit_rate_pct']['value']")"
expect "healthy's models" 6 "$(q healthy "len(m['model_load_time_ms']['models'])")"
expect "thrashing's models" 8 "$(q thrashing "len(m['model_load_time_ms']['models'])")"
expect "healthy's mapped files only" True \
	"$(q healthy "len(d['mapped_files']) > 0 and all(f['path'].endswith('-4mib.bin') for f in d['mapped_files'])")"
# The sum, unchanged: every lookup of both, (382 + 116) / 800.
expect "the run's hit rate" 62.25 "$(q all "m['cache_hit_rate_pct']['value']")"
expect "the run's caches" "498 302" "$(q all "'%d %d' % (m['cache_hit_rate_pct']['caches'][0]['hits'], m['cache_hit_rate_pct']['caches'][0]['misses'])")"
rc=0
"$MA" check --fail-on critical $(traces) >summed 2>check.err || rc=$?
expect "summed check: exit status" 1 "$rc"
expect_grep "summed: the run's hit rate" \
	"^FAIL rating:cache_hit_rate_pct 62.2 % rated critical, failing at critical or worse\$" summed
