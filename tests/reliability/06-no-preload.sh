#!/bin/sh
# Programs the preload cannot enter: record says so once, runs them
# unprofiled and returns their status, without hanging.
. "$top_srcdir/tests/reliability/lib.sh"

record_limited 30 -- "$PROGS/static_hello"
expect "static: status (the program's own)" 3 "$rc"
expect_grep "static: said" "is statically linked and cannot take the probe" err
expect "static: traces" 0 "$(traces | wc -l)"

[ "$(id -u)" = 0 ] || skip "setuid: needs root to make a setuid copy"
cp "$PROGS/sites" ./setuid-sites
chown nobody ./setuid-sites 2>/dev/null || true
chmod 4755 ./setuid-sites
record_limited 30 -- ./setuid-sites
expect "setuid: status" 0 "$rc"
expect "setuid: stdout" "sites: done" "$(cat out)"
expect_grep "setuid: said" "setuid" err
expect "setuid: traces" 0 "$(traces | wc -l)"
