#!/usr/bin/env bash
# Builds the REST gateway from protos/ (CMake's csm-gateway targets call it;
# it also works by hand):
#   bash gateway/build.sh OUT_DIR          # OUT_DIR/csm-gateway
#   bash gateway/build.sh OUT_DIR --tests  # the test binaries and descriptor set
# OUT_DIR holds everything it makes: the GOPATH with the generated code
# (OUT_DIR/gopath/src/csmpb), the Go build cache (OUT_DIR/go-cache), the
# binary. Go runs offline in GOPATH mode against Debian's packages under
# /usr/share/gocode (grpc-gateway 1.6.4, golang/protobuf 1.3.5, grpc 1.33).
#
# Generation, from every protos/csm/**/*.proto (new files and areas are
# picked up without editing this script):
#   - protoc-gen-go (plugins=grpc) for every package;
#   - protoc-gen-grpc-gateway (allow_patch_feature=false) and
#     protoc-gen-swagger for every backend area (csm/<area>/ with a gateway
#     flag --<area>_addr); csm/common and csm/events are shared contracts:
#     messages only (EventService streams stay on gRPC, docs/api.md);
#   - csmpb/gateway/services.go: the list of every generated service with
#     its backend and Register function, and the OpenAPI files to embed.
set -euo pipefail

