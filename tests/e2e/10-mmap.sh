#!/bin/sh
# mmap of a file, anonymous mmap, mremap and munmap
# (tests/progs/mmapfile.c), each from its own function.  The path of a
# file mapping is recorded from 1 MiB (docs/probe.md).
. "$top_srcdir/tests/e2e/lib.sh"

[ "$(getconf PAGESIZE)" = 4096 ] || skip "the program assumes pages of 4096 bytes"
record -- "$PROGS/mmapfile" "$tmp"
expect "status" 0 "$rc"
expect "stdout" "mmapfile: done" "$(cat out)"
t=$(one_trace)

mappings "$t" >maps.txt
cat >expected <<'END'
mmap map_file 12288 file
munmap 12288
mmap map_file 1048576 file
munmap 1048576
mmap map_anon 1048576 anon
mremap map_anon 1048576 2097152
munmap 2097152
mmap map_kept 65536 anon
END
expect_file "mappings in order" expected maps.txt
expect "file mapping paths" ":$tmp/mmapbig.data" \
	"$(sed -n 's/.* mmap .* fd=[0-9]* .* path="\(.*\)"$/\1/p' "$t.dump" | paste -sd :)"
expect "mmap calls" 4 "$(count functions mmap "$t")"
expect "munmap calls" 3 "$(count functions munmap "$t")"
expect "mremap calls" 1 "$(count functions mremap "$t")"

# The JSON report: the mappings accounted apart from the heap, exactly.
"$MA" --report-type leaks --format json "$t" >report.json || fail "report exited $?"
expect "report: allocations mmap_calls mmap_bytes munmap_calls peak_mmap_bytes live_mmap_bytes_end" \
	"0 4 $((12288 + 1048576 + 1048576 + 65536)) 3 2097152 65536" "$(python3 -c 'import json
s = json.load(open("report.json"))["summary"]
print(*[s[k] for k in ("allocations", "mmap_calls", "mmap_bytes", "munmap_calls",
                       "peak_mmap_bytes", "live_mmap_bytes_end")])')"
