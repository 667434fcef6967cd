#!/usr/bin/env bash
# A service binary's --help and --helpfull: exit 0 (Abseil's own exit 1),
# print every flag with its environment variable, and start nothing.
# Usage: service_help_test.sh BINARY FLAG_OF_ITS_OWN
set -u
bin=$1
own=$2
status=0
for arg in --help --helpfull; do
  out=$("$bin" "$arg" 2>&1)
  rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: $bin $arg exited $rc"
    status=1
  fi
  for want in "--$own" --mysql_database CSM_MYSQL_DATABASE --listen_address; do
    if ! grep -q -- "$want" <<<"$out"; then
      echo "FAIL: $bin $arg does not mention $want"
      status=1
    fi
  done
  if grep -q '"serving"' <<<"$out"; then
    echo "FAIL: $bin $arg started serving"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "ok: $bin --help and --helpfull"
exit "$status"
