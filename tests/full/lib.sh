# Shared by tests/full/NN-name.sh: tests/e2e/lib.sh, plus recording the
# demo and reading the full report's JSON (python3).
. "$top_srcdir/tests/e2e/lib.sh"

command -v python3 >/dev/null || skip "python3 is needed to read the JSON"
DEMO=$top_builddir/memory-analyzer-demo
# Model files of a few MiB, in the test's own folder: the demo makes the
# missing ones in a moment (under a temporary name, renamed, so runs at
# once share them safely), and they go with the folder at exit.
MODELS=$tmp/models
mkdir -p "$MODELS"

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

# At exit, even a failed one: stop what still runs, then remove the
# folder (traces, reports, model files).
cleanup() {
	for p in $bg_pids ${q_pid:-}; do
		kill "$p" 2>/dev/null || :
	done
	exec 3>&- 4<&-
	wait 2>/dev/null || :
	cd /
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

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

# One python3 answers every query of the test (starting one per query
# was most of the tests' time): a request is the report's path, the
# expression's lines, then a line holding only \036; the answer is one
# line (an error: empty, the traceback on the test's stderr).
mkfifo "$tmp/q.in" "$tmp/q.out"
python3 -c '
import json, sys
for path in sys.stdin:
    lines = []
    for line in sys.stdin:
        if line == "\036\n":
            break
        lines.append(line)
    try:
        d = json.load(open(path.rstrip("\n")))
        m = {x["name"]: x for x in d["metrics"]}
        recs = [r["id"] for r in d["recommendations"]]
        r = {x["id"]: x for x in d["recommendations"]}
        out = str(eval("(" + "".join(lines).strip() + ")"))
    except Exception as e:
        print("q: %s: %r" % ("".join(lines).strip(), e), file=sys.stderr)
        out = ""
    sys.stdout.write(out.replace("\n", "\\n") + "\n")
    sys.stdout.flush()
' <"$tmp/q.in" >"$tmp/q.out" &
q_pid=$!
exec 3>"$tmp/q.in" 4<"$tmp/q.out"

# q NAME EXPR: a Python expression over the report d = NAME.json (m: its
# metrics by name, recs: the recommendation ids, r: them by id), printed.
q() {
	printf '%s\n%s\n\036\n' "$PWD/$1.json" "$2" >&3
	IFS= read -r q_line <&4 || q_line=
	printf '%s\n' "$q_line"
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
