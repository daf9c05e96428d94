# Shared by tests/formats/NN-name.sh, after tests/e2e/lib.sh (which gives
# a temporary directory, $MA and the expect helpers).
FMT=$top_builddir/tests/formats
"$FMT/fmt_trace" small.trace || fail "fmt_trace could not write small.trace"

# report ARGS...: memory-analyzer ARGS small.trace into out; fails on a
# non-zero exit.
report() {
	"$MA" "$@" small.trace >out 2>err || { cat err >&2; fail "report $* exited $?"; }
}

# json_field PATH: a number of the JSON report of small.trace (--top 0,
# full), e.g. json_field summary.peak_heap_bytes.
json_field() {
	[ -f full.json ] || "$MA" -t full --top 0 -f json small.trace >full.json
	python3 -c 'import json, sys
v = json.load(open("full.json"))
for k in sys.argv[1].split("."):
    v = v[k]
print(v)' "$1"
}
