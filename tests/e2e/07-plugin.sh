#!/bin/sh
# dlopen, allocate inside the plugin, dlclose (tests/progs/plugin.c): the
# module's load and unload are recorded, and its allocations resolve
# through the plugin file after it is gone.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$PROGS/plugin" "$PLUGIN"
expect "status" 0 "$rc"
expect "stdout" "plugin: done" "$(cat out)"
t=$(one_trace)
dump_ok "$t"

id=$(sed -n "s|.* module id=\\([0-9]*\\) .* path=\"$PLUGIN\".*|\\1|p" "$t.dump")
[ -n "$id" ] || fail "no module record for '$PLUGIN'"
expect "module records for the plugin" 1 "$(echo "$id" | wc -l)"
expect "module-gone records" 1 "$(grep -c " module-gone id=$id\$" "$t.dump")"
# The build-ids: the plugin's and the executable's, as readelf reads them
# from the files; the executable is module 0, at start.
build_id() { readelf -n "$1" | sed -n 's/^ *Build ID: //p'; }
expect "plugin's build-id" "$(build_id "$PLUGIN")" \
	"$(sed -n "s|.* module id=$id .* build_id=\\([0-9a-f]*\\).*|\\1|p" "$t.dump")"
expect "executable's module record" "$PROGS/plugin $(build_id "$PROGS/plugin")" \
	"$(sed -n 's|.* module id=0 .* path="\([^"]*\)" build_id=\([0-9a-f]*\).*|\1 \2|p' "$t.dump")"

sites "$t" | grep -E '^(plugin_alloc|after_unload) ' >sites.txt
cat >expected <<'END'
after_unload malloc 64 allocs=3 frees=3
plugin_alloc malloc 333 allocs=5 frees=4
END
expect_file "allocations of the plugin and after it was unloaded" expected sites.txt
expect "first frame of the plugin's allocations" "plugin-mod.so" \
	"$(awk '$1 == "alloc" && $3 == 333 { sub(/\+.*/, "", $2); print $2 }' "$t.events" | sort -u)"

# The text report names the leak inside the unloaded plugin by function
# and file:line, and nothing after_unload made.
"$MA" --report-type leaks --no-color "$t" >report.txt || fail "text report exited $?"
expect "text report: the plugin's leak" \
	"plugin_alloc (plugin_mod.c:$(grep -n -F 'malloc(333)' "$top_srcdir/tests/progs/plugin_mod.c" | cut -d: -f1))" \
	"$(grep -A1 ' in 1 block' report.txt | sed -n 's|^ *at \(plugin_alloc\) (.*/|\1 (|p')"
! grep -q after_unload report.txt || fail "text report: after_unload's freed blocks listed"
pass "text report: nothing from after_unload"

# A C++ plugin loaded by the C program without RTLD_GLOBAL (binutils'
# LLVM plugin, a Python extension): libstdc++ comes with it, outside the
# global scope, and the plugin's operator new binds to the probe's.  The
# program runs as without the probe (it used to abort), the plugin's
# operators are recorded, and a std::bad_alloc thrown through the probe's
# operator new[] is caught in the plugin.
record -- "$PROGS/plugin" "$PROGS/.libs/plugin-cxx.so"
expect "C++ plugin: status" 0 "$rc"
expect "C++ plugin: stdout" "plugin: done" "$(cat out)"
t=$(one_trace)
sites "$t" | grep -E '^(cxx_alloc|cxx_obj|after_unload) ' >sites.txt
cat >expected <<'END'
after_unload malloc 64 allocs=3 frees=3
cxx_alloc operator_new[] 333 allocs=5 frees=4
cxx_obj operator_new 40 allocs=3 frees=3
END
expect_file "C++ plugin: allocations per call site" expected sites.txt
expect "C++ plugin: operator delete[] calls" 4 "$(count functions 'operator delete[]' "$t")"
