#!/bin/sh
# The samples: one every interval (10 ms unless --sample-ms), each with
# the RSS and, where the kernel has /proc/pressure/memory, its PSI totals
# (flags bit 1); mallinfo2 (bit 0) in the writer thread's, in every one of
# them on a small heap and at least once a second (docs/probe.md: spaced
# by its cost); the report's peak RSS is the highest sampled RSS.  While
# one thread allocates it takes the samples in between itself, into its
# own chunks, without mallinfo2 (docs/probe.md), so samples are read in
# time order, not file order.
. "$top_srcdir/tests/e2e/lib.sh"

py=$(python3 -c 'import sys; print(sys.executable)')
psi=0
[ -r /proc/pressure/memory ] && psi=2

# samples TRACE: "TS RSS HBLKHD FLAGS" per sample record, TS in ms, in
# time order.
samples() {
	dump_ok "$1"
	awk '$2 == "sample" { r = $3; h = $7; f = $NF
		sub(/rss=/, "", r); sub(/hblkhd=/, "", h); sub(/flags=/, "", f)
		print $1, r, h, f }' "$1.dump" | sort -n -k1,1
}

# check_samples NAME TRACE INTERVAL: at least 10 samples, the median gap
# between INTERVAL and 2 x INTERVAL ms, every sample with an RSS and PSI
# where the kernel has it, mallinfo2 in the first and then at least once
# a second.
check_samples() {
	samples "$2" >"$1.samples"
	n=$(wc -l <"$1.samples")
	[ "$n" -ge 10 ] || fail "$1: $n samples"
	gap=$(awk 'NR > 1 { print $1 - prev } { prev = $1 }' "$1.samples" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	awk -v g="$gap" -v i="$3" 'BEGIN { exit !(g >= i * 0.9 && g <= i * 2) }' ||
		fail "$1: median gap $gap ms between samples, interval $3 ms"
	pass "$1: $n samples, median gap $gap ms"
	expect "$1: samples without an RSS" 0 "$(awk '$2 <= 0' "$1.samples" | wc -l)"
	# bits NAME: the samples' flags bits 0 and 1, one digit 0-3 a line.
	awk '{ print (index("0123456789abcdef", substr($4, length($4), 1)) - 1) % 4 }' \
		"$1.samples" >"$1.bits"
	expect "$1: samples without PSI where the kernel has it" 0 \
		"$(awk -v psi=$psi 'int($1 / 2) * 2 != psi' "$1.bits" | wc -l)"
	expect "$1: mallinfo2 in the first sample" 1 "$(head -1 "$1.bits" | awk '{ print $1 % 2 }')"
	expect "$1: gaps of more than a second between mallinfo2 samples" 0 \
		"$(paste -d ' ' "$1.samples" "$1.bits" | awk '$5 % 2 == 1 {
			if (seen && $1 - last > 1000 + 2 * '"$3"') n++; last = $1; seen = 1 }
			END { print n + 0 }')"
}

# mallinfo2_everywhere NAME: every sample has mallinfo2 (a small heap).
mallinfo2_everywhere() {
	expect "$1: samples without mallinfo2" 0 "$(awk '$1 % 2 == 0' "$1.bits" | wc -l)"
}

record --sample-ms 20 -- sleep 0.5
expect "status" 0 "$rc"
t=$(one_trace)
check_samples sleep "$t" 20
mallinfo2_everywhere sleep
# Samples wait in producer 0's buffer for up to a second (docs/probe.md),
# so a run of half a second writes them in one records chunk at exit,
# plus the probe's own info records: not a chunk per sample.
n0=$(awk '$1 == "chunk" && $4 == "producer=0" && $6 == "kind=records"' "$t.dump" | wc -l)
[ "$n0" -le 3 ] || fail "sleep: $n0 records chunks of producer 0"
pass "sleep: $n0 records chunks of producer 0"

# 32 MiB written in one block: malloc maps it (hblkhd, from a sample with
# mallinfo2) and the RSS holds it; the report's peak RSS is the highest
# sample's.
record -- "$py" -c 'import time
b = b"x" * (32 << 20); time.sleep(0.3); print(len(b))'
expect "python: status" 0 "$rc"
expect "python: stdout" 33554432 "$(cat out)"
t=$(one_trace)
check_samples python "$t" 10
rss=$(awk '$2 > m { m = $2 } END { print m }' python.samples)
hblkhd=$(awk '$3 > m { m = $3 } END { print m }' python.samples)
[ "$rss" -ge $((32 << 20)) ] || fail "python: highest sampled RSS $rss"
[ "$hblkhd" -ge $((32 << 20)) ] || fail "python: highest sampled hblkhd $hblkhd"
pass "python: highest sampled RSS $rss, hblkhd $hblkhd"
"$MA" --format json "$t" >report.json || fail "report exited $?"
# The report's peak RSS: the highest sample's, or the kernel's high-water
# mark at the end ("peak-rss") when that is higher.
hwm=$(sed -n 's/^ *[0-9.]* info key="peak-rss" value="\([0-9]*\)"$/\1/p' "$t.dump")
[ "$hwm" -ge $((32 << 20)) ] || fail "python: the kernel's peak RSS '$hwm'"
expect "report: peak_rss_sampled_bytes, peak_rss_kernel_bytes, peak_rss_bytes" \
	"$rss $hwm $(( rss > hwm ? rss : hwm ))" "$(python3 -c 'import json
s = json.load(open("report.json"))["summary"]
print(s["peak_rss_sampled_bytes"], s["peak_rss_kernel_bytes"], s["peak_rss_bytes"])')"

