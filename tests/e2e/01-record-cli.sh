#!/bin/sh
# memory-analyzer record as a command: options, exit status, what the
# program sees (stdin, stdout, stderr, environment), signals, trace names.
. "$top_srcdir/tests/e2e/lib.sh"

"$MA" record --help >out 2>&1 || fail "record --help exited $?"
expect_grep "--help names the usage" 'Usage: memory-analyzer record .*PROGRAM' out

record
expect "status without a program" 2 "$rc"
expect_grep "message without a program" 'no program to run' err
record --depth 0 true
expect "status with --depth 0" 2 "$rc"
record -o x -w y true
expect "status with --output and --workspace-path" 2 "$rc"

# Exit status: the program's, 128+N for a signal, 127/126 as a shell.
record sh -c 'exit 7'
expect "exit status passed on" 7 "$rc"
record sh -c 'kill -9 $$'
expect "status of a program killed by SIGKILL" 137 "$rc"
record ./no-such-program
expect "status of a missing program" 127 "$rc"
expect_grep "message for a missing program" \
	"^memory-analyzer: cannot run './no-such-program': No such file or directory\$" err
printf 'x\n' >not-executable
record ./not-executable
expect "status of a file that is not executable" 126 "$rc"

# A missing probe is an error of its own, before anything runs.
rc=0
MEMORY_ANALYZER_PROBE=$tmp/nothing.so "$MA" record sh -c 'echo ran' >out 2>err || rc=$?
expect "status with a missing probe" 3 "$rc"
expect "output with a missing probe" "" "$(cat out)"
expect_grep "message for a missing probe" "MEMORY_ANALYZER_PROBE" err

# stdin, stdout and stderr belong to the program, byte for byte; record's
# own lines come after the program exited.
seq 1 5000 >input
rc=0
"$MA" record -- sh -c 'cat; echo to-stderr >&2' <input >out 2>err || rc=$?
expect "status of cat" 0 "$rc"
cmp -s input out || fail "stdin did not reach stdout unchanged"
pass "stdin and stdout unchanged"
expect "first stderr line is the program's" to-stderr "$(head -1 err)"
expect_grep "trace line follows" '^memory-analyzer: trace written: ' err
rc=0
"$MA" record -- "$PROGS/sites" >out 2>err || rc=$?
"$PROGS/sites" >plain-out
cmp -s plain-out out || fail "stdout under record differs from stdout without it"
pass "stdout of sites identical with and without record"

# The default name: memory-analyzer.PROGRAM.PID.trace in the current
# directory, named in err with the pid that its header holds.
t=$(one_trace)
pid=$(sed -n 's/.*(pid \([0-9]*\))$/\1/p' err)
expect "default trace path" "$tmp/memory-analyzer.sites.$pid.trace" "$t"
[ -f "$t" ] || fail "'$t' does not exist"
dump_ok "$t"
expect_grep "header pid matches" " process pid=$pid " "$t.dump"

# The environment the probe reads, and LD_PRELOAD put first.
rc=0
LD_PRELOAD=$PLUGIN "$MA" record -o 'env.%p.trace' --depth 7 --sample-ms 25 \
	-- env >out 2>err || rc=$?
expect "status of env" 0 "$rc"
expect "LD_PRELOAD" "$top_builddir/probes/.libs/libmemory-analyzer-probe.so:$PLUGIN" \
	"$(sed -n 's/^LD_PRELOAD=//p' out)"
expect "MEMORY_ANALYZER_DEPTH" 7 "$(sed -n 's/^MEMORY_ANALYZER_DEPTH=//p' out)"
expect "MEMORY_ANALYZER_SAMPLE_MS" 25 "$(sed -n 's/^MEMORY_ANALYZER_SAMPLE_MS=//p' out)"
expect "MEMORY_ANALYZER_FOLLOW" 1 "$(sed -n 's/^MEMORY_ANALYZER_FOLLOW=//p' out)"
expect "MEMORY_ANALYZER_OUTPUT" "$tmp/env.%p.trace" \
	"$(sed -n 's/^MEMORY_ANALYZER_OUTPUT=//p' out)"
session=$(sed -n 's/^MEMORY_ANALYZER_SESSION=//p' out)
echo "$session" | grep -Eq '^[0-9a-f]{32}$' || fail "session token '$session'"
t=$(one_trace)
dump_ok "$t"
expect_grep "header carries the session" "session=\"$session\"" "$t.dump"
expect_grep "header carries the depth and interval" \
	" stack_depth=7 sample_interval_ms=25 " "$t.dump"

