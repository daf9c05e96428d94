#!/bin/sh
# malloc-arena-max: fires when more threads allocated at once than the
# value it proposes, and the arenas hold much more than is live -- with
# the numbers of the trace -- and not otherwise; and the setting does
# what the recommendation says it does.
. "$top_srcdir/tests/full/lib.sh"

# The demo's threaded profile: 8 worker threads take the requests in turn,
# each request's 4 MiB of scratch freed in the worker's own arena.
# The main thread alone is a lone recording thread, whose allocator
# statistics come with the writer's wakes, five sampling intervals apart
# (docs/metrics.md): about ten in this half-second run, in step with its
# requests often enough that a median of them once read 0.5 % where the
# heap is two-thirds holes.  Sampled every 2 ms, it has fifty.
main_run() {
	MEMORY_ANALYZER_SAMPLE_MS=2
	export MEMORY_ANALYZER_SAMPLE_MS
	demo main --profile threaded --threads 0
}
bg demo threaded --profile threaded
bg demo two --profile threaded --threads 2
bg demo one --profile threaded --threads 1
bg main_run
wait_all
# The advice taken: the same run with two arenas.
(export MALLOC_ARENA_MAX=2; demo shared --profile threaded)
for n in threaded two one main shared; do full $n $n.trace; done

# The workers change nothing in the results, only where memory lives.
for n in two one main; do
	expect "$n: same results" "$(grep -v '^inference' threaded.out | cksum)" \
		"$(grep -v '^inference' $n.out | cksum)"
done
expect_grep "threaded summary" "^inference: 8 worker threads, 4096 KiB scratch per request$" threaded.out

# Nine threads allocated at once (the main one and 8 workers): up to nine
# arenas, each keeping a freed scratch.
expect_rating threaded fragmentation_pct critical
expect_rec threaded malloc-arena-max
expect "value" 2 "$(q threaded "r['malloc-arena-max']['value']")"
expect "setting" MALLOC_ARENA_MAX "$(q threaded "r['malloc-arena-max']['setting']")"
expect "threads and arenas" True "$(q threaded \
	"'; 9 threads allocated at the same time (9 in all), so up to 9 arenas; ' in r['malloc-arena-max']['evidence']")"
# The allocator's figures are those of the mallinfo2 sample where it held
# the most, as the fragmentation section shows them.
expect "mallinfo2 figures" True "$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
f = d['fragmentation']
h = f['at_most_held']
r = {x['id']: x for x in d['recommendations']}
want = ('when malloc held the most (%.2f s) it held %.1f MB (arenas %.1f MB, mmapped %.1f MB) '
        'for %.1f MB requested: %.1f MB free in its arenas, %.1f MB of it the main heap' % (
    h['time_ns'] / 1e9, h['held_bytes'] / 1e6, f['arena_bytes_at_most_held'] / 1e6,
    f['mmapped_bytes_at_most_held'] / 1e6, h['requested_bytes'] / 1e6, h['free_bytes'] / 1e6,
    h['top_bytes'] / 1e6))
print(want in r['malloc-arena-max']['evidence'])" threaded.json)"
pass "held $(q threaded "d['fragmentation']['at_most_held']['held_bytes']") for $(q threaded "d['fragmentation']['at_most_held']['requested_bytes']") requested"
expect "held much more than live" True \
	"$(q threaded "d['fragmentation']['at_most_held']['held_bytes'] > 4 * d['fragmentation']['at_most_held']['requested_bytes']")"
# The expected effect: the free memory beyond two arenas' share.
expect "effect" True "$(q threaded "r['malloc-arena-max']['effect'].startswith('up to %.1f MB less held by malloc' % ((lambda x: x - x // 9 * 2)(d['fragmentation']['at_most_held']['free_bytes']) / 1e6))")"
expect "in the block to paste" True "$(q threaded "'MALLOC_ARENA_MAX=2' in d['config_block']")"

# Two workers: three threads, three arenas; still more than two.
expect_rec two malloc-arena-max
expect "two workers" True "$(q two "'; 3 threads allocated at the same time (3 in all), so up to 3 arenas; ' in r['malloc-arena-max']['evidence']")"

# One worker, or the main thread alone: the holes are as bad, but at most
# two arenas -- MALLOC_ARENA_MAX=2 would change nothing.  The other
# allocator settings still apply.
expect_rating one fragmentation_pct critical
expect_no_rec one malloc-arena-max
expect_rating main fragmentation_pct critical
expect_no_rec main malloc-arena-max
expect_rec main malloc-trim

# Taken, the advice works: with two arenas malloc held under half as much.
expect "MALLOC_ARENA_MAX=2 holds less" True \
	"$(python3 -c "
import json, sys
a, b = (json.load(open(p))['fragmentation']['at_most_held']['held_bytes'] for p in sys.argv[1:])
print(b < a / 2)" threaded.json shared.json)"
