#!/usr/bin/env bash
# Writes the protobuf descriptor set that the Envoy gateway's gRPC-JSON
# transcoder reads (k8s/gateway/), from the contracts in protos/:
#   bash scripts/gateway-descriptor.sh [OUT]   (default k8s/gateway/descriptors/csm.binpb)
# k8s/kustomization.yaml packs it into the ConfigMap csm-gateway-descriptors.
# Run it again whenever a .proto changes. It is the same as
#   protoc -Iprotos -I<googleapis> -I/usr/include --include_imports \
#     --descriptor_set_out=OUT protos/csm/**/*.proto \
#     google/rpc/status.proto google/rpc/error_details.proto
# google.rpc.Status and BadRequest are included so that Envoy can render
# errors and their field violations as JSON (convert_grpc_status).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
googleapis=/usr/share/gocode/src/github.com/gogo/googleapis
out=${1:-k8s/gateway/descriptors/csm.binpb}

if ! command -v protoc > /dev/null 2>&1 || [ ! -d "$googleapis/google/rpc" ]; then
  echo "gateway-descriptor: protoc or $googleapis missing; run scripts/install-deps.sh" >&2
  exit 1
fi
mapfile -t protos < <(cd protos && find csm -name '*.proto' | LC_ALL=C sort)
mkdir -p "$(dirname "$out")"
protoc -Iprotos -I"$googleapis" -I/usr/include --include_imports \
  --descriptor_set_out="$out" "${protos[@]}" \
  google/rpc/status.proto google/rpc/error_details.proto
echo "gateway-descriptor: wrote $out ($(wc -c < "$out") bytes, ${#protos[@]} csm files)"
