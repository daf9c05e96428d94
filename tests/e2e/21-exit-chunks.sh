#!/bin/sh
# The end of a run: the writer takes what is left in every ring into its
# open chunks and writes them compressed (probes/writer.c, last_round),
# leaving nothing to the exit's own drain, which writes without zstd.
# tests/progs/paced ends with a few thousand events in its ring: no
# records chunk of its thread may be stored raw when it is large enough
# for zstd to pay (4 KiB), and every event is there.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/paced"
expect "status" 0 "$rc"
t=$(one_trace)
dump_ok "$t"
expect "malloc calls" 10010 "$(count functions malloc "$t")"
expect "free calls" 10010 "$(count functions free "$t")"
awk '$1 == "chunk" && $4 != "producer=0" && $6 == "kind=records"' "$t.dump" >chunks.txt
[ -s chunks.txt ] || fail "no records chunk of the program's thread"
expect "large records chunks stored without zstd" 0 \
	"$(awk '{ r = $9; sub(/raw=/, "", r) } $7 == "codec=none" && r + 0 >= 4096' chunks.txt | wc -l)"
