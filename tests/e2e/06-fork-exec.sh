#!/bin/sh
# fork+exec (tests/progs/forks.c running tests/progs/sites): three
# processes, four images, four complete traces.  The forked child's own
# image ends with an exec trailer, and the program it execs has a trace of
# its own under the same pid, with exactly its allocations.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/forks" "$PROGS/sites"
expect "status" 0 "$rc"
expect "traces named" 4 "$(traces | wc -l)"
parent=$(traces | head -1)
dump_ok "$parent"
execd_pid=$(sed -n 's/.* fork child_pid=\([0-9]*\)$/\1/p' "$parent.dump" | tail -1)
expect "traces of the exec'ing child" 2 "$(trace_of_pid "$execd_pid" | wc -l)"
for t in $(traces); do dump_ok "$t"; done
pass "every trace decodes completely"

# Oldest first: the forked child's image (exit by exec), then the new one.
before=$(trace_of_pid "$execd_pid" | head -1)
execd=$(trace_of_pid "$execd_pid" | tail -1)
expect "image before exec" "$PROGS/forks exec" \
	"$(sed -n 's/.* process .* exe="\([^"]*\)".*/\1/p' "$before.dump") $(
	sed -n 's/.* trailer .*exit=\([a-z_]*\).*/\1/p' "$before.dump")"
expect "exec'd program's exe and flags" "0x2 $PROGS/sites" \
	"$(sed -n 's/.* process .* flags=\(0x[0-9a-f]*\) .* exe="\([^"]*\)".*/\1 \2/p' "$execd.dump")"

sites "$execd" >execd.txt
cat >expected <<'END'
site_a malloc 48 allocs=100 frees=40
site_b malloc 1024 allocs=30 frees=30
site_c malloc 200 allocs=7 frees=0
END
expect_file "exec'd program's allocations" expected execd.txt
expect "exec'd program's malloc calls" 137 "$(count functions malloc "$execd")"
expect "exec'd program's free calls" 70 "$(count functions free "$execd")"
expect "events lost in the exec'd program" 0 \
	"$(sed -n 's/.* trailer .* lost=\([0-9]*\).*/\1/p' "$execd.dump")"
