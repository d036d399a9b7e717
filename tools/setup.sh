#!/usr/bin/env bash
# Installs whatever keyshard's build, tests and tools need (Debian 12 packages) and builds it.
# Usage: tools/setup.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake g++ ninja-build pkg-config python3
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libhiredis-dev libtoml11-dev libgtest-dev
  liblzf-dev                 # LZF compression of RDB strings
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev libmsgpuck-dev libssl-dev  # Lua scripting, SHA-1
  redis-server redis-tools   # the reference server for differential tests and benchmarks
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's redis-server package starts a service on 6379 where an init system runs; the
# tests never use it (they start their own servers on free ports).

BUILD_DIR="${1:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
cmake --build "$BUILD_DIR" -j"${JOBS:-$(nproc)}"
