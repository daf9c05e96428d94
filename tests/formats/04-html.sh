#!/bin/sh
# --format html in headless Chromium: no console error, search and zoom in
# the flame graph, sorted tables, the full report's ratings and
# recommendations in their bands' colours; screenshots are kept in the
# build tree (tests/formats/html-report.png, html-report-full.png).  Then
# a page of 100,000 stacks must load and search in reasonable time.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/formats/lib.sh"

report -f html
mv out report.html
expect_grep "self-contained: no external script" '<script>' report.html
if grep -Eq '<(script|link|img)[^>]* (src|href)=' report.html; then
	fail "the page loads something from outside"
fi
pass "nothing loaded from outside"
cp report.html "$FMT/html-report.html"
python3 "$top_srcdir/tests/formats/html_check.py" small report.html "$FMT/html-report.png" ||
	fail "the page does not work in chromium (above)"

# The full report's ratings and recommendations, each in its band's
# colour: memory usage (16.6 MB of RSS) rated warning by these limits.
"$MA" -t full -f html --ram 16GiB --set memory_usage_mb.target=5 --set memory_usage_mb.good=10 \
	--set memory_usage_mb.warning=20 small.trace >full.html || fail "full html report exited $?"
cp full.html "$FMT/html-report-full.html"
python3 "$top_srcdir/tests/formats/html_check.py" full full.html "$FMT/html-report-full.png" ||
	fail "the full report's page does not work in chromium (above)"

"$FMT/fmt_trace" -n 100000 many.trace || fail "fmt_trace -n could not write many.trace"
"$MA" -f html many.trace >many.html || fail "report of many stacks exited $?"
pass "the page of 100,000 stacks is $(($(wc -c <many.html) / 1024)) KiB"
python3 "$top_srcdir/tests/formats/html_check.py" big many.html ||
	fail "the page of many stacks is too slow or broken (above)"
