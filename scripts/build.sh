#!/bin/sh
# Configures (once) and builds memory-analyzer out of tree.
#   scripts/build.sh DIR [CONFIGURE-ARGS...]
# DIR is relative to the source tree.  Warnings are errors.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/$1
shift
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null 2>&1)
mkdir -p "$dir"
[ -f "$dir/Makefile" ] || (cd "$dir" && "$top/configure" -q --enable-werror "$@")
make -C "$dir" -s -j"$(nproc 2>/dev/null || echo 2)"
