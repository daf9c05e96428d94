#!/bin/sh
# Sets everything up on a fresh Debian 12 machine and runs the main job:
# install the packages (when run as root), build, record the bundled demo
# workload (an AI IDE's model manager) under the probe, and print the full
# report of its workspace.
#   ./demo.sh [DEMO-OPTIONS...]     e.g. ./demo.sh --profile leaky
set -eu
top=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then
	sh "$top/scripts/install-deps.sh"
else
	echo "demo.sh: not root, so not installing packages (see scripts/install-deps.sh)" >&2
fi
sh "$top/scripts/build.sh" build
ma=$top/build/memory-analyzer
ws=$top/build/demo-workspace
mkdir -p "$ws"
[ $# -gt 0 ] || set -- --profile leaky
"$ma" record --workspace-path "$ws" -- "$top/build/memory-analyzer-demo" \
	--model-dir "$ws/.memory-analyzer/demo-models" "$@"
"$ma" --workspace-path "$ws" --report-type full
