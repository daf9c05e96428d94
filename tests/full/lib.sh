# Shared by tests/full/NN-name.sh: tests/e2e/lib.sh, plus recording the
# demo and reading the full report's JSON (python3).
. "$top_srcdir/tests/e2e/lib.sh"

command -v python3 >/dev/null || skip "python3 is needed to read the JSON"
DEMO=$top_builddir/memory-analyzer-demo
# Model files are kept between runs in the build tree: the big ones take
# seconds to write.  The demo writes them under a temporary name and
# renames, so tests running at once share them safely.
MODELS=$top_builddir/tests/full/demo-models
mkdir -p "$MODELS"

# demo NAME ARGS...: records the demo with ARGS into NAME.trace.
demo() {
	name=$1; shift
	"$MA" record -o "$name.trace" -- "$DEMO" --model-dir "$MODELS" "$@" \
		>"$name.out" 2>"$name.err" || { cat "$name.err" >&2; fail "demo $*: exit $?"; }
}

# full NAME TRACE [REPORT-ARGS...]: the full report of TRACE as NAME.json.
full() {
	name=$1; trace=$2; shift 2
	"$MA" --report-type full --format json "$@" "$trace" >"$name.json" 2>"$name.rerr" ||
		{ cat "$name.rerr" >&2; fail "full report of $trace: exit $?"; }
}

# q NAME EXPR: a Python expression over the report d = NAME.json, printed.
q() {
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
m = {x['name']: x for x in d['metrics']}
recs = [r['id'] for r in d['recommendations']]
r = {x['id']: x for x in d['recommendations']}
print($2)" "$1.json"
}

# expect_rating NAME METRIC BAND
expect_rating() {
	got=$(q "$1" "m['$2']['rating']")
	val=$(q "$1" "m['$2']['value']")
	[ "$got" = "$3" ] || fail "$1: $2 = $val rated '$got', expected '$3'"
	pass "$1: $2 = $val is $3"
}

# expect_rec NAME ID / expect_no_rec NAME ID
expect_rec() {
	[ "$(q "$1" "'$2' in recs")" = True ] || fail "$1: no recommendation '$2' ($(q "$1" recs))"
	pass "$1: recommends $2: $(q "$1" "r['$2']['setting'] + ' = ' + r['$2']['value']")"
}
expect_no_rec() {
	[ "$(q "$1" "'$2' in recs")" = False ] || fail "$1: unexpected recommendation '$2'"
	pass "$1: no $2"
}

# bg CMD...: runs CMD in the background; wait_all waits for every such
# run and fails when one failed (a plain `wait` would not).
bg_pids=
bg() {
	"$@" &
	bg_pids="$bg_pids $!"
}
wait_all() {
	for p in $bg_pids; do
		wait "$p" || fail "a run in the background failed (exit $?)"
	done
	bg_pids=
}
