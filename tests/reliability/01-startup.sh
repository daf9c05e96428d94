#!/bin/sh
# Startup: allocations of a library constructor that ran before ours, a
# program with a malloc of its own, another allocator preloaded beside the
# probe, and a plugin loaded with RTLD_DEEPBIND.
. "$top_srcdir/tests/reliability/lib.sh"

# rel-early.so, preloaded after the probe, allocates in its constructor,
# which the loader runs before the probe's: the probe starts on that
# first call and records it.
LD_PRELOAD=$REL/.libs/rel-early.so record_limited 60 -- "$PROGS/sites"
expect "status with an early constructor" 0 "$rc"
t=$(one_trace)
dump_ok "$t"
expect "early malloc(4321) recorded" 7 "$(sized malloc 4321 "$t")"
expect "early calloc(1, 4322) recorded" 2 "$(sized calloc 4322 "$t")"
expect "site_a's malloc(48)" 100 "$(sized malloc 48 "$t")"
expect "events lost at startup" "exit=exit status=0 lost=0" "$(trailer_of "$t")"
rm -f "$t"

# A program exporting malloc and friends: the probe sees none of them,
# says so once, records no heap event and does not disturb it.
plain=$("$REL/rel_ownmalloc")
record_limited 60 -- "$REL/rel_ownmalloc"
expect "own malloc: status" 0 "$rc"
expect "own malloc: stdout" "$plain" "$(cat out)"
expect "own malloc: messages" 1 "$(grep -c 'has a malloc of its own' err)"
t=$(one_trace)
dump_ok "$t"
expect "own malloc: info record" 1 "$(grep -c ' info key="own-malloc"' "$t.dump")"
expect "own malloc: heap events" 0 "$(grep -c ' \(alloc\|free\|realloc\) ' "$t.dump")"
rm -f "$t"

# Another allocator preloaded beside the probe: the probe in front of it
# records what the program asks and forwards to it.
for lib in libjemalloc.so.2 libtcmalloc_minimal.so.4; do
	path=$(ls /usr/lib/*/"$lib" /usr/lib/"$lib" 2>/dev/null | head -1 || true)
	if [ -z "$path" ]; then
		echo "note: $lib not installed (scripts/install-deps.sh), not tested"
		continue
	fi
	LD_PRELOAD=$path record_limited 60 -- "$PROGS/sites"
	expect "$lib: status" 0 "$rc"
	t=$(one_trace)
	sites "$t" | grep '^site_' >sites.txt
	cat >expected <<'END'
site_a malloc 48 allocs=100 frees=40
site_b malloc 1024 allocs=30 frees=30
site_c malloc 200 allocs=7 frees=0
END
	expect_file "$lib: allocations per site" expected sites.txt
	grep -q "module id=.*$lib" "$t.dump" || fail "$lib: not in the module map"
	rm -f "$t"
done

# RTLD_DEEPBIND: the plugin's calls bind to libc first; the probe points
# them back at its hooks, so blocks crossing between program and plugin
# are neither lost nor counted twice.
record_limited 60 -- "$REL/rel_deepbind" "$REL/.libs/rel-deep-mod.so"
expect "deepbind: status" 0 "$rc"
t=$(one_trace)
sites "$t" | grep -v '^?' | grep ' \(777\|888\|999\) ' >sites.txt || true
cat >expected <<'END'
deep_alloc malloc 777 allocs=9 frees=4
deep_work malloc 999 allocs=1 frees=1
deep_work malloc 999 allocs=1 frees=1
main malloc 888 allocs=3 frees=3
END
expect_file "deepbind: allocations per site" expected sites.txt
