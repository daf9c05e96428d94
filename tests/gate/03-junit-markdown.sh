#!/bin/sh
# The outputs for CI systems: JUnit XML valid against the Jenkins xUnit
# schema (tests/gate/fixtures), Markdown with one table row per gate,
# GitHub Actions annotations when GITHUB_ACTIONS is set.
. "$top_srcdir/tests/gate/lib.sh"

command -v xmllint >/dev/null || skip "xmllint (libxml2-utils) is not installed"
rec leaky a
printf 'function:cache_init\nfunction:never_called\n' >supp

run_ma check --max-peak-heap 1MiB --max-leaked 0 --max-allocations 100 --max-peak-rss 1KiB \
	--suppressions supp --junit out.xml --markdown out.md leaky.trace
expect "failing check: exit status" 1 "$rc"
xmllint --noout --schema "$top_srcdir/tests/gate/fixtures/junit-10.xsd" out.xml 2>xmllint.err ||
	{ cat xmllint.err >&2; fail "out.xml does not validate"; }
pass "JUnit XML validates against junit-10.xsd"
expect "testcases" 4 "$(xmllint --xpath 'count(//testcase)' out.xml)"
expect "failures" 2 "$(xmllint --xpath 'string(//testsuite/@failures)' out.xml)"
expect "failed testcase" "FAIL leaked_bytes 4.0 KiB > 0 B: top sites: leak_here (leaky.c:42) 4.0 KiB in 4 blocks" \
	"$(xmllint --xpath 'string(//testcase[@name="leaked_bytes"]/failure/@message)' out.xml)"
expect "passing testcase has no failure" 0 \
	"$(xmllint --xpath 'count(//testcase[@name="peak_heap_bytes"]/failure)' out.xml)"

# Markdown: a heading with the outcome, then a table of five columns,
# one row per gate, then the suppressions.
expect "markdown heading" "## memory-analyzer check: FAIL" "$(sed -n 1p out.md)"
expect "markdown table header" "| Gate | Status | Value | Limit | Details |" \
	"$(grep -m1 '^| Gate' out.md)"
awk -F'|' '/^\| Gate \|/ { t = 1; next }
	t && /^\|---/ { next }
	t && /^\|/ { rows++; if (NF != 7) bad = 1 }
	t && !/^\|/ { t = 0 }
	END { exit !(rows == 4 && !bad) }' out.md || { cat out.md >&2; fail "markdown gate table"; }
pass "markdown: four rows of five cells"
grep -qxF '| `leaked_bytes` | **FAIL** | 4.0 KiB | 0 B | top sites: leak_here (leaky.c:42) 4.0 KiB in 4 blocks |' out.md ||
	{ cat out.md >&2; fail "markdown leaked_bytes row"; }
pass "markdown: the failed leak gate"
grep -qF '| `function:never_called` | '"'supp'"' line 2 | unused |' out.md ||
	{ cat out.md >&2; fail "markdown unused suppression"; }
pass "markdown: unused suppression listed"
if command -v markdown >/dev/null; then
	markdown out.md >out.html && grep -q '<td>' out.html || fail "markdown does not render a table"
	pass "markdown renders"
fi

# A passing run validates too.
run_ma check --max-peak-heap 1MiB --junit pass.xml leaky.trace
expect "passing check: exit status" 0 "$rc"
xmllint --noout --schema "$top_srcdir/tests/gate/fixtures/junit-10.xsd" pass.xml 2>/dev/null ||
	fail "pass.xml does not validate"
expect "no failures" 0 "$(xmllint --xpath 'string(//testsuite/@failures)' pass.xml)"

# GitHub Actions: an error annotation per failed gate.
GITHUB_ACTIONS=true run_ma check --max-leaked 0 --max-peak-heap 1MiB leaky.trace
expect "annotations: exit status" 1 "$rc"
expect_line "error annotation" \
	"::error title=memory gate failed%3A leaked_bytes::FAIL leaked_bytes 4.5 KiB > 0 B: top sites: leak_here (leaky.c:42) 4.0 KiB in 4 blocks, cache_init (leaky.c:36) 512 B in 1 block"
expect "one annotation" 1 "$(grep -c '^::' out)"
run_ma check --max-leaked 0 leaky.trace
expect "no annotations outside GitHub Actions" 0 "$(grep -c '^::' out || true)"
