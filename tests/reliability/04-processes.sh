#!/bin/sh
# Processes: fork while other threads allocate, a daemon child outliving
# its parent, vfork, posix_spawn and system(), execl, execlp and execle,
# programs that re-exec through a shim, and dash.
. "$top_srcdir/tests/reliability/lib.sh"

# pid_traces PID: the traces record named for PID, oldest first.
record_limited 120 -- "$REL/rel_procs" forkthreads
expect "fork with threads: status" 0 "$rc"
expect "fork with threads: traces" 21 "$(traces | wc -l)"
parent=$(traces | head -1)
dump_ok "$parent"
expect "fork with threads: fork records" 20 "$(count records fork "$parent")"
for t in $(traces | tail -n +2); do
	dump_ok "$t"
	[ "$(sized malloc 555 "$t")" = 10 ] || fail "child '$t': not 10 x malloc(555)"
	[ "$(sized malloc 64 "$t")" = 0 ] || fail "child '$t' holds the parent's threads' events"
	grep -q ' trailer exit=exit status=0 .* lost=0$' "$t.dump" || fail "child '$t': bad trailer"
done
pass "fork with threads: every child has exactly its own 10 blocks"
expect "fork with threads: parent's trailer" "exit=exit status=0 lost=0" "$(trailer_of "$parent")"
rm -f $(traces)

# A daemon child: record and the parent's trace finish at once; the
# daemon's trace completes when it ends.
start=$(date +%s%N)
record_limited 30 -- "$REL/rel_procs" daemon
elapsed=$((($(date +%s%N) - start) / 1000000))
expect "daemon: status" 0 "$rc"
[ "$elapsed" -lt 1500 ] || fail "daemon: record took $elapsed ms (it waited for the daemon)"
pass "daemon: record returned after $elapsed ms"
parent=$(traces | head -1)
dump_ok "$parent"
expect "daemon: parent's malloc(444)" 4 "$(sized malloc 444 "$parent")"
child_pid=$(sed -n 's/.* fork child_pid=\([0-9]*\)$/\1/p' "$parent.dump")
daemon=$(dirname "$parent")/memory-analyzer.rel_procs.$child_pid.trace
for i in $(seq 50); do
	kill -0 "$child_pid" 2>/dev/null || break
	sleep 0.1
done
dump_ok "$daemon"
expect "daemon: its malloc(666)" 5 "$(sized malloc 666 "$daemon")"

# vfork, posix_spawn, system: the parent's trace is the parent's alone,
# and the program started has its own, with exactly its allocations.
for mode in vfork spawn system; do
	record_limited 60 -- "$REL/rel_procs" "$mode" "$PROGS/sites"
	expect "$mode: status" 0 "$rc"
	expect "$mode: stdout" "sites: done
procs: done" "$(cat out)"
	parent=$(traces | head -1)
	dump_ok "$parent"
	expect "$mode: parent's trailer" "exit=exit status=0 lost=0" "$(trailer_of "$parent")"
	expect "$mode: parent's malloc(123)" 6 "$(sized malloc 123 "$parent")"
	found=0
	for t in $(traces); do
		dump_ok "$t"
		grep -q "process .* exe=\"$PROGS/sites\"" "$t.dump" || continue
		found=1
		sites "$t" >sites.txt
		printf '%s\n' 'site_a malloc 48 allocs=100 frees=40' \
			'site_b malloc 1024 allocs=30 frees=30' \
			'site_c malloc 200 allocs=7 frees=0' >expected
		expect_file "$mode: the started program's allocations" expected sites.txt
	done
	[ "$found" = 1 ] || { cat err >&2; fail "$mode: no trace of the started program"; }
	rm -f $(traces)
done

