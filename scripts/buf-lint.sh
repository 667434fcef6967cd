#!/usr/bin/env bash
# Lints the protobuf contracts (protos/csm/**) with buf, using protos/buf.yaml:
#   bash scripts/buf-lint.sh
# Exits non-zero on any finding. buf cannot fetch imports from a registry
# here, so protoc builds an image with the imports from Debian's packages
# (google/api and google/rpc from golang-github-gogo-googleapis-dev,
# google/protobuf from libprotobuf-dev) and buf lints only the csm/ files.
# Needs node_modules/.bin/buf: scripts/install-deps.sh installs it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
googleapis=/usr/share/gocode/src/github.com/gogo/googleapis
buf=node_modules/.bin/buf
image_dir=.buf-image
image=$image_dir/protos.binpb

if [ ! -x "$buf" ]; then
  echo "buf-lint: $buf not found; run scripts/install-deps.sh" >&2
  exit 1
fi
if ! command -v protoc > /dev/null 2>&1 || [ ! -d "$googleapis/google/api" ]; then
  echo "buf-lint: protoc or $googleapis missing; run scripts/install-deps.sh" >&2
  exit 1
fi

mapfile -t protos < <(cd protos && find csm -name '*.proto' | LC_ALL=C sort)
if ((${#protos[@]} == 0)); then
  echo "buf-lint: no .proto files under protos/csm" >&2
  exit 1
fi

mkdir -p "$image_dir"
protoc -Iprotos -I"$googleapis" -I/usr/include \
  --include_imports --include_source_info -o "$image" "${protos[@]}"
(cd protos && "../$buf" lint "../$image" --path csm --config buf.yaml)
echo "buf-lint: ${#protos[@]} files clean"
