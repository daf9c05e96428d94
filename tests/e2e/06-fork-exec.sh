#!/bin/sh
# fork+exec (tests/progs/forks.c running tests/progs/sites): three
# processes, three complete traces, the exec'd program's exact.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/forks" "$PROGS/sites"
expect "status" 0 "$rc"
expect "traces named" 3 "$(traces | wc -l)"
parent=$(traces | head -1)
dump_ok "$parent"
execd_pid=$(sed -n 's/.* fork child_pid=\([0-9]*\)$/\1/p' "$parent.dump" | tail -1)
execd=$(trace_of_pid "$execd_pid")
[ -n "$execd" ] || fail "no trace named for the exec'd program, pid $execd_pid"
for t in $(traces); do dump_ok "$t"; done
pass "every trace decodes completely"
expect "exec'd program's exe" "$PROGS/sites" \
	"$(sed -n 's/.* process .* exe="\([^"]*\)".*/\1/p' "$execd.dump")"

sites "$execd" >execd.txt
cat >expected <<'END'
site_a malloc 48 allocs=100 frees=40
site_b malloc 1024 allocs=30 frees=30
site_c malloc 200 allocs=7 frees=0
END
expect_file "exec'd program's allocations" expected execd.txt
expect "exec'd program's malloc calls" 137 "$(count functions malloc "$execd")"
