#!/usr/bin/env bash
# Lints the protobuf contracts (protos/csm/**) with buf, using protos/buf.yaml,
# and checks them against the contracts as released (buf breaking, rules
# FILE): a change that breaks a released v1 contract fails.
#   bash scripts/buf-lint.sh             lint + breaking-change check
#   bash scripts/buf-lint.sh --release   record protos/ as released: rewrites
#                                        protos/released/csm-v1.binpb (commit it
#                                        with the release)
# Exits non-zero on any finding. CSM_PROTO_DIR (default protos) checks
# another copy of the contracts (tests/deploy/buf_breaking_test.sh). buf cannot fetch imports from a registry
# here, so protoc builds an image with the imports from Debian's packages
# (google/api and google/rpc from golang-github-gogo-googleapis-dev,
# google/protobuf from libprotobuf-dev) and buf lints only the csm/ files.
# Needs node_modules/.bin/buf: scripts/install-deps.sh installs it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
googleapis=/usr/share/gocode/src/github.com/gogo/googleapis
buf=$PWD/node_modules/.bin/buf
proto_dir=${CSM_PROTO_DIR:-protos}
image_dir=${CSM_BUF_IMAGE_DIR:-.buf-image}
image=$image_dir/protos.binpb
# The contracts as released: an image (descriptor set with imports and
# source info) of protos/ at the last release.
released=protos/released/csm-v1.binpb

if [ ! -x "$buf" ]; then
  echo "buf-lint: $buf not found; run scripts/install-deps.sh" >&2
  exit 1
fi
if ! command -v protoc > /dev/null 2>&1 || [ ! -d "$googleapis/google/api" ]; then
  echo "buf-lint: protoc or $googleapis missing; run scripts/install-deps.sh" >&2
  exit 1
fi

mapfile -t protos < <(cd "$proto_dir" && find csm -name '*.proto' | LC_ALL=C sort)
if ((${#protos[@]} == 0)); then
  echo "buf-lint: no .proto files under protos/csm" >&2
  exit 1
fi

mkdir -p "$image_dir"
image=$(cd "$image_dir" && pwd)/${image##*/}
protoc -I"$proto_dir" -I"$googleapis" -I/usr/include \
  --include_imports --include_source_info -o "$image" "${protos[@]}"
if [ "${1:-}" = --release ]; then
  cp "$image" "$released"
  echo "buf-lint: recorded ${#protos[@]} files as released in $released ($(wc -c < "$released") bytes)"
  exit 0
fi
(cd "$proto_dir" && "$buf" lint "$image" --path csm --config buf.yaml)
echo "buf-lint: ${#protos[@]} files clean"
if [ ! -f "$released" ]; then
  echo "buf-lint: $released missing (bash scripts/buf-lint.sh --release at a release)" >&2
  exit 1
fi
# Only the csm files: the imports (google/*) are Debian's, not ours.
(cd "$proto_dir" && "$buf" breaking "$image" --against "$OLDPWD/$released" \
  --exclude-imports --config buf.yaml)
echo "buf-lint: no breaking change against $released"
