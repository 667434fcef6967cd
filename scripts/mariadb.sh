#!/usr/bin/env bash
# A private MariaDB in a folder of the project: no systemd, no root service.
#   scripts/mariadb.sh start DIR [PORT]   init DIR on first use, start, wait
#   scripts/mariadb.sh stop DIR           stop and wait for exit
#   scripts/mariadb.sh status DIR
# With PORT the server also listens on 127.0.0.1:PORT; without it, only on
# the socket DIR/mysqld.sock. Root connects through the socket, no password.
# MARIADB_OPTIONS: extra server options for start, e.g.
# "--innodb-buffer-pool-size=2G" (scripts/bench-reports.sh).
set -euo pipefail

cmd=${1:?usage: mariadb.sh start|stop|status DIR [PORT]}
dir=${2:?usage: mariadb.sh start|stop|status DIR [PORT]}
port=${3:-}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock="$dir/mysqld.sock"
pidfile="$dir/mysqld.pid"
me=$(id -un)

# alive PID: the process exists and is not a zombie. A SIGKILLed mariadbd
# stays a zombie until its parent reaps it (an orphan's new parent may never
# do so), and kill -0 succeeds on zombies: the state in /proc says more.
alive() {
  local state
  state=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# running: the pid file names a live mariadbd (not a reused pid).
running() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" &&
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mariadbd ]
}

answers() {
  mariadb-admin --no-defaults --socket="$sock" -uroot ping > /dev/null 2>&1
}

# wait_until_answering SECONDS: 0 once the socket answers a ping.
wait_until_answering() {
  for _ in $(seq 1 $(($1 * 10))); do
    answers && return 0
    sleep 0.1
  done
  return 1
}

case "$cmd" in
  start)
    if running; then
      # Alive is not enough: it must answer (it may still be starting).
      if wait_until_answering 30; then
        echo "mariadb: already running in $dir (pid $(cat "$pidfile"))"
        exit 0
      fi
      echo "mariadb: pid $(cat "$pidfile") runs in $dir but does not answer on $sock" >&2
      exit 1
    fi
    # A pid file left by a killed server would make a new one refuse to
    # start or be mistaken for it.
    rm -f "$pidfile"
    # Its own temporary folder: two servers bootstrapping at once in a
    # shared /tmp collide on the same temporary table names (two bench
    # smoke tests in parallel did).
    mkdir -p "$dir/tmp"
    if [ ! -d "$dir/data/mysql" ]; then
      mariadb-install-db --no-defaults --user="$me" --datadir="$dir/data" \
        --tmpdir="$dir/tmp" --auth-root-authentication-method=normal --skip-test-db \
        > "$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
    fi
    read -r -a extra <<< "${MARIADB_OPTIONS:-}"
    net=(--skip-networking)
    if [ -n "$port" ]; then
      net=(--port="$port" --bind-address=127.0.0.1)
    fi
    # utf8mb4 explicitly: with --no-defaults the server would fall back to
    # latin1 and Chinese names would break.
    mariadbd --no-defaults --user="$me" --datadir="$dir/data" --tmpdir="$dir/tmp" \
      --socket="$sock" --pid-file="$pidfile" "${net[@]}" \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --skip-name-resolve --innodb-flush-log-at-trx-commit=1 \
      --max-connections=500 --log-error="$dir/error.log" \
      "${extra[@]}" > /dev/null 2>&1 &
    server=$!
    for _ in $(seq 1 300); do
      if answers; then
        echo "mariadb: running in $dir (socket $sock${port:+, port $port})"
        exit 0
      fi
      # Gave up (a bad option, the data dir locked by another server).
      alive "$server" || break
      sleep 0.1
    done
    echo "mariadb: did not start within 30 s; see $dir/error.log" >&2
    tail -n 20 "$dir/error.log" >&2 || true
    exit 1
    ;;
  stop)
    if ! running; then
      echo "mariadb: not running in $dir"
      exit 0
    fi
    pid=$(cat "$pidfile")
    kill "$pid"
    for _ in $(seq 1 300); do
      alive "$pid" || { echo "mariadb: stopped"; exit 0; }
      sleep 0.1
    done
    echo "mariadb: still running after 30 s; killing" >&2
    kill -9 "$pid" 2>/dev/null || true
    ;;
  status)
    if running && answers; then
      echo "running (pid $(cat "$pidfile"))"
    elif running; then
      echo "running (pid $(cat "$pidfile")) but not answering on $sock"
      exit 1
    else
      echo "stopped"
      exit 1
    fi
    ;;
  *)
    echo "usage: mariadb.sh start|stop|status DIR [PORT]" >&2
    exit 2
    ;;
esac
