#!/bin/sh
# The writer's samples: one every interval (10 ms unless --sample-ms),
# each with the RSS and, where the kernel has /proc/pressure/memory, its
# PSI totals (flags bit 1); mallinfo2 (bit 0) in every sample of a small
# heap and at least once a second (docs/probe.md: spaced by its cost);
# the report's peak RSS is the highest sampled RSS.
. "$top_srcdir/tests/e2e/lib.sh"

py=$(python3 -c 'import sys; print(sys.executable)')
psi=0
[ -r /proc/pressure/memory ] && psi=2

# samples TRACE: "TS RSS HBLKHD FLAGS" per sample record, TS in ms.
samples() {
	dump_ok "$1"
	awk '$2 == "sample" { r = $3; h = $7; f = $NF
		sub(/rss=/, "", r); sub(/hblkhd=/, "", h); sub(/flags=/, "", f)
		print $1, r, h, f }' "$1.dump"
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
expect "report: peak_rss_bytes" "$rss" "$(python3 -c 'import json
print(json.load(open("report.json"))["summary"]["peak_rss_bytes"])')"
