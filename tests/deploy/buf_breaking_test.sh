#!/usr/bin/env bash
# The breaking-change check of scripts/buf-lint.sh can fail, and only when
# it should (ctest buf_breaking): on copies of protos/,
#   - an added field, an added message and an added RPC pass;
#   - a field whose type changes, a removed field and a renumbered field fail,
#     through buf breaking (not lint).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/csm-buf-breaking.XXXXXX")
trap 'rm -rf "$work"' EXIT
proto=csm/customer/v1/customer.proto
failures=0

# check NAME EXPECT(pass|fail) SED-SCRIPT...: edits a fresh copy of protos/
# with sed and runs the contract check on it.
check() {
  local name=$1 expect=$2 copy=$work/$1 rc=0 edits=()
  shift 2
  for e in "$@"; do edits+=(-e "$e"); done
  cp -r "$root/protos" "$copy"
  sed -i "${edits[@]}" "$copy/$proto"
  if cmp -s "$root/protos/$proto" "$copy/$proto"; then
    echo "buf_breaking: $name: the edit changed nothing (has $proto moved on?)" >&2
    failures=$((failures + 1))
    return
  fi
  CSM_PROTO_DIR=$copy CSM_BUF_IMAGE_DIR=$work/image-$name \
    bash "$root/scripts/buf-lint.sh" > "$work/$name.log" 2>&1 || rc=$?
  local why
  why=$(grep -m1 -E 'Previously present|changed (type|from)' "$work/$name.log" || true)
  if [ "$expect" = pass ] && [ "$rc" -eq 0 ]; then
    echo "buf_breaking: $name: passes"
  elif [ "$expect" = fail ] && [ "$rc" -ne 0 ] && [ -n "$why" ]; then
    echo "buf_breaking: $name: fails: ${why#*: }"
  else
    echo "buf_breaking: $name: expected to $expect, exit $rc:" >&2
    tail -n 5 "$work/$name.log" >&2
    failures=$((failures + 1))
  fi
}

# Inside `message Customer { ... }` only.
in_customer='/^message Customer {/,/^}/'
check added-field pass "$in_customer s|^  string name = 1;|  string name = 1;\n  string breaking_probe = 536870000;|"
check added-message pass '$ a\message BreakingProbe {\n  string note = 1;\n}'
check added-rpc pass '/^service CustomerService {/ a \  rpc BreakingProbe(BreakingProbeRequest) returns (Customer);' \
  '$ a message BreakingProbeRequest {\n  string note = 1;\n}'
check changed-type fail "$in_customer s|^  string display_name = 3;|  int64 display_name = 3;|"
check removed-field fail "$in_customer {/^  string display_name = 3;/d}"
check renumbered-field fail "$in_customer s|^  string archive_number = 2;|  string archive_number = 536870001;|"

[ "$failures" -eq 0 ] || exit 1
echo "buf_breaking: all cases as expected"
