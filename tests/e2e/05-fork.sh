#!/bin/sh
# fork without exec (tests/progs/forks.c): the parent and the forked child
# each have a trace with exactly their own allocations.  The fork+exec
# child is 06-fork-exec.sh's business.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/forks" "$PROGS/sites"
expect "status" 0 "$rc"
printf 'sites: done\nforks: done\n' >expected
expect_file "stdout" expected out

# record lists the oldest process first: the parent, whose fork records
# name the forked child and then the exec'd one.
parent=$(traces | head -1)
dump_ok "$parent"
expect "parent's header" "0x0 $PROGS/forks" \
	"$(sed -n 's/.* process .* flags=\(0x[0-9a-f]*\) .* exe="\([^"]*\)".*/\1 \2/p' "$parent.dump")"
expect "parent's fork records" 2 "$(count records fork "$parent")"
child_pid=$(sed -n 's/.* fork child_pid=\([0-9]*\)$/\1/p' "$parent.dump" | head -1)
child=$(trace_of_pid "$child_pid")
[ -n "$child" ] || fail "no trace named for the forked child, pid $child_pid"
dump_ok "$child"
expect "forked child's header" "0x1 $PROGS/forks" \
	"$(sed -n 's/.* process .* flags=\(0x[0-9a-f]*\) .* exe="\([^"]*\)".*/\1 \2/p' "$child.dump")"

sites "$parent" >parent.txt
echo "parent_work malloc 100 allocs=10 frees=5" >expected
expect_file "parent's allocations" expected parent.txt
expect "parent's malloc calls" 10 "$(count functions malloc "$parent")"

# The child inherited the parent's 5 live blocks but allocated only its own.
sites "$child" >child.txt
echo "child_work malloc 200 allocs=20 frees=0" >expected
expect_file "forked child's allocations" expected child.txt
expect "forked child's malloc calls" 20 "$(count functions malloc "$child")"

# --no-follow-fork: the parent alone.
record --no-follow-fork -- "$PROGS/forks" "$PROGS/sites"
expect "status without following" 0 "$rc"
expect "traces without following" 1 "$(traces | wc -l)"
expect "stdout without following" "forks: done" "$(tail -1 out)"

# The report of the parent and the forked child together: the child is
# a fork child of the parent, its own leak is child_work's, and the 5
# blocks it inherited are named by the parent's allocating function and
# line.
"$MA" --report-type leaks --top 0 --format json "$parent" "$child" >report.json ||
	fail "report exited $?"
python3 -c 'import json
r = json.load(open("report.json"))
def top(s): return "%s %s:%d" % (s[0]["function"], (s[0]["file"] or "?").rsplit("/", 1)[-1], s[0]["line"])
for p in r["processes"]:
    print(p["pid"], p["ppid"], p["fork_child"], p["exit"],
          *["%s %d %d %s" % (k, l["bytes"], l["blocks"], top(l["stack"]))
            for k in ("leaks", "inherited_live") for l in p.get(k) or []])
' >report.txt || fail "cannot read the JSON report"
parent_pid=$(sed -n 's/.* process pid=\([0-9]*\) .*/\1/p' "$parent.dump")
pa=$(grep -n -F 'malloc(100)' "$top_srcdir/tests/progs/forks.c" | cut -d: -f1)
ca=$(grep -n -F 'malloc(200)' "$top_srcdir/tests/progs/forks.c" | cut -d: -f1)
cat >expected <<END
$parent_pid $(sed -n 's/.* process .* ppid=\([0-9]*\) .*/\1/p' "$parent.dump") False exit leaks 500 5 parent_work forks.c:$pa
$child_pid $parent_pid True exit leaks 4000 20 child_work forks.c:$ca inherited_live 500 5 parent_work forks.c:$pa
END
expect_file "report of parent and child: processes, leaks, inherited blocks" expected report.txt