# execl, execlp, execle: the exec'd program sees the arguments and the
# environment it sees without the probe (execle's own, FOO=from-execle
# and BAR=2, not an empty one), and its image has a trace of its own.
for mode in execl execlp execle; do
	PATH=$REL:$PATH "$REL/rel_exec" "$mode" >direct 2>direct-err ||
		{ cat direct-err >&2; fail "$mode: fails without the probe"; }
	PATH=$REL:$PATH record_limited 60 -- "$REL/rel_exec" "$mode"
	expect "$mode: status" 0 "$rc"
	expect_file "$mode: the exec'd program's output, as without the probe" direct out
	expect "$mode: traces" 2 "$(traces | wc -l)"
	parent=$(traces | head -1)
	t=$(traces | tail -1)
	dump_ok "$parent"
	expect "$mode: the image before the exec: malloc(123)" 2 "$(sized malloc 123 "$parent")"
	expect "$mode: the image before the exec: trailer" "exit=exec status=0 lost=0" \
		"$(trailer_of "$parent")"
	dump_ok "$t"
	expect "$mode: the exec'd image, with exec flag" "0x2 $REL/rel_exec" \
		"$(sed -n 's/.* process .* flags=\(0x[0-9a-f]*\) .* exe="\([^"]*\)".*/\1 \2/p' "$t.dump")"
	expect "$mode: the exec'd image: malloc(321)" 3 "$(sized malloc 321 "$t")"
	expect "$mode: the exec'd image: trailer" "exit=exit status=0 lost=0" "$(trailer_of "$t")"
	rm -f $(traces)
done
grep -qx 'env: FOO=from-execle' out && grep -qx 'env: BAR=2' out &&
	[ "$(grep -c '^env: ' out)" = 2 ] ||
	{ cat out >&2; fail "execle: the environment is not exactly FOO and BAR"; }
expect "execle: arguments" "arg: rel_exec
arg: show
arg: x
arg: y z" "$(grep '^arg: ' out)"
pass "execle: the exec'd program has exactly its own environment"

# Execs that fail: the process goes on, and its trace says how it really
# ended -- after the exec's trailer, one that says it failed (its status
# the errno, EACCES for a directory), then the end's with the exit
# status -- and what it leaked, before the exec and after it.  A file
# that does not exist is not even tried as the end of the trace.
record_limited 60 -- "$REL/rel_exec" fail
expect "failed exec: status and output" "3 exec: failed, going on" "$rc $(cat out)"
expect "failed exec: traces" 1 "$(traces | wc -l)"
t=$(traces)
dump_ok "$t"
expect "failed exec: trailers, the exec's, its failure's and the end's" \
	"exec/0 exec-failed/13 exit/3" \
	"$(sed -n 's/.* trailer exit=\([^ ]*\) status=\([^ ]*\) .*/\1\/\2/p' "$t.dump" | tr '\n' ' ' |
		sed 's/ $//')"
expect "failed exec: trailer" "exit=exit status=3 lost=0" "$(trailer_of "$t")"
expect "failed exec: malloc(123) before it and malloc(456) after it" "2 4" \
	"$(sized malloc 123 "$t") $(sized malloc 456 "$t")"
"$MA" --report-type leaks --top 0 --format json "$t" >report.json || fail "failed exec: report exited $?"
expect "failed exec: the report's exit, status, and leaks of 123 and 456 bytes" "exit 3 True 246 1824" \
	"$(python3 -c 'import json
r = json.load(open("report.json")); p = r["processes"][0]
by = {}
for l in r["leaks"]:
    by[l["bytes"] // l["blocks"]] = by.get(l["bytes"] // l["blocks"], 0) + l["bytes"]
print(p["exit"], p["exit_status"], r["leaks_are_leaks"], by.get(123, 0), by.get(456, 0))')"
rm -f $(traces)
# Killed after the failed exec: the trace is incomplete, not one of a
# process that exec'd.
record_limited 60 -- "$REL/rel_exec" failkill
expect "failed exec, then killed: status" 137 "$rc"
t=$(traces)
dump_ok_or_truncated "$t"
expect "failed exec, then killed: dump's status (incomplete)" 4 "$drc"
expect "failed exec, then killed: the last trailer" "exit=exec-failed status=13 lost=0" \
	"$(trailer_of "$t")"
rrc=0
"$MA" --report-type leaks --format json "$t" >report.json 2>report.err || rrc=$?
expect "failed exec, then killed: the report's status (incomplete trace)" 4 "$rrc"
expect "failed exec, then killed: complete, leaks measured" "False False" \
	"$(python3 -c 'import json
r = json.load(open("report.json")); print(r["processes"][0]["complete"], r["leaks_are_leaks"])')"
rm -f $(traces)

# Shims: a script started through #!/usr/bin/env python3, and a shell
# wrapper that execs the real program.  The program behind the shim is
# traced, with its exact allocations.
python=$(python3 -c 'import sys; print(sys.executable)')
pydir=$(dirname "$python")
printf '#!/usr/bin/env python3\nimport sys\nprint(sum(range(1000)))\n' >shim.py
chmod +x shim.py
PATH=$pydir:$PATH record_limited 60 -- ./shim.py
expect "env python3 shim: status and stdout" "0 499500" "$rc $(cat out)"
found=$(for t in $(traces); do dump_ok "$t"; grep -l 'process .* exe=".*python3[.0-9]*"' "$t.dump" || true; done | wc -l)
[ "$found" -ge 1 ] || { cat err >&2; fail "env python3 shim: the interpreter has no trace"; }
pass "env python3 shim: the interpreter is traced"
rm -f $(traces)

printf '#!/bin/sh\nexec "%s" "$@"\n' "$PROGS/sites" >wrapper.sh
chmod +x wrapper.sh
record_limited 60 -- ./wrapper.sh
expect "shell wrapper: status" 0 "$rc"
t=$(traces | tail -1)
dump_ok "$t"
expect "shell wrapper: the exec'd program is last, with exec flag" "0x2 $PROGS/sites" \
	"$(sed -n 's/.* process .* flags=\(0x[0-9a-f]*\) .* exe="\([^"]*\)".*/\1 \2/p' "$t.dump")"
expect "shell wrapper: its malloc calls" 137 "$(count functions malloc "$t")"
rm -f $(traces)

# dash: every trace complete (dash leaves by _exit and execs its last
# command).
record_limited 60 -- dash -c "\"$PROGS/sites\"; \"$PROGS/sites\" >/dev/null; echo dash-done"
expect "dash: status" 0 "$rc"
expect "dash: stdout" "sites: done
dash-done" "$(cat out)"
n=0
for t in $(traces); do
	dump_ok "$t"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || { cat err >&2; fail "dash: only $n traces"; }
pass "dash: $n complete traces"
