#!/bin/sh
# Installs the Debian 12 packages memory-analyzer needs to build, test and
# benchmark.  Run as root.
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake libtool pkg-config \
	libunwind-dev libdw-dev libelf-dev libzstd-dev libcmocka-dev \
	elfutils zstd file python3 git sqlite3 perl bash libxml2-utils \
	chromium firefox-esr fonts-dejavu-core valgrind python3-jsonschema cmark-gfm \
	libjemalloc2 libtcmalloc-minimal4 default-jre-headless clang-14 \
	libclang-rt-14-dev strace nodejs heaptrack dwz \
	>/dev/null
