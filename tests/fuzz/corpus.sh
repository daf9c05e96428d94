#!/bin/sh
# Runs the fuzz target (built with its plain driver) over the seed corpus
# and every regression input: none may crash.
set -eu
: "${top_builddir:?run through make check}" "${top_srcdir:?run through make check}"
set -- "$top_srcdir"/tests/fuzz/corpus/*
for f in "$top_srcdir"/tests/fuzz/regressions/*; do
	[ -f "$f" ] && set -- "$@" "$f"
done
"$top_builddir/tests/fuzz/fuzz_trace" "$@"
echo "ok: fuzz target over $# inputs"
