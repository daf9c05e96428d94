#!/bin/sh
# The probe's own allocations: every trace ends with the info records
# "probe-bootstrap" (blocks and bytes of the bootstrap arena, and those
# the program freed) and "probe-internal" (the probe's own calls to the
# real allocator), just before its trailer (docs/trace-format.md).  The
# reports show them apart and never add them to the program's leaks.
# tests/unit/test_report.sh checks the reports on a synthetic trace whose
# arena is busy; this test checks what a real run writes.
. "$top_srcdir/tests/e2e/lib.sh"

export LC_ALL=C
py=$(python3 -c 'import sys; print(sys.executable)')

# own KEY TRACE: the values of TRACE's info records KEY, one a line.
own() { sed -n "s/^ *[0-9.]* info key=\"$1\" value=\"\\(.*\\)\"\$/\\1/p" "$2.dump"; }

# records_ok TRACE: dumps TRACE and checks it has one record of each
# key, in a chunk of their own with the kernel's peak RSS ("peak-rss")
# right before the trailer chunk.
records_ok() {
	dump_ok "$1"
	expect "$1: one probe-bootstrap record" 1 "$(own probe-bootstrap "$1" | wc -l)"
	expect "$1: one probe-internal record" 1 "$(own probe-internal "$1" | wc -l)"
	expect "$1: in a chunk of their own with the peak RSS, then the trailer" \
		"records:3 probe-bootstrap probe-internal peak-rss trailer:1 trailer" "$(awk '
		$1 == "chunk" { k = $0; sub(/.* kind=/, "", k); sub(/ .*/, "", k)
				n = $0; sub(/.* records=/, "", n); sub(/ .*/, "", n)
				print k ":" n; next }
		$2 == "info" { k = $3; sub(/^key="/, "", k); sub(/"$/, "", k); print k; next }
		{ print $2 }' "$1.dump" | tail -6 | tr '\n' ' ' | sed 's/ $//')"
}

# glibc since 2.34 allocates nothing in a dlsym that finds its symbol,
# so the arena hands out nothing; older ones calloc dlsym's error state
# there on the first call.
glibc_new=no
case $(getconf GNU_LIBC_VERSION 2>/dev/null) in
"glibc 2."*)
	minor=$(getconf GNU_LIBC_VERSION | sed 's/glibc 2\.\([0-9]*\).*/\1/')
	[ "$minor" -ge 34 ] && glibc_new=yes ;;
*) skip "not glibc: the bootstrap arena's use is unknown" ;;
esac