# One thread allocating for 0.4 s, then quiet for 0.3 s: while it
# allocates it takes the samples itself, into its own chunks (producer 1),
# RSS and PSI only; the writer thread's samples, with mallinfo2, come at
# most every fifth interval meanwhile (it wakes LONE_WAKES intervals
# apart); once the thread is quiet the writer samples every interval.
PYTHONMALLOC=malloc record -- "$py" -c 'import time
t = time.time(); x = []
while time.time() - t < 0.4:
    x.append(str(len(x)))
    if len(x) > 20000: x = []
time.sleep(0.3); print("ok")'
expect "lone: status" 0 "$rc"
t=$(one_trace)
check_samples lone "$t" 10
# "TS PRODUCER FLAGS" per sample, in time order.
awk '$1 == "chunk" { p = $4; sub(/producer=/, "", p) }
	$2 == "sample" { f = $NF; sub(/flags=/, "", f); print $1, p, f }' "$t.dump" |
	sort -n -k1,1 >lone.all
# The thread's last sample is the exit's (the thread takes the last round
# itself, with mallinfo2 at a normal exit when its cost allows): left out
# of what follows.
lastx=$(awk '$2 == 1 { l = NR } END { print l }' lone.all)
awk -v x="$lastx" 'NR != x' lone.all >lone.by
n1=$(awk '$2 == 1' lone.by | wc -l)
[ "$n1" -ge 20 ] || fail "lone: $n1 samples of the thread"
pass "lone: $n1 samples of the thread"
expect "lone: the thread's samples with mallinfo2" 0 \
	"$(awk '$2 == 1 && (index("0123456789abcdef", substr($3, length($3), 1)) - 1) % 2 == 1' lone.by | wc -l)"
# The thread's samples span [first, last]; the writer's inside it
# are at least three intervals apart (the first of them may follow the
# writer's sample at start by one interval).
# (the span of the loop: up to the first gap of three intervals between
# the thread's samples; python's exit allocates again)
first1=$(awk '$2 == 1 { print $1; exit }' lone.by)
last1=$(awk '$2 == 1 { if (seen && $1 - l > 30) exit; l = $1; seen = 1 } END { print l }' lone.by)
[ "$(echo "$first1 $last1" | awk '{ print ($2 - $1 >= 300) }')" = 1 ] ||
	fail "lone: the thread sampled from $first1 to $last1 ms only"
close0=$(awk -v a="$first1" -v b="$last1" '$2 == 0 && $1 > a + 10 && $1 < b {
	if (seen && $1 - prev < 30) n++; prev = $1; seen = 1 } END { print n + 0 }' lone.by)
expect "lone: writer samples closer than 3 intervals while the thread samples" 0 "$close0"
# After the thread's last sample and the writer's next wake (five
# intervals and some slack), the writer's samples come every interval.
quiet=$(awk -v b="$last1" '$2 == 0 && $1 > b + 70 { if (seen) print $1 - prev; prev = $1; seen = 1 }' lone.by |
	sort -n | awk '{ v[NR] = $1 } END { print NR, v[int((NR + 1) / 2)] }')
set -- $quiet
[ "$1" -ge 10 ] || fail "lone: $1 gaps between the writer's samples once quiet"
awk -v g="$2" 'BEGIN { exit !(g >= 9 && g <= 20) }' || fail "lone: median gap $2 ms once quiet"
pass "lone: $1 writer samples once quiet, median gap $2 ms"

# 64 MiB written and freed between two samples a minute apart: the
# samples miss it, the kernel's high-water mark does not, and the report
# takes the higher and says where it comes from.
record --sample-ms 60000 -- "$py" -c 'b = b"x" * (64 << 20); del b; print("ok")'
expect "spike: status" 0 "$rc"
t=$(one_trace)
samples "$t" >spike.samples
rss=$(awk '$2 > m { m = $2 } END { print m }' spike.samples)
hwm=$(sed -n 's/^ *[0-9.]* info key="peak-rss" value="\([0-9]*\)"$/\1/p' "$t.dump")
[ "$rss" -lt $((32 << 20)) ] && [ "$hwm" -ge $((64 << 20)) ] ||
	fail "spike: highest sample $rss, the kernel's peak '$hwm'"
pass "spike: highest sample $rss, the kernel's peak $hwm"
"$MA" --format json "$t" >report.json || fail "report exited $?"
expect "spike: peak_rss_sampled_bytes, peak_rss_kernel_bytes, peak_rss_bytes" \
	"$rss $hwm $hwm" "$(python3 -c 'import json
s = json.load(open("report.json"))["summary"]
print(s["peak_rss_sampled_bytes"], s["peak_rss_kernel_bytes"], s["peak_rss_bytes"])')"
"$MA" "$t" >report.txt || fail "report exited $?"
grep -q "^  peak RSS  *[0-9.]* MiB (the kernel's high-water mark; highest sample [0-9.]* [KM]iB at [0-9.]* [mu]\?s)\$" report.txt ||
	{ grep "peak RSS" report.txt >&2; fail "spike: the text report's peak RSS"; }
pass "spike: the text report says the peak is the kernel's"
# The full report's RSS against the machine's RAM is of that peak too.
"$MA" --report-type full --format json "$t" >full.json || fail "full report exited $?"
expect "spike: rss_of_ram_pct is of the kernel's peak" True "$(python3 -c 'import json
r = json.load(open("full.json")); v = r["fragmentation"]["rss_vs_heap"]
print(abs(v["rss_of_ram_pct"] - 100.0 * r["summary"]["peak_rss_bytes"] / v["machine_ram_bytes"]) < 1e-6 and v["peak_rss_bytes"] < r["summary"]["peak_rss_bytes"])')"

