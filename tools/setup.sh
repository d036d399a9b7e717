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
  chromium                   # headless browser test of the admin page (tests/browser/)
  nutcracker                 # twemproxy, the proxy tools/bench-remote compares with
  python3-redis python3-rq python3-celery   # real clients of tests/clients (redis-py 4.3, RQ 1.13, Celery 5.2)
)
# Node.js for BullMQ (tests/clients): Debian's only where no node/npm is installed already (CI
# images bring Node.js 20 with npm from NodeSource, which Debian's npm package conflicts with).
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

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

# Node client libraries for tests/clients, pinned, kept outside the repository in
# $KEYSHARD_CLIENTS_DIR/node (default /var/cache/keyshard-clients/node, which the tests read
# too); installed only when that version is missing. BullMQ (queues), ioredis (pub/sub with
# patterns), Socket.IO and its Redis adapter (broadcast between servers), node-redis 5
# (clientSideCache: client tracking).
CLIENTS_DIR="${KEYSHARD_CLIENTS_DIR:-/var/cache/keyshard-clients}"
NODE_PKGS=(bullmq@6.7.0 ioredis@5.11.1 socket.io@4.8.4 @socket.io/redis-adapter@8.3.0 socket.io-client@4.8.1 redis@5.12.4)
node_pkg_present() {  # name@version installed under $CLIENTS_DIR/node?
  local f="$CLIENTS_DIR/node/node_modules/${1%@*}/package.json"
  [ -f "$f" ] && grep -q "\"version\": \"${1##*@}\"" "$f"
}
need_npm=0
for p in "${NODE_PKGS[@]}"; do node_pkg_present "$p" || need_npm=1; done
if [ "$need_npm" = 1 ]; then
  echo "setup: installing ${NODE_PKGS[*]} into $CLIENTS_DIR/node"
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && ! { [ -d "$CLIENTS_DIR" ] && [ -w "$CLIENTS_DIR" ]; }; then SUDO="sudo"; fi
  $SUDO mkdir -p "$CLIENTS_DIR/node"
  $SUDO npm install --prefix "$CLIENTS_DIR/node" --no-audit --no-fund --save-exact --loglevel=error "${NODE_PKGS[@]}" >/dev/null
fi
# Debian's redis-server package starts a service on 6379 where an init system runs; the
# tests never use it (they start their own servers on free ports).


BUILD_DIR="${1:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
cmake --build "$BUILD_DIR" -j"${JOBS:-$(nproc)}"
