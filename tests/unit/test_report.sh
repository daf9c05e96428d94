#!/bin/sh
# The report command on traces written by make_analysis_trace: exact
# numbers in the JSON report (parsed back with python3), the text report,
# exit codes for missing, foreign, truncated and damaged traces, --help.
set -u
: "${top_builddir:=.}"
ma=$top_builddir/memory-analyzer
mk=$top_builddir/tests/unit/make_analysis_trace
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# run EXPECTED-CODE ARGS...: report in out, messages in err
run() {
	want=$1
	shift
	"$ma" "$@" >out 2>err
	code=$?
	[ "$code" = "$want" ] || fail "$*: exit $code, expected $want ($(cat err))"
}

"$mk" leaks leaks.trace && "$mk" cut cut.trace || exit 99

run 0 --report-type full --format json leaks.trace
python3 - out <<'PY' || fail "JSON report of leaks.trace"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
assert r["schema_version"] == 1, r["schema_version"]
assert (s["allocations"], s["frees"]) == (7, 2), s
assert s["peak_heap_bytes"] == 1320 and s["peak_heap_time_ns"] == 12000, s
assert s["peak_rss_bytes"] == 1 << 20, s
assert (s["leaked_bytes"], s["leaked_blocks"]) == (1310, 5), s
assert s["mismatched_frees"] == 1 and s["calls"]["operator new"] == 1, s
leaks = [(l["bytes"], l["blocks"]) for l in r["leaks"]]
assert leaks == [(1000, 1), (300, 3), (10, 1)], leaks
for l in r["leaks"] + r["peak"]:
    for f in l["stack"]:
        assert set(f) >= {"function", "file", "line", "module", "inlined"}, f
assert r["leaks"][0]["stack"][0]["module"] == "/usr/bin/prog"
assert r["leaks"][0]["stack"][0]["offset"] == "0x2000"
assert sum(p["bytes"] for p in r["peak"]) == 1320, r["peak"]
m = r["mismatches"][0]
assert (m["allocated_with"], m["released_with"], m["bytes"]) == ("operator new", "free", 8)
assert len(r["processes"]) == 1 and r["processes"][0]["pid"] == 4242
assert r["processes"][0]["complete"] is True
assert len(r["timeline"]) > 0
PY

# The probe's own blocks (its info records): shown apart, in no total.
python3 - out <<'PY' || fail "JSON report of leaks.trace: the probe's own blocks"
import json, sys
r = json.load(open(sys.argv[1]))
o = r["probe_own"]
assert o == {"recorded": True, "bootstrap_blocks": 3, "bootstrap_bytes": 1234,
             "bootstrap_freed_blocks": 1, "bootstrap_freed_bytes": 100,
             "bootstrap_live_blocks": 2, "bootstrap_live_bytes": 1134,
             "internal_calls": 5, "internal_bytes": 700}, o
assert r["processes"][0]["probe_own"] == o
s = r["summary"]
assert (s["leaked_bytes"], s["leaked_blocks"]) == (1310, 5), s
assert (r["leaks_total"]["bytes"], r["leaks_total"]["blocks"]) == (1310, 5), r["leaks_total"]
assert (s["live_bytes_end"], s["allocations"], s["bytes_allocated"]) == (1310, 7, 1328), s
PY
run 0 -t leaks leaks.trace
grep -q '^  probe start-up     2 blocks, 1,134 bytes live at exit (not in the totals)$' out ||
	fail "text summary: no 'probe start-up' line"
grep -q '^  probe internal     5 calls, 700 bytes (not in the totals)$' out ||
	fail "text summary: no 'probe internal' line"
grep -q "^Probe start-up blocks, still live (not the program's; not in the totals)\$" out ||
	fail "text leaks: no section for the probe's own blocks"
grep -q '^  2 blocks, 1,134 bytes at exit (of 3 blocks, 1,234 bytes handed out)$' out ||
	fail "text leaks: the probe's own blocks"
grep -q '^  leaked             1.28 KiB in 5 blocks$' out ||
	fail "text summary: the leaks are not the program's alone"