# ---- sites: 4280 bytes leaked in 67 blocks, and the probe's own apart
record -- "$PROGS/sites"
expect "sites: status" 0 "$rc"
t=$(one_trace)
records_ok "$t"
boot=$(own probe-bootstrap "$t") internal=$(own probe-internal "$t")
set -- $boot
[ $# = 4 ] || fail "probe-bootstrap: '$boot' is not four numbers"
blocks=$1 bytes=$2 freed=$3 freed_bytes=$4
if [ "$glibc_new" = yes ]; then
	expect "sites: the arena on glibc 2.34 and later" "0 0 0 0" "$boot"
else
	[ "$blocks" -gt 0 ] && [ "$bytes" -gt 0 ] && [ "$freed" -le "$blocks" ] &&
		[ "$freed_bytes" -le "$bytes" ] || fail "sites: arena '$boot' on an older glibc"
	pass "sites: the arena handed out $blocks blocks, $freed freed"
fi
set -- $internal
[ $# = 2 ] || fail "probe-internal: '$internal' is not two numbers"
calls=$1 ibytes=$2
# At least the writer thread's start: glibc callocs its TLS vector.
[ "$calls" -ge 1 ] && [ "$ibytes" -gt 0 ] || fail "sites: probe-internal '$internal'"
pass "sites: probe-internal $calls calls, $ibytes bytes"

"$MA" --report-type leaks --format json "$t" >sites.json || fail "sites: JSON report exited $?"
expect "sites: JSON probe_own and the program's leaks apart" \
	"True $blocks $bytes $freed $freed_bytes $((blocks - freed)) $((bytes - freed_bytes)) $calls $ibytes 4280 67 4280 67" \
	"$("$py" -c '
import json, sys
r = json.load(open(sys.argv[1]))
o, s, t = r["probe_own"], r["summary"], r["leaks_total"]
print(o["recorded"], *[o["bootstrap_" + k] for k in ("blocks", "bytes", "freed_blocks",
      "freed_bytes", "live_blocks", "live_bytes")], o["internal_calls"], o["internal_bytes"],
      s["leaked_bytes"], s["leaked_blocks"], t["bytes"], t["blocks"])' sites.json)"

"$MA" --report-type leaks --no-color "$t" >sites.txt || fail "sites: text report exited $?"
grouped() { "$py" -c 'import sys; print("{:,}".format(int(sys.argv[1])))' "$1"; }
expect_grep "sites: text summary, the program's leaks" \
	'^  leaked             4.18 KiB in 67 blocks$' sites.txt
expect_grep "sites: text summary, the probe's start-up apart" \
	"^  probe start-up     $(grouped $((blocks - freed))) blocks, $(grouped $((bytes - freed_bytes))) bytes live at exit (not in the totals)\$" sites.txt
expect_grep "sites: text summary, the probe's own work" \
	"^  probe internal     $(grouped "$calls") calls, $(grouped "$ibytes") bytes (not in the totals)\$" sites.txt
expect_grep "sites: text leaks, a section of its own" \
	"^Probe start-up blocks, still live (not the program's; not in the totals)\$" sites.txt
expect_grep "sites: text leaks, the arena's numbers" \
	"^  $(grouped $((blocks - freed))) blocks, $(grouped $((bytes - freed_bytes))) bytes at exit (of $(grouped "$blocks") blocks, $(grouped "$bytes") bytes handed out)\$" sites.txt

# ---- forks: each process writes its own; the sum adds them up.  A
# forked child counts the probe's work from the fork (often none: its
# writer thread reuses the cached stack and TLS of the parent's).
record -- "$PROGS/forks" "$PROGS/sites"
expect "forks: status" 0 "$rc"
# The parent, the forked child, the second child up to its exec, and
# the program it exec'd.
expect "forks: traces" 4 "$(traces | wc -l)"
for t in $(traces); do
	records_ok "$t"
done
parent=$(traces | head -1)
child_pid=$(sed -n 's/.* fork child_pid=\([0-9]*\)$/\1/p' "$parent.dump" | head -1)
child=$(trace_of_pid "$child_pid")
[ -n "$child" ] || fail "forks: no trace for the forked child, pid $child_pid"
"$MA" --report-type leaks --format json "$parent" "$child" >both.json ||
	fail "forks: JSON report exited $?"
expect "forks: probe_own of the two is the sum of their records" \
	"$(own probe-bootstrap "$parent") $(own probe-internal "$parent") $(own probe-bootstrap "$child") $(own probe-internal "$child")" \
	"$("$py" -c '
import json, sys
r = json.load(open(sys.argv[1]))
def row(o):
    return [o[k] for k in ("bootstrap_blocks", "bootstrap_bytes", "bootstrap_freed_blocks",
                           "bootstrap_freed_bytes", "internal_calls", "internal_bytes")]
p, c = (row(x["probe_own"]) for x in r["processes"])
assert row(r["probe_own"]) == [a + b for a, b in zip(p, c)], (r["probe_own"], p, c)
print(*(p + c))' both.json)"
# The program's leaks, each process's and their sum, are the known ones:
# the parent's 5 blocks of 100 bytes, the child's 20 of 200 (and the 5
# it inherited, listed apart).
expect "forks: the leaks are the program's" "500 5 4000 20" "$("$py" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(*[x for p in r["processes"] for x in (p["leaks_total"]["bytes"], p["leaks_total"]["blocks"])])
s = [p["summary"]["leaked_bytes"] for p in r["processes"]]
assert r["summary"]["leaked_bytes"] == sum(s), (r["summary"]["leaked_bytes"], s)' both.json)"
