#!/bin/sh
# --format html in headless Firefox: no console error; search, zoom and a
# sorted table give what they give in Chromium (tests/formats/04-html.sh);
# the screenshot is kept in the build tree
# (tests/formats/html-report-firefox.png).
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/formats/lib.sh"

report -f html
mv out report.html
python3 "$top_srcdir/tests/formats/html_check.py" firefox report.html \
	"$FMT/html-report-firefox.png" || fail "the page does not work in firefox (above)"
