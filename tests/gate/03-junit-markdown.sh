#!/bin/sh
# The outputs for CI systems: JUnit XML valid against the Jenkins xUnit
# schema (tests/gate/fixtures), Markdown with one table row per gate as
# GitHub renders it (cmark-gfm), GitHub Actions annotations when
# GITHUB_ACTIONS is set.
. "$top_srcdir/tests/gate/lib.sh"

command -v xmllint >/dev/null || skip "xmllint (libxml2-utils) is not installed"
command -v cmark-gfm >/dev/null ||
	fail "cmark-gfm, GitHub's Markdown renderer, not found (scripts/install-deps.sh installs it)"

# rendered FILE.md: FILE.md as GitHub renders it (cmark-gfm, tables on),
# then its headings and the cells of its tables as text, one Python
# literal a line: ['h2', TEXT], then ['table', [[CELL...]...]] with the
# header row first.
rendered() {
	cmark-gfm -e table "$1" >"$1.html" || fail "cmark-gfm cannot render $1"
	python3 - "$1.html" <<'END'
import html.parser, sys

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.head, self.rows = None, None, None
    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "td", "th"):
            self.text = ""
        elif tag == "table":
            self.rows = []
        elif tag == "tr":
            self.rows.append([])
    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            print([tag, self.text])
        elif tag in ("td", "th"):
            self.rows[-1].append(self.text)
        elif tag == "table":
            print(["table", self.rows])
        if tag in ("h1", "h2", "h3", "td", "th"):
            self.text = None
    def handle_data(self, data):
        if self.text is not None:
            self.text += data

P().feed(open(sys.argv[1]).read())
END
}
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
grep -qxF '| `function:never_called` | '"'supp'"' line 2 | unused |' out.md ||
	{ cat out.md >&2; fail "markdown unused suppression"; }
pass "markdown: unused suppression listed"

# As GitHub shows it: the heading, the gate table (header and four rows of
# five cells), the suppressions table.
rendered out.md >out.rendered
cat >expected <<'END'
['h2', 'memory-analyzer check: FAIL']
['table', [['Gate', 'Status', 'Value', 'Limit', 'Details'], ['peak_heap_bytes', 'pass', '20.1 KiB', '1.0 MiB', '20.1 KiB <= 1.0 MiB'], ['peak_rss_bytes', 'FAIL', 'RSS', '1.0 KiB', 'top sites: peak_work (leaky.c:48) 15.6 KiB in 16 blocks, leak_here (leaky.c:42) 4.0 KiB in 4 blocks, cache_init (leaky.c:36) 512 B in 1 block'], ['leaked_bytes', 'FAIL', '4.0 KiB', '0 B', 'top sites: leak_here (leaky.c:42) 4.0 KiB in 4 blocks'], ['allocations', 'pass', '25', '100', '25 <= 100']]]
['h3', 'Leak suppressions']
['table', [['Rule', 'Where', 'Suppressed'], ['function:cache_init', "'supp' line 1", '512 B in 1 block at 1 site'], ['function:never_called', "'supp' line 2", 'unused']]]
END
# The peak RSS depends on the system: its value is left out.
sed -E "s/'peak_rss_bytes', 'FAIL', '[0-9.]+ [KMG]iB'/'peak_rss_bytes', 'FAIL', 'RSS'/" \
	out.rendered >out.rendered.cmp
expect_file "markdown as cmark-gfm renders it" expected out.rendered.cmp

# A C++ template instance's name keeps its <int> (an HTML tag to a
# Markdown renderer unless escaped), * and _.
cp "$top_builddir/tests/gate/leaky_tpl" .
"$MA" record -o tpl.trace -- ./leaky_tpl >/dev/null 2>rec.err || { cat rec.err >&2; fail "record leaky_tpl"; }
run_ma check --max-leaked 0 --markdown tpl.md tpl.trace
expect "template leak: exit status" 1 "$rc"
rendered tpl.md >tpl.rendered
cat >expected <<'END'
['h2', 'memory-analyzer check: FAIL']
['table', [['Gate', 'Status', 'Value', 'Limit', 'Details'], ['leaked_bytes', 'FAIL', '128 B', '0 B', 'top sites: int* keep_blocks_<int>(unsigned long) (leaky_tpl.cc:12) 128 B in 2 blocks']]]
END
expect_file "template leak, rendered" expected tpl.rendered

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
# Data escaped as GitHub's toolkit does ('%' as %25); an unused
# suppression is a warning annotation.
GITHUB_ACTIONS=true run_ma check --max-temporary 1 --suppressions supp leaky.trace
expect "annotations, temporary: exit status" 1 "$rc"
expect_line "'%' escaped" \
	"::error title=memory gate failed%3A temporary_pct::FAIL temporary_pct 20.00%25 > 1.00%25: top sites: temp_work (leaky.c:56) 4 temporary, peak_work (leaky.c:48) 1 temporary"
expect_line "unused suppression annotated" \
	"::warning title=unused leak suppression::function:never_called ('supp' line 2) matched no leak"
