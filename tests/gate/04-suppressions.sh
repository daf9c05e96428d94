#!/bin/sh
# Suppressions remove exactly the leaks they match, and the unused ones
# are listed.
. "$top_srcdir/tests/gate/lib.sh"

rec leaky a
cat >supp <<'END'
# one-time cache, freed by the OS at exit
function:cache_init

function:never_*
file:nothing.c
END

run_ma check --max-leaked 0 --max-leaked-blocks 0 leaky.trace
expect "without suppressions" 1 "$rc"
expect_line "both leaks count" "FAIL leaked_blocks 5 > 0: top sites: leak_here (leaky.c:42) 4.0 KiB in 4 blocks, cache_init (leaky.c:36) 512 B in 1 block"

run_ma check --suppressions supp --max-leaked 4KiB --max-leaked-blocks 4 leaky.trace
expect "cache suppressed: exit status" 0 "$rc"
expect_line "exactly the cache's bytes go" "PASS leaked_bytes 4.0 KiB <= 4.0 KiB"
expect_line "exactly the cache's block goes" "PASS leaked_blocks 4 <= 4"
expect_err "unused rule listed" \
	"memory-analyzer: warning: unused suppression 'function:never_*' ('supp' line 4)"
expect_err "unused file rule listed" \
	"memory-analyzer: warning: unused suppression 'file:nothing.c' ('supp' line 5)"
expect "used rule not listed" 0 "$(grep -c 'cache_init' err || true)"

# A file pattern, a module pattern (every leak is in the program), and
# the LSan-style kind that tries all three.
printf 'file:leaky.c\n' >supp-file
run_ma check --suppressions supp-file --max-leaked 0 leaky.trace
expect "file rule suppresses both" 0 "$rc"
printf 'module:lea*\n' >supp-mod
run_ma check --suppressions supp-mod --max-leaked 0 leaky.trace
expect "module rule suppresses both" 0 "$rc"
printf 'leak:leak_*\n' >supp-any
run_ma check --suppressions supp-any --max-leaked 0 leaky.trace
expect "leak: rule, exit status" 1 "$rc"
expect_line "leak: rule suppresses leak_here only" \
	"FAIL leaked_bytes 512 B > 0 B: top sites: cache_init (leaky.c:36) 512 B in 1 block"

# From the config file's [suppressions].
mkdir ws
printf '[suppressions]\nleak = cache_init\nleak = leak_here\n' >ws/.memory-analyzer.conf
run_ma check --workspace-path ws --max-leaked 0 leaky.trace
expect "config suppressions" 0 "$rc"

# A bad file is a usage error naming the line; a missing one unreadable.
printf 'function:ok\nfn:cache_init\n' >bad
run_ma check --suppressions bad --max-leaked 0 leaky.trace
expect "bad kind: exit status" 2 "$rc"
expect_err "bad kind: message" \
	"memory-analyzer: 'bad' line 2: unknown kind 'fn' (function, file, module or leak)"
printf 'cache_init\n' >bad2
run_ma check --suppressions bad2 --max-leaked 0 leaky.trace
expect "no kind: exit status" 2 "$rc"
run_ma check --suppressions missing --max-leaked 0 leaky.trace
expect "missing file: exit status" 3 "$rc"
expect_err "missing file: message" \
	"memory-analyzer: cannot read 'missing': No such file or directory"
