#!/bin/sh
# Clear errors: bad limits are usage errors (2); a missing baseline, one
# that is not a baseline and one of another version cannot be read (3).
. "$top_srcdir/tests/gate/lib.sh"

rec leaky a

for cmd in check baseline diff; do
	"$MA" "$cmd" --help >help.out 2>&1 || fail "$cmd --help exited $?"
	grep -q "^Usage: .*$cmd" help.out || fail "$cmd --help has no usage line"
done
pass "check, baseline and diff answer --help"

run_ma check --max-peak-heap 12XB leaky.trace
expect "bad size: exit status" 2 "$rc"
grep -qF "invalid limit for --max-peak-heap: invalid size '12XB'" err || { cat err >&2; fail "bad size message"; }
pass "bad size message"
run_ma check --max-allocations 1.5 leaky.trace
expect "fractional count: exit status" 2 "$rc"
grep -qF "invalid limit for --max-allocations: '1.5' is not a whole number" err ||
	{ cat err >&2; fail "fractional count message"; }
run_ma check --max-temporary ten leaky.trace
expect "bad percentage: exit status" 2 "$rc"
run_ma check --fail-on sometimes leaky.trace
expect "bad --fail-on: exit status" 2 "$rc"
run_ma check leaky.trace
expect "no gate: exit status" 2 "$rc"
expect_err "no gate: message" "memory-analyzer: nothing to check: give a limit (--max-peak-heap...), --baseline with --max-regression, or --fail-on"
run_ma check --max-regression 5 leaky.trace
expect "regression without baseline" 2 "$rc"
run_ma check --max-leaked 0
expect "no trace" 2 "$rc"
mkdir ws
printf '[limits]\npeak_heap = lots\n' >ws/.memory-analyzer.conf
run_ma check --workspace-path ws leaky.trace
expect "bad config: exit status" 2 "$rc"
grep -q "line 2" err || { cat err >&2; fail "bad config names the line"; }

run_ma check --baseline nope.json --max-regression 5 leaky.trace
expect "missing baseline: exit status" 3 "$rc"
expect_err "missing baseline: message" \
	"memory-analyzer: cannot read baseline 'nope.json': No such file or directory"

"$MA" baseline -o base.json leaky.trace || fail "baseline exited $?"
sed 's/"version": 1,/"version": 2,/' base.json >v2.json
run_ma check --baseline v2.json --max-regression 5 leaky.trace
expect "baseline version 2: exit status" 3 "$rc"
expect_err "baseline version 2: message" \
	"memory-analyzer: baseline 'v2.json' is version 2; this memory-analyzer reads version 1: write it again with 'memory-analyzer baseline'"
printf '{"format": "something-else", "version": 1}' >other.json
run_ma check --baseline other.json --max-regression 5 leaky.trace
expect "not a baseline: exit status" 3 "$rc"
head -c 100 base.json >cut.json
run_ma check --baseline cut.json --max-regression 5 leaky.trace
expect "truncated baseline: exit status" 3 "$rc"
grep -q "^memory-analyzer: 'cut.json' is not a valid baseline: line [0-9]* column [0-9]*: " err ||
	{ cat err >&2; fail "truncated baseline message"; }
run_ma check --max-leaked 0 missing.trace
expect "missing trace: exit status" 3 "$rc"
run_ma diff leaky.trace
expect "diff with one input" 2 "$rc"
run_ma diff leaky.trace nope.json
expect "diff with a missing input" 3 "$rc"
