# shellcheck shell=bash
# Shell functions that scripts/bench.sh and scripts/bench-reports.sh share;
# sourced, after the caller has defined die. Not a command of its own.

port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# free_port: a port nobody listens on now.
free_port() {
  local p i
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" && continue
    echo "$p"
    return 0
  done
  die "no free port found"
}

# stop_pid PID: SIGTERM, up to 15 s to exit, then SIGKILL; reaped either way.
stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2> /dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}

# start_watchdog SECONDS: SIGTERM to this script after SECONDS; sets
# watchdog_pid (the caller's cleanup kills it).
start_watchdog() {
  (
    sleep "$1"
    kill -TERM $$ 2> /dev/null
  ) > /dev/null 2>&1 &
  # shellcheck disable=SC2034  # read by the caller's cleanup
  watchdog_pid=$!
}

# fresh_run_dir DIR DB_DIR: an empty DIR (an earlier run's MariaDB in DB_DIR
# stopped first) with new secrets: DIR/mysql_password and DIR/jwt_secret.
# A fresh database every run: the figures do not depend on earlier runs.
fresh_run_dir() {
  if [ -f "$2/mysqld.pid" ]; then scripts/mariadb.sh stop "$2" > /dev/null || true; fi
  rm -rf "$1"
  mkdir -p "$1"
  chmod 700 "$1"
  local f
  for f in mysql_password jwt_secret; do
    (umask 077 && { LC_ALL=C tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 40 || true; } > "$1/$f")
  done
}
