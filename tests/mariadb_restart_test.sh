#!/usr/bin/env bash
# scripts/mariadb.sh start after a SIGKILL really starts a server (issue 8,
# item 10): a killed mariadbd that nobody reaps stays a zombie, and kill -0
# on its pid succeeds, so the script used to report "already running" and
# leave nothing listening. Run by ctest under tests/testing/subreaper, which
# keeps the killed server a zombie as a non-reaping container init would.
# Starts a private MariaDB in a temporary folder (socket only).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/csm-mariadb-restart.XXXXXX")
sock="$dir/mysqld.sock"
db() { bash "$root/scripts/mariadb.sh" "$@" "$dir"; }
sql() { mariadb --no-defaults --socket="$sock" -uroot -N -e "$1"; }
fail() {
  echo "FAIL: $*" >&2
  tail -n 20 "$dir/error.log" >&2 2>/dev/null || true
  exit 1
}
cleanup() {
  db stop > /dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

state_of() { sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null; }

db start
sql "CREATE DATABASE t; CREATE TABLE t.acked (id INT PRIMARY KEY) ENGINE=InnoDB;
     INSERT INTO t.acked VALUES (1), (2), (3);"
old=$(cat "$dir/mysqld.pid")

kill -9 "$old"
for _ in $(seq 1 100); do
  state=$(state_of "$old")
  [ -z "$state" ] || [ "$state" = Z ] && break
  sleep 0.1
done
state=$(state_of "$old")
if [ "${CSM_EXPECT_ZOMBIE:-1}" = 1 ] && [ "$state" != Z ]; then
  fail "the killed server $old is not a zombie (state '${state:-gone}'): run under tests/testing/subreaper"
fi
echo "killed mariadbd $old; its state is now ${state:-gone}"

db status && fail "status says running after the server was killed"
db start
new=$(cat "$dir/mysqld.pid")
[ "$new" != "$old" ] || fail "start reused the killed server's pid $old"
mariadb-admin --no-defaults --socket="$sock" -uroot ping > /dev/null ||
  fail "the restarted server does not answer"
[ "$(sql 'SELECT COUNT(*) FROM t.acked')" = 3 ] ||
  fail "committed rows were lost across the kill"
db status > /dev/null || fail "status does not see the restarted server"
# A second start is a no-op on the live server.
db start | grep -q "already running" || fail "a second start did not see the server"

db stop
db status && fail "status says running after stop"
echo "PASS: restarted after SIGKILL (pid $old -> $new), data intact"
