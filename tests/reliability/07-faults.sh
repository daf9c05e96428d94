#!/bin/sh
# Faults around the trace: an output path that cannot be created, disk
# full, the output directory removed while the program runs, a symlink
# or a file planted at the output path, no descriptor left (EMFILE), a
# program closing every descriptor or dup2()ing over ours.  Each time
# the program goes on exactly as without the probe, the probe says at
# most once on stderr what happened, and what was written stays readable.
. "$top_srcdir/tests/reliability/lib.sh"

# same_run NAME ARGS...: status 0 and "fds: done" on stdout, under record.
same_run() {
	name=$1
	shift
	record_limited 120 "$@"
	expect "$name: status" 0 "$rc"
	expect "$name: stdout" "fds: done" "$(cat out)"
}

# Closing every descriptor, one by one or with close_range, or dup2()
# over all of them: the probe's own survive, the trace is complete.
for mode in closeall closerange dup2; do
	same_run "$mode" -- "$REL/rel_fds" "$mode"
	t=$(one_trace)
	dump_ok "$t"
	expect "$mode: malloc(99)" 16 "$(sized malloc 99 "$t")"
	expect "$mode: trailer" "exit=exit status=0 lost=0" "$(trailer_of "$t")"
	expect "$mode: probe messages" 0 "$(grep -c '^memory-analyzer: [^t]' err || true)"
	rm -f "$t"
done

# dup2() over every descriptor again and again while another thread
# allocates (and the writer writes): the trace moves under writes in
# flight, yet no chunk is lost and nothing lands in /dev/null.
same_run dup2race -- "$REL/rel_fds" dup2race
t=$(one_trace)
dump_ok "$t"
expect "dup2race: malloc(77)" 200000 "$(sized malloc 77 "$t")"
expect "dup2race: trailer" "exit=exit status=0 lost=0" "$(trailer_of "$t")"
rm -f "$t"

# EMFILE: the forked child cannot open its trace; it says so once and
# runs unprofiled; the parent's trace is complete.
same_run emfile -- "$REL/rel_fds" emfile
expect "emfile: messages" 1 "$(grep -c 'cannot create trace .*Too many open files; running unprofiled' err)"
t=$(one_trace)
dump_ok "$t"
expect "emfile: parent's malloc(99)" 16 "$(sized malloc 99 "$t")"
rm -f "$t"

# Under a low limit of descriptors the probe's go to its top: the
# program's first open() gets the number it gets without the probe (it
# got 9, the probe's six taking 3 to 8).
plain=$(sh -c 'ulimit -n 64 && exec "$0" firstfd' "$REL/rel_fds")
record_limited 60 -- sh -c 'ulimit -n 64 && exec "$0" firstfd' "$REL/rel_fds"
expect "low descriptor limit: status" 0 "$rc"
expect "low descriptor limit: the program's first descriptor" "$plain" "$(cat out)"
rm -f ./*.trace

# A symlink and a plain file planted at the output path: neither is
# followed nor touched, the trace goes to the next name, said once.
echo "precious" >target
ln -s target planted-link.trace
same_run "planted symlink" -o planted-link.trace -- "$REL/rel_fds"
expect "planted symlink: target untouched" precious "$(cat target)"
expect "planted symlink: still a symlink" yes "$([ -L planted-link.trace ] && echo yes)"
expect "planted symlink: messages" 1 "$(grep -c "'.*planted-link.trace' exists and is not a trace" err)"
t=$(one_trace)
dump_ok "$t"
expect "planted symlink: trace beside it" "planted-link.trace.$(sed -n 's/.* process pid=\([0-9]*\) .*/\1/p' "$t.dump")" "$(basename "$t")"

echo "mine" >planted-file.trace
same_run "planted file" -o planted-file.trace -- "$REL/rel_fds"
expect "planted file: untouched" mine "$(cat planted-file.trace)"
expect "planted file: messages" 1 "$(grep -c "'.*planted-file.trace' exists and is not a trace" err)"
dump_ok "$(one_trace)"

# The output directory removed while the program runs.
mkdir gone
( sleep 0.3; rm -rf gone ) &
same_run "directory removed" -o gone/t.%p.trace -- "$REL/rel_fds" loop 60
wait
expect "directory removed: messages" 1 "$(grep -c 'was removed while it was written' err)"

# Disk full: a 4 KiB tmpfs (one page), for a trace of about 10 KiB: 400
# rounds of 1000 equal blocks compress to 23 bytes a round in chunks of
# up to 256 KiB.
mkdir full
if ! mount -t tmpfs -o size=4k tmpfs full 2>/dev/null; then
	skip "disk full: cannot mount a tmpfs here"
fi
trap 'umount "$tmp/full" 2>/dev/null; rm -rf "$tmp"' EXIT
same_run "disk full" -o full/t.%p.trace -- "$REL/rel_fds" loop 400
expect "disk full: messages" 1 "$(grep -c 'cannot write trace .*No space left on device' err)"
cp full/t.*.trace disk-full.trace   # the dump cannot go to a full disk
t=disk-full.trace
decodes_to_end "$t"
expect_grep "disk full: dump says it is truncated" "truncated" "$t.dump-err"
pass "disk full: what was written decodes"

# An output path that cannot be created (its directory a plain file, or
# missing): the probe says so in one line and the program runs on
# unprofiled, its stdout and status its own.  record refuses such a
# directory before it runs anything.
probe=$top_builddir/probes/.libs/libmemory-analyzer-probe.so
printf 'x\n' >plain-file
for dir in plain-file no-such-dir; do
	rc=0
	timeout 60 env MEMORY_ANALYZER_OUTPUT="$tmp/$dir/t.%p.trace" \
		LD_PRELOAD="$probe" "$PROGS/sites" >out 2>err || rc=$?
	expect "output under $dir: status" 0 "$rc"
	expect "output under $dir: stdout" "sites: done" "$(cat out)"
	expect "output under $dir: stderr lines" 1 "$(wc -l <err)"
	expect_grep "output under $dir: message" \
		"^memory-analyzer: cannot create trace '$tmp/$dir/t\.[0-9]*\.trace': .*; running unprofiled\$" err
done
expect "plain file left alone" x "$(cat plain-file)"
record_limited 60 -o no-such-dir/t.trace -- "$PROGS/sites"
expect "record, output in a missing directory: status" 2 "$rc"
expect "record, output in a missing directory: stdout" "" "$(cat out)"
expect "record, output in a missing directory: message" \
	"memory-analyzer: cannot write traces to '$tmp/no-such-dir': No such file or directory" "$(cat err)"
