#!/bin/sh
# --format collapsed: folded stacks whose weights sum to the JSON report's
# totals, for each --weight.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/formats/lib.sh"

# sum_weights FILE: the sum of the last field of every line.
sum_weights() {
	awk '{ s += $NF } END { printf "%d\n", s }' "$1"
}

check_weight() {
	report -f collapsed --weight "$1"
	expect "collapsed --weight $1: sum of the weights" "$(json_field "$2")" "$(sum_weights out)"
}

check_weight leaked summary.leaked_bytes
check_weight peak summary.peak_heap_bytes
check_weight allocated summary.bytes_allocated
check_weight calls summary.allocations

# The exact lines: outermost frame first, the leak's two blocks together.
report -f collapsed
expect "collapsed: the leak" "main;model_manager_run;handle_request;leak_buffer 812" "$(cat out)"
report -f collapsed --weight peak
expect_grep "collapsed: the peak's biggest site" \
	'^main;model_manager_run;handle_request;tokenize 8192$' out

# A list cut by --top keeps its total in one more line.
report -f collapsed --weight allocated --top 2
expect "collapsed --top 2: lines" 3 "$(wc -l <out)"
expect "collapsed --top 2: the rest" "[other sites] 3860" "$(tail -n 1 out)"
expect "collapsed --top 2: sum" "$(json_field summary.bytes_allocated)" "$(sum_weights out)"

rc=0
"$MA" -f collapsed --weight nothing small.trace >out 2>err || rc=$?
expect "an unknown weight is a usage error" 2 "$rc"
