#!/bin/sh
# --format markdown: a summary table, the top leaks and the peak, stacks
# in code blocks.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/formats/lib.sh"

report -f markdown
expect "title" '# Memory report: `model-manager --demo`' "$(head -n 1 out)"
expect_grep "peak in the summary table" '^| peak heap | \*\*14.5 KiB\*\* at 600.0 ms |$' out
expect_grep "leak in the summary table" '^| leaked | \*\*812 B in 2 blocks\*\* |$' out
expect_grep "top leaks" '^## Top leaks$' out
expect_grep "the leak's row" '^| 1 | 812 B | 2 | `leak_buffer` |$' out
expect_grep "peak section" '^## Peak heap by site$' out
expect "code blocks balanced" 0 "$(($(grep -c '^```$' out) % 2))"
expect_grep "stack in a code block" '^at leak_buffer (.*fmt_trace.c:[0-9]*)$' out

# As GitHub renders it (cmark-gfm, tables on): the title, the summary and
# the leak as table cells, the stack in a preformatted block.
command -v cmark-gfm >/dev/null ||
	fail "cmark-gfm, GitHub's Markdown renderer, not found (scripts/install-deps.sh installs it)"
cmark-gfm -e table out >out.html || fail "cmark-gfm cannot render the report"
expect_grep "rendered title" '^<h1>Memory report: <code>model-manager --demo</code></h1>$' out.html
expect_grep "rendered peak" '^<td><strong>14.5 KiB</strong> at 600.0 ms</td>$' out.html
expect_grep "rendered leak row" '^<td><code>leak_buffer</code></td>$' out.html
expect_grep "rendered stack" '^<pre><code>at leak_buffer (.*fmt_trace.c:[0-9]*)$' out.html