# Snapshots at the peak and at the end and their difference, the size
# histogram, the top sites by calls and by bytes, the temporary block,
# a timeline of 100 points; --top 1 shortens the lists, not the totals.
run 0 -t full -f json --snapshot-at peak --snapshot-at end leaks.trace
python3 - out <<'PY' || fail "JSON report: snapshots, allocations, timeline"
import json, sys
r = json.load(open(sys.argv[1]))
def sites(l): return [(x["bytes"], x["blocks"], x["stack"][0]["offset"]) for x in l]
peak, end = r["snapshots"]
assert (peak["label"], peak["taken"], peak["time_ns"]) == ("peak", True, 12000), peak
assert (peak["total"]["bytes"], peak["total"]["blocks"]) == (1320, 6), peak["total"]
assert sites(peak["sites"]) == [(1000, 1, "0x2000"), (300, 3, "0x1000"), (20, 2, "0x3000")]
assert (end["label"], end["taken"], end["time_ns"]) == ("end", True, 20000), end
assert (end["total"]["bytes"], end["total"]["blocks"]) == (1310, 5), end["total"]
d = [(x["delta_bytes"], x["delta_blocks"], x["bytes"], x["blocks"], x["stack"][0]["offset"])
     for x in r["snapshot_diff"]]
assert d == [(-10, -1, 10, 1, "0x3000")], d
a = r["allocations"]
h = [(b["min"], b["max"], b["count"]) for b in a["size_histogram"]]
assert h == [(8, 15, 3), (64, 127, 3), (512, 1023, 1)], h
calls = [(x["calls"], x["allocated_bytes"], x["stack"][0]["offset"]) for x in a["top_by_calls"]]
assert calls == [(3, 300, "0x1000"), (2, 20, "0x3000"), (1, 1000, "0x2000"), (1, 8, "0x4000")], calls
by = [(x["allocated_bytes"], x["stack"][0]["offset"]) for x in a["top_by_bytes"]]
assert by == [(1000, "0x2000"), (300, "0x1000"), (20, "0x3000"), (8, "0x4000")], by
assert sites(r["temporary"]) == [(8, 1, "0x4000")], r["temporary"]
t = r["timeline"]
assert len(t) == 100 and t[-1]["time_ns"] == 20000, (len(t), t[-1])
assert max(p["heap_bytes"] for p in t) == 1320 and t[-1]["heap_bytes"] == 1310, t
assert t[-1]["rss_bytes"] == 1 << 20, t[-1]
assert [p["time_ns"] for p in t] == sorted(p["time_ns"] for p in t)
PY
run 0 -t full -f json --top 1 leaks.trace
python3 - out <<'PY' || fail "JSON report with --top 1"
import json, sys
r = json.load(open(sys.argv[1]))
assert [(l["bytes"], l["blocks"]) for l in r["leaks"]] == [(1000, 1)], r["leaks"]
assert (r["leaks_total"]["bytes"], r["leaks_total"]["blocks"], r["leaks_total"]["shown"]) == (1310, 5, 1)
assert len(r["peak"]) == 1 and r["peak_total"]["bytes"] == 1320
assert len(r["allocations"]["top_by_calls"]) == 1
PY
run 0 -t leaks --top 1 leaks.trace
[ "$(grep -c '^  #[0-9]' out)" = 2 ] || fail "--top 1: not one leak and one mismatch in the text"
grep -q '^  \.\.\. 2 more (--top to see them)$' out || fail "--top 1: the leaks left out are not counted"

