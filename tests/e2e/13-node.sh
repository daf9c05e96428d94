#!/bin/sh
# node under record: the same stdout and exit status, every trace decodes.
. "$top_srcdir/tests/e2e/lib.sh"

command -v node >/dev/null || skip "node is not installed"
same_under_record node node -e '
const a = [];
for (let i = 0; i < 300000; i++) a.push({ i, s: "v" + i });
const m = new Map(a.map(o => [o.s, o.i]));
console.log(a.length, m.size, JSON.stringify(a.slice(0, 2)));'
