#!/bin/sh
# Programs that cannot take a preload -- statically linked, setuid,
# setgid -- run unprofiled, with a warning, and no trace.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/static_hello"
expect "status of the static program" 3 "$rc"
expect "stdout of the static program" "static_hello: hello" "$(cat out)"
expect_grep "static program named" "is statically linked and cannot take the probe: running it unprofiled" err
expect "traces of the static program" 0 "$(traces | wc -l)"
expect "files left by the static program" 0 "$(ls | grep -c '\.trace$' || true)"

for bit in u+s g+s; do
	cp "$PROGS/sites" "./sites-$bit"
	chmod "$bit" "./sites-$bit"
	record -- "./sites-$bit"
	kind=setuid
	[ "$bit" = g+s ] && kind=setgid
	expect "status of the $kind program" 0 "$rc"
	expect "stdout of the $kind program" "sites: done" "$(cat out)"
	expect_grep "$kind program named" "is $kind and cannot take the probe" err
	expect "traces of the $kind program" 0 "$(traces | wc -l)"
	expect "files left by the $kind program" 0 "$(ls | grep -c '\.trace$' || true)"
done