# Each report type: its sections in the text, its keys in the JSON.
for spec in "summary:Summary:" \
	"leaks:Summary Leaks Probe Mismatched:leaks" \
	"peak:Summary Peak:peak" \
	"allocations:Summary Top Top Allocation:allocations" \
	"temporary:Summary Temporary:temporary" \
	"timeline:Summary Timeline:timeline"; do
	type=${spec%%:*} rest=${spec#*:}
	run 0 -t "$type" --no-color leaks.trace
	got=$(grep -E '^[A-Z]' out | awk '{ print $1 }' | tr '\n' ' ')
	[ "$got" = "${rest%%:*} " ] || fail "-t $type: sections '$got', expected '${rest%%:*}'"
	run 0 -t "$type" -f json leaks.trace
	got=$(python3 -c 'import json, sys
r = json.load(open("out"))
print(r["report_type"], *[k for k in ("leaks", "peak", "allocations", "temporary", "timeline") if k in r])')
	[ "$got" = "$(echo "$type ${rest#*:}" | sed 's/ $//')" ] || fail "-t $type -f json: '$got'"
done

# Two traces: each process, and the sum at the top level.
cp leaks.trace again.trace
run 0 -t leaks -f json leaks.trace again.trace
python3 - out <<'PY' || fail "JSON report of two traces"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["process_count"] == 2 and len(r["processes"]) == 2
assert r["summary"]["leaked_bytes"] == 2620, r["summary"]
assert [(l["bytes"], l["blocks"]) for l in r["leaks"]] == [(2000, 2), (600, 6), (20, 2)]
o = r["probe_own"]
assert (o["bootstrap_live_blocks"], o["bootstrap_live_bytes"], o["internal_calls"]) == (4, 2268, 10), o
PY

# No trailer: the report is made, nothing is called leaked, exit 4.
run 4 -t leaks -f json cut.trace
grep -q "warning: 'cut.trace' is damaged or incomplete" err || fail "no warning for cut.trace"
python3 - out <<'PY' || fail "JSON report of cut.trace"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["damaged"] is True and r["leaks"] == [] and not r["leaks_are_leaks"]
assert r["summary"]["leaked_bytes"] == 0 and r["summary"]["live_bytes_end"] == 1310
assert sum(l["bytes"] for l in r["live_at_end"]) == 1310
assert r["probe_own"]["recorded"] is False, r["probe_own"]
PY

# unreadable LINE: err is that one line, nothing on stdout.
unreadable() {
	[ "$(wc -l <err)" = 1 ] && [ "$(cat err)" = "$1" ] ||
		fail "expected the one line '$1' on stderr, got '$(cat err)'"
	[ ! -s out ] || fail "a report on stdout with '$1'"
}

# Cut in the middle of the last chunk: the report up to the damage, one
# warning naming the chunk and what was lost.
size=$(wc -c <leaks.trace)
head -c $((size - 30)) leaks.trace >damaged.trace
run 4 damaged.trace
[ "$(wc -l <err)" = 1 ] && grep -q "^memory-analyzer: warning: 'damaged.trace' is damaged or incomplete: chunk [0-9]* at offset [0-9]*: truncated, [0-9]* of [0-9]* header bytes present; [0-9]* bytes after it were not read\$" err ||
	fail "damaged.trace: not the one warning expected: $(cat err)"
grep -q "^Summary" out || fail "no report for damaged.trace"

# Text: the sections asked for, no colour into a file.
run 0 -t full --snapshot-at 0.005ms --snapshot-at end leaks.trace
for title in Summary Leaks "Peak heap by site" "Snapshot at 5 us" "Snapshot at end" \
	"Difference from 5 us to end" "Temporary allocations" "Allocation sizes" Timeline; do
	grep -q "^$title" out || fail "text report lacks '$title'"
done
grep -q "$(printf '\033')" out && fail "colour in a file"
awk 'length > 80 { exit 1 }' out || fail "text report wider than 80 columns"

# Inputs that cannot be read at all: exit 3, one line saying why, no
# report.
run 3 missing.trace
unreadable "memory-analyzer: cannot read 'missing.trace': No such file or directory"
head -c 4096 /dev/urandom >random.trace
printf '\001' | dd of=random.trace bs=1 conv=notrunc 2>/dev/null
run 3 random.trace
unreadable "memory-analyzer: cannot read 'random.trace': not a memory-analyzer trace (bad magic)"
printf 'hello' >short.trace
run 3 short.trace
unreadable "memory-analyzer: cannot read 'short.trace': not a memory-analyzer trace (bad magic)"
printf 'plain text, not a trace\n' >text.trace
run 3 text.trace
unreadable "memory-analyzer: cannot read 'text.trace': not a memory-analyzer trace (bad magic)"
{ printf '\211MATRACE\007\000\000\000\000\000\000\000'; tail -c +17 leaks.trace; } >v7.trace
run 3 v7.trace
unreadable "memory-analyzer: cannot read 'v7.trace': trace format version 7 is not supported (this build reads versions 2 to 3)"
mkdir dir.trace
run 3 dir.trace
unreadable "memory-analyzer: cannot read 'dir.trace': is a directory"

# Usage errors: exit 2.
run 2 --report-type nonsense leaks.trace
run 2 --format xml leaks.trace
run 2 --group-by line leaks.trace
run 2 --snapshot-at 1s --snapshot-at 2s --snapshot-at 3s leaks.trace
run 2

# --workspace-path takes the newest trace.
mkdir -p ws/.memory-analyzer/traces
cp leaks.trace ws/.memory-analyzer/traces/old.trace
touch -d '2000-01-01' ws/.memory-analyzer/traces/old.trace
cp cut.trace ws/.memory-analyzer/traces/new.trace
run 4 --workspace-path ws
grep -q "new.trace" err || fail "--workspace-path did not take the newest trace"

# --help lists the options and the subcommands.
run 0 --help
for word in --report-type --snapshot-at record dump; do
	grep -q -- "$word" out || fail "--help lacks $word"
done

[ "$fails" = 0 ] || exit 1
echo "test_report.sh: all passed"
