#!/usr/bin/env bash
# Sets up (packages, build) and runs every test: googletest unit and integration tests
# (ctest), the compatibility corpus against a real redis-server, and the concurrency test
# again under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh build

echo "== unit and integration tests"
(cd build && ctest --output-on-failure -j2 --timeout 600)

if [ -x tools/compat/ci.sh ] && [ -x build/keyshard-compat ]; then
  echo "== compatibility corpus: keyshard vs redis-server"
  tools/compat/ci.sh build/keyshard build/keyshard-compat tests/compat
fi

if [ "${KEYSHARD_SKIP_TSAN:-0}" != 1 ]; then
  echo "== concurrency test under ThreadSanitizer"
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEYSHARD_SANITIZE=thread >/dev/null
  cmake --build build-tsan -j"$(nproc)" --target keyshard integration_tests
  # The server is the TSAN build; any race report makes it exit non-zero at shutdown.
  TSAN_OPTIONS="halt_on_error=1 exitcode=66" KEYSHARD_BIN="$PWD/build-tsan/keyshard" \
    build-tsan/tests/integration_tests --gtest_filter='Concurrency*'
fi
echo "== all tests passed"
