#!/bin/sh
# The workspace scan on a generated tree: lines of code by language,
# Cargo features defined and enabled by default, a memory setting, and
# the RAM given with --ram, exactly, in the report's JSON.
. "$top_srcdir/tests/full/lib.sh"

"$MA" record -o t.trace -- /bin/true >/dev/null 2>&1 || fail "record /bin/true"
mkdir -p ws/src ws/lib ws/tools ws/target/debug ws/.git
# lines PATH N: N non-blank lines, with blank lines between them.
lines() { i=0; while [ $i -lt "$2" ]; do echo "line_$i();"; echo; i=$((i + 1)); done >"$1"; }
lines ws/src/main.rs 12
lines ws/src/util.rs 5
lines ws/lib/a.c 7
lines ws/lib/a.h 2
lines ws/tools/gen.py 4
lines ws/target/debug/build.rs 100     # build output: skipped
lines ws/.git/hook.sh 50               # VCS: skipped
cat >ws/Cargo.toml <<'TOML'
[package]
name = "ide"
version = "0.1.0"
edition = "2021"

[features]
default = ["core", "lsp"]
core = []
lsp = []
ai-basic = ["core"]
memory-optimized = []
TOML
cat >ws/src/config.rs <<'RS'
let config = MemoryConfig {
    lru_cache_size: 50_000_000,
    memory_mapping: true,
};
RS

full ws t.trace --workspace-path ws --ram 4GiB
expect "total lines" 34 "$(q ws "d['workspace']['total_lines']")"
expect "Rust" "3 files, 21 lines" \
	"$(q ws "[f'{x[\"files\"]} files, {x[\"lines\"]} lines' for x in d['workspace']['languages'] if x['language'] == 'Rust'][0]")"
expect "C" "2 files, 9 lines" \
	"$(q ws "[f'{x[\"files\"]} files, {x[\"lines\"]} lines' for x in d['workspace']['languages'] if x['language'] == 'C'][0]")"
expect "Python" 4 "$(q ws "[x['lines'] for x in d['workspace']['languages'] if x['language'] == 'Python'][0]")"
expect "size class" small "$(q ws "d['workspace']['size_class']")"
expect "package" ide "$(q ws "d['workspace']['cargo_packages'][0]['name']")"
expect "features" "['ai-basic', 'core', 'lsp', 'memory-optimized']" \
	"$(q ws "sorted(d['workspace']['cargo_packages'][0]['features'])")"
expect "default features" "['core', 'lsp']" \
	"$(q ws "d['workspace']['cargo_packages'][0]['default_features']")"
expect "memory setting" "lru_cache_size=50_000_000 src/config.rs:2" \
	"$(q ws "' '.join(x['key'] + '=' + x['value'] + ' ' + x['file'] + ':' + str(x['line']) for x in d['workspace']['memory_settings'] if x['key'] == 'lru_cache_size')")"
expect "ram" "4294967296 --ram" "$(q ws "str(d['workspace']['ram_bytes']) + ' ' + d['workspace']['ram_source']")"

# The RAM from the workspace's configuration when --ram is not given.
printf '[workspace]\nram = 8GB\n' >ws/.memory-analyzer.conf
full ws2 t.trace --workspace-path ws
expect "ram from config" "8000000000 [workspace] ram" \
	"$(q ws2 "str(d['workspace']['ram_bytes']) + ' ' + d['workspace']['ram_source']")"

# Without a workspace the scan is not made, and says so in the text.
"$MA" --report-type full t.trace >text || fail "text: exit $?"
expect_grep "no scan" "not scanned: no --workspace-path" text