if (($# < 1)); then
  echo "usage: gateway/build.sh OUT_DIR [--tests]" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
mode=${2:-binary}

# The backend areas: each one has a --<area>_addr flag in gateway/main.go.
backend_areas=" customer complaint reporting "
shared_areas=" common events "

googleapis=/usr/share/gocode/src/github.com/gogo/googleapis
gopath=$out/gopath
gen=$gopath/src/csmpb
export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$out/go-cache"
export GOFLAGS= GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0

for tool in go protoc /usr/bin/protoc-gen-go protoc-gen-grpc-gateway protoc-gen-swagger; do
  if ! command -v "$tool" > /dev/null 2>&1; then
    echo "gateway: $tool not found; run scripts/install-deps.sh" >&2
    exit 1
  fi
done

# grpc-gateway 1.6.4 needs golang/protobuf 1.3; 1.4+ (protoc-gen-go 1.2x,
# golang-github-golang-protobuf-1-5-dev) replaces it and breaks this build.
if grep -qs 'google.golang.org/protobuf' /usr/share/gocode/src/github.com/golang/protobuf/proto/*.go; then
  echo "gateway: /usr/share/gocode has golang/protobuf 1.4 or later; install" >&2
  echo "gateway: golang-goprotobuf-dev (1.3.5) instead of golang-github-golang-protobuf-1-5-dev" >&2
  exit 1
fi

# The source tree is csm/gateway inside the GOPATH.
mkdir -p "$gopath/src/csm"
ln -sfn "$root/gateway" "$gopath/src/csm/gateway"

generate() {
  local started m f d area pkg files
  started=$(date +%s%N)
  rm -rf "$gen"
  mkdir -p "$gen/gateway/openapi"
  # Import paths: no .proto has a go_package (and gogo's googleapis say
  # "api"), so every file is mapped: ours to csmpb/<dir>, Google's to the
  # packages Debian ships.
  m="Mgoogle/api/annotations.proto=google.golang.org/genproto/googleapis/api/annotations"
  m+=",Mgoogle/api/http.proto=google.golang.org/genproto/googleapis/api/annotations"
  m+=",Mgoogle/rpc/status.proto=google.golang.org/genproto/googleapis/rpc/status"
  m+=",Mgoogle/rpc/error_details.proto=google.golang.org/genproto/googleapis/rpc/errdetails"
  m+=",Mgoogle/rpc/code.proto=google.golang.org/genproto/googleapis/rpc/code"
  m+=",Mgoogle/type/date.proto=google.golang.org/genproto/googleapis/type/date"
  m+=",Mgoogle/type/timeofday.proto=google.golang.org/genproto/googleapis/type/timeofday"
  m+=",Mgoogle/type/money.proto=google.golang.org/genproto/googleapis/type/money"
  m+=",Mgoogle/protobuf/any.proto=github.com/golang/protobuf/ptypes/any"
  m+=",Mgoogle/protobuf/duration.proto=github.com/golang/protobuf/ptypes/duration"
  m+=",Mgoogle/protobuf/empty.proto=github.com/golang/protobuf/ptypes/empty"
  m+=",Mgoogle/protobuf/struct.proto=github.com/golang/protobuf/ptypes/struct"
  m+=",Mgoogle/protobuf/timestamp.proto=github.com/golang/protobuf/ptypes/timestamp"
  m+=",Mgoogle/protobuf/wrappers.proto=github.com/golang/protobuf/ptypes/wrappers"
  m+=",Mgoogle/protobuf/field_mask.proto=google.golang.org/genproto/protobuf/field_mask"
  mapfile -t files < <(cd "$root/protos" && find csm -name '*.proto' | LC_ALL=C sort)
  for f in "${files[@]}"; do m+=",M$f=csmpb/$(dirname "$f")"; done

  local includes=(-I"$root/protos" -I"$googleapis" -I/usr/include)
  # protoc-gen-go 1.3 wants one Go package per run.
  for d in $(printf '%s\n' "${files[@]}" | xargs -n1 dirname | LC_ALL=C sort -u); do
    area=${d#csm/}
    area=${area%%/*}
    local in=()
    for f in "${files[@]}"; do [ "$(dirname "$f")" = "$d" ] && in+=("$f"); done
    local plugins=(--plugin=protoc-gen-go=/usr/bin/protoc-gen-go
      --go_out="plugins=grpc,$m:$gen")
    if [[ "$backend_areas" == *" $area "* ]]; then
      plugins+=(--grpc-gateway_out="allow_patch_feature=false,$m:$gopath/src"
        --swagger_out="json_names_for_fields=true:$gen/gateway/openapi")
    elif [[ "$shared_areas" != *" $area "* ]] && grep -q '^service ' "${in[@]/#/$root/protos/}"; then
      echo "gateway: protos/$d has services but the gateway has no backend '$area';" >&2
      echo "gateway: add a --${area}_addr flag (gateway/main.go) and '$area' to backend_areas here" >&2
      exit 1
    fi
    protoc "${includes[@]}" "${plugins[@]}" "${in[@]}"
  done
  # protoc-gen-swagger mirrors the proto paths; flatten to one folder.
  find "$gen/gateway/openapi" -name '*.swagger.json' | while read -r f; do
    local rel=${f#"$gen/gateway/openapi/"}
    [ "$rel" = "${rel//\//}" ] || mv "$f" "$gen/gateway/openapi/${rel//\//_}"
  done
  find "$gen/gateway/openapi" -mindepth 1 -type d -empty -delete

  write_services
  echo "gateway: generated Go code for ${#files[@]} proto files ($((($(date +%s%N) - started) / 1000000)) ms)"
}

# services.go: every RegisterXHandler the generator wrote, with its backend.
write_services() {
  local s=$gen/gateway/services.go imports="" entries="" gw rel dir area pkg svc proto
  local -A alias=()
  while read -r gw; do
    rel=${gw#"$gen/"}
    dir=$(dirname "$rel")
    area=${rel#csm/}
    area=${area%%/*}
    proto=${rel%.pb.gw.go}.proto
    pkg=$(sed -n 's/^package \([A-Za-z0-9_.]*\);.*/\1/p' "$root/protos/$proto")
    if [ -z "${alias[$dir]:-}" ]; then
      alias[$dir]=p${#alias[@]}
      imports+="	${alias[$dir]} \"csmpb/$dir\""$'\n'
    fi
    for svc in $(sed -n 's/^func Register\([A-Za-z0-9_]*\)HandlerClient(.*/\1/p' "$gw"); do
      entries+="	{Name: \"$pkg.$svc\", Backend: \"$area\", File: \"$proto\", Register: ${alias[$dir]}.Register${svc}Handler},"$'\n'
    done
  done < <(find "$gen/csm" -name '*.pb.gw.go' | LC_ALL=C sort)
  cat > "$s" << EOF
// Code generated by gateway/build.sh from protos/; DO NOT EDIT.

// Package gateway lists every service the gateway serves, generated from
// the contracts at build time.
package gateway

import (
	"embed"

	"csm/gateway/proxy"
$imports)

// OpenAPI holds protoc-gen-swagger's documents, one per proto file.
//
//go:embed openapi
var OpenAPI embed.FS

// Services in a stable order (by proto file, then as declared).
var Services = []proxy.Service{
$entries}
EOF
}

build_binary() {
  local started
  started=$(date +%s%N)
  go build -trimpath -o "$out/csm-gateway" csm/gateway
  # Go skips rewriting an up-to-date binary; Ninja compares times.
  touch "$out/csm-gateway"
  echo "gateway: built $out/csm-gateway ($((($(date +%s%N) - started) / 1000000)) ms)"
}

build_tests() {
  local started
  started=$(date +%s%N)
  # The descriptor set the route test checks against (every RPC, its rule).
  mapfile -t files < <(cd "$root/protos" && find csm -name '*.proto' | LC_ALL=C sort)
  protoc -I"$root/protos" -I"$googleapis" -I/usr/include --include_imports \
    --descriptor_set_out="$out/csm.binpb" "${files[@]}"
  go test -trimpath -c -o "$out/gateway_proxy_test" csm/gateway/proxy
  go test -trimpath -c -o "$out/gateway_e2e_test" csm/gateway/e2e
  touch "$out/gateway_proxy_test" "$out/gateway_e2e_test"
  echo "gateway: built the tests ($((($(date +%s%N) - started) / 1000000)) ms)"
}

case "$mode" in
  binary)
    generate
    build_binary
    ;;
  --tests) build_tests ;;
  *)
    echo "gateway: unknown mode $mode" >&2
    exit 2
    ;;
esac
