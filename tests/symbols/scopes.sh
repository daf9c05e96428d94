#!/bin/sh
# The symbolizer's one walk for the scopes holding an address
# (lib/symbols_scopes.c) gives what libdw's dwarf_getscopes and
# dwarf_getscopes_die give, on every line-table address of binaries built
# here with optimisation and debug information: the analyzer (C, much
# inlining; and after dwz, with imported partial units), the fixtures
# with inlined calls and C++ namespaces and classes, and python3 when it
# carries its own DWARF (a pyenv build does; Debian's is stripped).
set -u
: "${top_builddir:=.}"
check=$top_builddir/tests/symbols/scopes_check
files="$top_builddir/memory-analyzer"
for f in sym_inline sym_cxx; do
	files="$files $top_builddir/tests/symbols/.libs/$f.so"
done
"$check" $files || exit 1
# The analyzer again after dwz: its units import partial units
# (DW_TAG_imported_unit), which the walk goes through as libdw does.
# dwz moves types and declarations there, no code: a scope found in a
# partial unit, whose chain starts at that unit's root, is not reached
# by this check (removing that handling changes nothing here).
if command -v dwz >/dev/null; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ma-scopes.XXXXXX") || exit 99
	trap 'rm -rf "$tmp"' EXIT
	cp "$top_builddir/memory-analyzer" "$tmp/ma" && dwz "$tmp/ma" || exit 99
	readelf --debug-dump=info "$tmp/ma" 2>/dev/null | grep -q DW_TAG_imported_unit ||
		{ echo "FAIL: dwz made no imported units"; exit 1; }
	"$check" -e 10 "$tmp/ma" || exit 1
fi
# python3's interpreter: the library that holds it when the binary is
# linked to one (libdw's walks are slow there: every 25th address)
command -v python3 >/dev/null || exit 0
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || exit 0
lib=$(ldd "$py" 2>/dev/null | sed -n 's/.*libpython[^ ]* => \([^ ]*\) .*/\1/p')
for f in "$py" $lib; do
	if readelf -S "$f" 2>/dev/null | grep -q '\.debug_info'; then
		"$check" -e 25 "$f" || exit 1
	fi
done
exit 0