# Stack depth: 64 frames by default, --depth N at most N.  A shell
# function calling itself 40 times goes far deeper than 64 frames.
# deepest TRACE: the header's stack_depth and the most frames of a stack.
deepest() {
	dump_ok "$1"
	awk '$2 == "process" { h = $0; sub(/.* stack_depth=/, "", h); sub(/ .*/, "", h) }
	     $2 == "stack" { n = 0 } /^    #[0-9]+ / { if (++n > m) m = n }
	     END { print h, m }' "$1.dump"
}
record -- bash -c 'f() { if [ "$1" -gt 0 ]; then f $(($1 - 1)); fi; }; f 40'
expect "default depth: header, deepest stack" "64 64" "$(deepest "$(one_trace)")"
record --depth 5 -- bash -c 'f() { if [ "$1" -gt 0 ]; then f $(($1 - 1)); fi; }; f 40'
expect "--depth 5: header, deepest stack" "5 5" "$(deepest "$(one_trace)")"

rc=0
MEMORY_ANALYZER_OFF=1 "$MA" record --no-follow-fork -o 'nf.%p.trace' -- env >out 2>err ||
	rc=$?
expect "MEMORY_ANALYZER_FOLLOW with --no-follow-fork" 0 \
	"$(sed -n 's/^MEMORY_ANALYZER_FOLLOW=//p' out)"
expect "MEMORY_ANALYZER_OFF cleared" "" "$(sed -n 's/^MEMORY_ANALYZER_OFF=//p' out)"
expect "traces with MEMORY_ANALYZER_OFF=1 in the environment" 1 "$(traces | wc -l)"

# --workspace-path: DIR/.memory-analyzer/traces, made with mode 0700.
record -w ws -- "$PROGS/sites"
expect "status with --workspace-path" 0 "$rc"
expect "mode of the traces directory" 700 "$(stat -c %a ws/.memory-analyzer/traces)"
expect "mode of .memory-analyzer" 700 "$(stat -c %a ws/.memory-analyzer)"
case $(one_trace) in
"$tmp/ws/.memory-analyzer/traces/sites."[0-9]*.trace) pass "workspace trace name" ;;
*) fail "workspace trace name '$(one_trace)'" ;;
esac

# Traces of other runs in the same directory are not claimed.
record -w ws -- "$PROGS/sites"
expect "traces named by a second run" 1 "$(traces | wc -l)"
expect "traces in the directory" 2 "$(ls ws/.memory-analyzer/traces | wc -l)"

# forwarded SIG STATUS: a program that exits with STATUS on SIG, under
# record, which is sent SIG once the program is up.
forwarded() {
	"$MA" record -- sh -c "trap 'exit $2' $1; echo up; while :; do sleep 0.05; done" \
		>out 2>err &
	rpid=$!
	i=0
	while [ "$(cat out)" != up ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kill -"$1" $rpid
	rc=0
	wait $rpid || rc=$?
	expect "status after SIG$1 forwarded to a trapping program" "$2" "$rc"
}

# Signals meant for record reach the program; record waits for it.
forwarded TERM 42
# So do the other signals that would end record (SIGUSR1 here), where
# record died of them and left the program running.
forwarded USR1 43

# A signal the program sends to its own process group reaches record too:
# it is not sent to the program a second time.  (In a session of its
# own: the group is record's and the program's alone.)
rc=0
setsid -w "$MA" record -- sh -c 'n=0; trap "n=\$((n + 1))" USR2; kill -USR2 0; sleep 0.3; echo "got $n"' \
	>out 2>err || rc=$?
expect "status of a program signalling its own group" 0 "$rc"
expect "signals to its own group received" "got 1" "$(cat out)"

# A timer armed before record was exec'd fires in record, as it would in
# the program without record: the kernel's SIGALRM is passed on.
rc=0
python3 -c 'import os, signal, sys; signal.alarm(1); os.execv(sys.argv[1], sys.argv[1:])' \
	"$MA" record -- sh -c 'trap "kill \$!; exit 44" ALRM; sleep 5 & wait' >out 2>err || rc=$?
expect "status after an alarm armed before record" 44 "$rc"

# A signal ignored by record's caller (nohup) stays ignored for the program.
(trap "" HUP; "$MA" record -- sh -c 'kill -HUP $$; echo alive' >out 2>err) || :
expect "an ignored SIGHUP stays ignored" alive "$(cat out)"

# A daemon left behind by the program does not keep record waiting.  It
# is ended afterwards: traced, it would otherwise write its trace into
# this directory while the exit trap removes it.
start=$(date +%s)
record -- sh -c 'sleep 30 </dev/null >/dev/null 2>&1 & echo $! >daemon.pid; exit 5'
expect "status with a daemon left behind" 5 "$rc"
[ $(($(date +%s) - start)) -lt 10 ] || fail "record waited for the daemon"
pass "record did not wait for the daemon"
daemon=$(cat daemon.pid)
kill "$daemon" 2>/dev/null || :
i=0
while kill -0 "$daemon" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
