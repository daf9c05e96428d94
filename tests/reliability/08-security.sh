#!/bin/sh
# Security of the trace: created 0600 with O_EXCL|O_NOFOLLOW, and no
# environment variable in it.
. "$top_srcdir/tests/reliability/lib.sh"

secret=s3cr3t-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
umask 022
MY_API_TOKEN=$secret record_limited 60 -- "$PROGS/sites"
expect "status" 0 "$rc"
t=$(one_trace)
expect "mode" 600 "$(stat -c %a "$t")"
dump_ok "$t"
! grep -q "$secret" "$t" "$t.dump" || fail "the secret from the environment is in the trace"
pass "no environment variable in the trace"

# The probe opens with O_CREAT|O_EXCL|O_NOFOLLOW: strace shows it.
if command -v strace >/dev/null 2>&1; then
	rm -f "$t"
	strace -f -e trace=openat -o strace.txt "$MA" record -- "$PROGS/sites" >/dev/null 2>&1
	grep 'openat(.*\.trace", O_WRONLY' strace.txt >opens.txt || true
	expect "trace opens for writing" 1 "$(wc -l <opens.txt)"
	for flag in O_CREAT O_EXCL O_NOFOLLOW O_APPEND O_CLOEXEC 0600; do
		expect_grep "open flag $flag" "$flag" opens.txt
	done
else
	echo "note: strace not installed; open flags checked by 07-faults.sh only"
fi
