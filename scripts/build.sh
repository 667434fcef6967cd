#!/usr/bin/env bash
# Configures (Ninja, ccache when present) and builds everything:
#   bash scripts/build.sh [extra cmake configure args, e.g. -DCSM_BUILD_BENCHMARKS=OFF]
# Environment: BUILD_DIR (default build), CMAKE_BUILD_TYPE (default
# RelWithDebInfo), JOBS (default nproc), BUILD_TARGETS (default: all; the
# run command builds only the binaries it starts). Binaries land in
#   $BUILD_DIR/customer-svc/customer-svc, $BUILD_DIR/tools/csmctl, ...,
#   $BUILD_DIR/gateway/csm-gateway (Go; its GOPATH and build cache live in
#   $BUILD_DIR/gateway too: gateway/build.sh)
# Run scripts/install-deps.sh first on a fresh machine (test.sh and
# run-local.sh do).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=${BUILD_DIR:-build}
build_type=${CMAKE_BUILD_TYPE:-RelWithDebInfo}
jobs=${JOBS:-$(nproc)}

# A build dir configured with another generator cannot be switched in place.
if [ -f "$build_dir/CMakeCache.txt" ] &&
  ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$build_dir/CMakeCache.txt"; then
  echo "build: $build_dir was configured with another generator than Ninja;" >&2
  echo "build: remove it (rm -rf $build_dir) or choose another BUILD_DIR" >&2
  exit 1
fi

configure=(-S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type")
if command -v ccache > /dev/null 2>&1; then
  configure+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths relative to the checkout, so clones in other folders share hits.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
fi

started=$(date +%s)
echo "build: configuring $build_dir ($build_type)"
cmake "${configure[@]}" "$@"
echo "build: building with -j$jobs"
targets=()
for t in ${BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j"$jobs" "${targets[@]}"
echo "build: done in $(($(date +%s) - started)) s"
