#!/bin/sh
# fork+exec (tests/progs/forks.c running tests/progs/sites): three
# processes, four images, four complete traces.  The forked child's own
# image ends with an exec trailer, and the program it execs has a trace of
# its own under the same pid, with exactly its allocations.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/forks" "$PROGS/sites"
expect "status" 0 "$rc"
expect "traces named" 4 "$(traces | wc -l)"
parent=$(traces | head -1)
dump_ok "$parent"
execd_pid=$(sed -n 's/.* fork child_pid=\([0-9]*\)$/\1/p' "$parent.dump" | tail -1)
expect "traces of the exec'ing child" 2 "$(trace_of_pid "$execd_pid" | wc -l)"
for t in $(traces); do dump_ok "$t"; done
pass "every trace decodes completely"

# Oldest first: the forked child's image (exit by exec), then the new one.
before=$(trace_of_pid "$execd_pid" | head -1)
execd=$(trace_of_pid "$execd_pid" | tail -1)
expect "image before exec" "$PROGS/forks exec" \
	"$(sed -n 's/.* process .* exe="\([^"]*\)".*/\1/p' "$before.dump") $(
	sed -n 's/.* trailer .*exit=\([a-z_]*\).*/\1/p' "$before.dump")"
expect "exec'd program's exe and flags" "0x2 $PROGS/sites" \
	"$(sed -n 's/.* process .* flags=\(0x[0-9a-f]*\) .* exe="\([^"]*\)".*/\1 \2/p' "$execd.dump")"

sites "$execd" >execd.txt
cat >expected <<'END'
site_a malloc 48 allocs=100 frees=40
site_b malloc 1024 allocs=30 frees=30
site_c malloc 200 allocs=7 frees=0
END
expect_file "exec'd program's allocations" expected execd.txt
expect "exec'd program's malloc calls" 137 "$(count functions malloc "$execd")"
expect "exec'd program's free calls" 70 "$(count functions free "$execd")"
expect "events lost in the exec'd program" 0 \
	"$(sed -n 's/.* trailer .* lost=\([0-9]*\).*/\1/p' "$execd.dump")"

# The report of the parent and both images of the exec'ing child: the
# image that exec'd held only the 5 blocks it inherited (named by the
# parent's function and line), its blocks are not called leaks; the
# exec'd program's leaks are its own.
"$MA" --report-type leaks --top 0 --format json "$parent" "$before" "$execd" >report.json ||
	fail "report exited $?"
python3 -c 'import json
r = json.load(open("report.json"))
def top(s): return "%s %s:%d" % (s[0]["function"], (s[0]["file"] or "?").rsplit("/", 1)[-1], s[0]["line"])
for p in sorted(r["processes"], key=lambda p: (p["exe"], p["exit"] == "exec")):
    print(p["exe"].rsplit("/", 1)[-1], p["exit"], p["leaks_are_leaks"],
          *["%s %d %d %s" % (k, l["bytes"], l["blocks"], top(l["stack"]))
            for k in ("leaks", "live_at_end", "inherited_live") for l in p.get(k) or []])
' >report.txt || fail "cannot read the JSON report"
pa=$(grep -n -F 'malloc(100)' "$top_srcdir/tests/progs/forks.c" | cut -d: -f1)
sa=$(grep -n -F 'malloc(48)' "$top_srcdir/tests/progs/sites.c" | cut -d: -f1)
sc=$(grep -n -F 'malloc(200)' "$top_srcdir/tests/progs/sites.c" | cut -d: -f1)
cat >expected <<END
forks exit True leaks 500 5 parent_work forks.c:$pa
forks exec False inherited_live 500 5 parent_work forks.c:$pa
sites exit True leaks 2880 60 site_a sites.c:$sa leaks 1400 7 site_c sites.c:$sc
END
expect_file "report of the three images: leaks, inherited blocks" expected report.txt

# The sum of the three images: each peak is the sum of each process's,
# which has no time; the JSON's peak RSS is the sum of theirs.
"$MA" "$parent" "$before" "$execd" >report.txt || fail "report exited $?"
sed -n '/^All 3 processes$/,$p' report.txt >sum.txt
grep -q "^  peak heap  *[0-9.]* [KM]\?i\?B (the sum of each process's)$" sum.txt ||
	{ cat sum.txt >&2; fail "the sum's peak heap"; }
grep -q "^  peak RSS  *[0-9.]* MiB.* (the sum of each process's)$" sum.txt ||
	{ cat sum.txt >&2; fail "the sum's peak RSS"; }
pass "the sum's peaks have no time"
"$MA" --format json "$parent" "$before" "$execd" >report.json || fail "report exited $?"
expect "the sum's peak RSS is the sum of each process's" "True" "$(python3 -c 'import json
r = json.load(open("report.json"))
print(r["summary"]["peak_rss_bytes"] == sum(p["summary"]["peak_rss_bytes"] for p in r["processes"]) > 0)')"

# Processes side by side: the sum lasts from the first start to the last
# end, not the sum of the durations (two sleeps of 0.3 s beside their
# shell, which waits for them).
record -o "$PWD/side.%p.trace" -- sh -c 'sleep 0.3 & sleep 0.3; wait'
expect "status of the shell" 0 "$rc"
# shellcheck disable=SC2046
"$MA" --format json $(traces) >side.json || fail "report exited $?"
python3 -c 'import json
r = json.load(open("side.json"))
ps = r["processes"]
start = min(p["start_monotonic_ns"] for p in ps)
end = max(p["start_monotonic_ns"] + p["summary"]["duration_ns"] for p in ps)
each = [p["summary"]["duration_ns"] for p in ps]
d = r["summary"]["duration_ns"]
print(len(ps) >= 3, d == end - start, max(each) <= d < sum(each) * 0.7, d >= 300000000,
      all(p["start_realtime_ns"] > 1600000000 * 10**9 for p in ps))
' >side.txt || fail "cannot read the JSON report"
expect "the sum's duration: the span of the processes" "True True True True True" "$(cat side.txt)"
