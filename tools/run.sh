#!/usr/bin/env bash
# Sets up (packages, build) and runs keyshard with proxy.toml. Extra flags pass through,
# e.g. tools/run.sh --port 7000 --shards 4
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh build
exec build/keyshard --config proxy.toml "$@"
