#!/bin/sh
# Frames in libstdc++.so.6: a module name with "+" in it.  The shell
# helpers (tests/e2e/lib.sh) split MODULE+0xOFFSET at the last "+", and
# the analyzer names the libstdc++ function in its report.
. "$top_srcdir/tests/e2e/lib.sh"

record -- "$top_builddir/tests/symbols/cxx_string"
expect "status" 0 "$rc"
expect "stdout" "cxx_string: done" "$(cat out)"
t=$(one_trace)

# The 5001-byte block: frame #0 is in libstdc++, in a member of
# std::string (_M_create, or reserve when that inlines it).
sites "$t" >sites.txt
line=$(grep ' operator_new 5001 ' sites.txt) || { cat sites.txt >&2; fail "no 5001-byte block"; }
case $line in
*basic_string*_M_create*' allocs=1 frees=1' | *basic_string*reserve*' allocs=1 frees=1') ;;
*) fail "the 5001-byte block: '$line' is not named as a std::string member of libstdc++" ;;
esac
pass "libstdc++ frame resolved: ${line%% *}"
frame=$(awk "$site_events_awk" "$t.dump" "$t.dump" | awk '$1 == "alloc" && $3 == 5001 { print $2; exit }')
case $frame in
libstdc++.so.6+0x*) pass "frame as module+offset: $frame" ;;
*) fail "frame of the 5001-byte block: '$frame', not in libstdc++.so.6" ;;
esac

# The analyzer's own symbolizer: the same function, demangled.
"$MA" --report-type allocations --format json --top 0 "$t" >report.json || fail "report exited $?"
python3 -c 'import json, sys
def walk(o):
    if isinstance(o, dict):
        if isinstance(o.get("function"), str): print(o["function"])
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(open("report.json")))' >functions.txt || fail "cannot read the JSON report"
expect_grep "report names the std::string member" \
	'^std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::\(_M_create\|reserve\)' functions.txt
