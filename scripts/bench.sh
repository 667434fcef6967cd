#!/usr/bin/env bash
# The benchmark behind docs/benchmarks.md:
#   bash scripts/bench.sh
# Starts a private MariaDB (scripts/mariadb.sh, durable:
# innodb_flush_log_at_trx_commit=1) in $BUILD_DIR/bench, a schema and a user,
# customer-svc on 127.0.0.1:$BENCH_PORT, creates a team and a few hundred
# archives, then measures with csm-load, in one run:
#   - the baseline: grpc.health.v1 Check, a no-op call through the same server
#   - GetCustomer (16 and 64 in flight), ListCustomers (page 20) and
#     CreateCustomer (16 in flight)
#   - GetCustomer under the server knobs --max_threads and --mysql_pool_size
# Each figure is run $BENCH_REPS times, interleaved, and the median is
# reported with its ratio to the health-check baseline of the same server
# configuration and concurrency: the machine is shared, so ratios are what
# compare between runs. Everything started is stopped at the end (trap), and
# a watchdog ends the run after $BENCH_MAX_SECONDS.
#
# Needs the binaries (BUILD_DIR, default build):
#   customer-svc csm-load csm-token csmctl
# Environment (defaults in brackets):
#   BUILD_DIR [build]  BENCH_MYSQL_PORT [3317]  BENCH_PORT [50071]
#   BENCH_DURATION [3s]  BENCH_WARMUP [1s]  BENCH_REPS [3]  BENCH_CHANNELS [4]
#   BENCH_CUSTOMERS [300]  BENCH_KNOBS [1: also the max_threads/pool grid]
#   BENCH_LOG_LEVEL [warning: the per-call info line is not written]
#   BENCH_MAX_SECONDS [300]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build_dir=${BUILD_DIR:-build}
bench_dir=$build_dir/bench
mysql_port=${BENCH_MYSQL_PORT:-3317}
port=${BENCH_PORT:-50071}
addr=127.0.0.1:$port
duration=${BENCH_DURATION:-3s}
warmup=${BENCH_WARMUP:-1s}
reps=${BENCH_REPS:-3}
channels=${BENCH_CHANNELS:-4}
customers=${BENCH_CUSTOMERS:-300}
knobs=${BENCH_KNOBS:-1}
log_level=${BENCH_LOG_LEVEL:-warning}
max_seconds=${BENCH_MAX_SECONDS:-300}

svc_bin=$build_dir/customer-svc/customer-svc
load=$build_dir/tools/csm-load
csm_token=$build_dir/tools/csm-token
csmctl=$build_dir/tools/csmctl
db_dir=$bench_dir/mariadb
sock=$db_dir/mysqld.sock
svc_log=$bench_dir/customer-svc.log
results=$bench_dir/results.txt

say() { echo "bench: $*" >&2; }
die() {
  echo "bench: $*" >&2
  exit 1
}

for b in "$svc_bin" "$load" "$csm_token" "$csmctl"; do
  [ -x "$b" ] || die "$b not found; build it (BUILD_DIR=$build_dir):
  ninja -C $build_dir customer-svc csm-load csm-token csmctl"
done
port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
port_in_use "$port" && die "port $port is in use; set BENCH_PORT"
port_in_use "$mysql_port" && die "port $mysql_port is in use; set BENCH_MYSQL_PORT"

# --- stop everything we started, once, on any exit ---------------------------
svc_pid=
db_started=0
watchdog_pid=
cleaning=0

stop_service() {
  [ -n "$svc_pid" ] || return 0
  local i
  kill -TERM "$svc_pid" 2> /dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$svc_pid" 2> /dev/null || break
    sleep 0.1
  done
  kill -KILL "$svc_pid" 2> /dev/null || true
  wait "$svc_pid" 2> /dev/null || true
  svc_pid=
}

cleanup() {
  [ "$cleaning" = 0 ] || return 0
  cleaning=1
  trap '' INT TERM
  stop_service
  if [ "$db_started" = 1 ]; then scripts/mariadb.sh stop "$db_dir" > /dev/null || true; fi
  if [ -n "$watchdog_pid" ]; then kill "$watchdog_pid" 2> /dev/null || true; fi
}
trap cleanup EXIT
trap 'echo; cleanup; exit 130' INT
trap 'say "stopped (time limit of ${max_seconds} s or SIGTERM)"; cleanup; exit 143' TERM

# The whole run is bounded: past the limit the script ends itself (TERM trap).
(
  sleep "$max_seconds"
  kill -TERM $$ 2> /dev/null
) > /dev/null 2>&1 &
watchdog_pid=$!
started=$(date +%s)

# --- database, schema, user, secrets -----------------------------------------
# A fresh database every run: the figures do not depend on earlier runs.
if [ -f "$db_dir/mysqld.pid" ]; then scripts/mariadb.sh stop "$db_dir" > /dev/null || true; fi
rm -rf "$bench_dir"
mkdir -p "$bench_dir"
chmod 700 "$bench_dir"
secret() { LC_ALL=C tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 40 || true; }
(umask 077 && secret > "$bench_dir/mysql_password" && secret > "$bench_dir/jwt_secret")

load_before=$(uptime)
scripts/mariadb.sh start "$db_dir" "$mysql_port" > /dev/null
db_started=1
pw=$(cat "$bench_dir/mysql_password")
mariadb --no-defaults --socket="$sock" -uroot --batch << SQL
CREATE DATABASE csm_customer CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'customer_svc'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON csm_customer.* TO 'customer_svc'@'127.0.0.1';
SQL

export CSM_TOKEN
CSM_TOKEN=$(CSM_JWT_SECRET=$(cat "$bench_dir/jwt_secret") "$csm_token" \
  --staff=bench-load --roles=archivist,supervisor --department=客服部 --ttl=1h)

# --- the service --------------------------------------------------------------
# start_service MAX_THREADS POOL_SIZE
start_service() {
  local i
  echo "---- $(date -u +%FT%TZ) max_threads=$1 mysql_pool_size=$2" >> "$svc_log"
  CSM_LOG_LEVEL=$log_level "$svc_bin" \
    --listen_address="$addr" --metrics_address= \
    --mysql_host=127.0.0.1 --mysql_port="$mysql_port" \
    --mysql_user=customer_svc --mysql_password_file="$bench_dir/mysql_password" \
    --mysql_database=csm_customer \
    --jwt_secret_file="$bench_dir/jwt_secret" \
    --shutdown_grace_seconds=5 --visit_sweep_interval_seconds=0 \
    --max_threads="$1" --mysql_pool_size="$2" >> "$svc_log" 2>&1 &
  svc_pid=$!
  for ((i = 0; i < 60; i++)); do
    kill -0 "$svc_pid" 2> /dev/null || {
      tail -n 20 "$svc_log" >&2
      die "customer-svc exited during start-up"
    }
    "$csmctl" --addr="$addr" health > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  tail -n 20 "$svc_log" >&2
  die "customer-svc not serving after 30 s"
}

# --- measuring ----------------------------------------------------------------
# field LINE KEY: the value of KEY=... in a csm-load line.
field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<< " $1"; }
# median: of the numbers on stdin (spaces or lines); empty without any.
median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{v[NR]=$1} END {if (NR == 0) exit; if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }

seed=100
# run CONFIG NAME METHOD CONCURRENCY: one csm-load run, appended to $results.
run() {
  local config=$1 name=$2 method=$3 conc=$4 line
  seed=$((seed + 1))
  line=$(timeout 180 "$load" --addr="$addr" --method="$method" \
    --concurrency="$conc" --channels="$((conc < channels ? conc : channels))" \
    --duration="$duration" --warmup="$warmup" --seed="$seed" --page_size=20 \
    --team=bench 2> "$bench_dir/last-load.err") || {
    cat "$bench_dir/last-load.err" >&2
    die "csm-load failed: $config $name"
  }
  echo "$config $name $line" >> "$results"
  say "$config $name: $(field "$line" qps) QPS, p50 $(field "$line" p50_ms) ms, p99 $(field "$line" p99_ms) ms, errors $(field "$line" errors)"
}

# One server configuration: the figures in turn, $reps times (interleaved,
# so that a noisy moment hits every figure, not all runs of one).
# measure MAX_THREADS POOL "NAME METHOD CONC" ...
measure() {
  local mt=$1 pool=$2 config="mt=$1,pool=$2" r spec
  shift 2
  start_service "$mt" "$pool"
  for ((r = 1; r <= reps; r++)); do
    for spec in "$@"; do
      # shellcheck disable=SC2086
      run "$config" $spec
    done
  done
  stop_service
}

: > "$results"
start_service 64 16
say "creating team bench and $customers archives"
"$csmctl" --addr="$addr" call csm.customer.v1.CustomerService/CreateTeam \
  '{"team_id": "bench", "request_id": "bench-team", "team": {"display_name": "压测组", "department": "客服部", "member_ids": ["b01", "b02", "b03", "b04", "b05", "b06", "b07", "b08"]}}' \
  > /dev/null
seeded=$("$load" --addr="$addr" --method=create_customer --concurrency=8 \
  --channels=1 --calls="$customers" --warmup=0s --duration=60s --seed=1 --team=bench)
[ "$(field "$seeded" errors)" = 0 ] || die "seeding archives failed: $seeded"
stop_service

# The defaults (--max_threads=64, --mysql_pool_size=16) with every method.
measure 64 16 "health16 health 16" "get16 get_customer 16" \
  "list16 list_customers 16" "create16 create_customer 16" \
  "health64 health 64" "get64 get_customer 64"
# The knobs, GetCustomer only.
if [ "$knobs" = 1 ]; then
  for mt in 16 64; do
    for pool in 8 32; do
      measure "$mt" "$pool" "health64 health 64" "get16 get_customer 16" \
        "get64 get_customer 64"
    done
  done
fi
load_after=$(uptime)

# --- the table ----------------------------------------------------------------
summary() {
  local config name base qps_all qps p50 p99 errs n ratio mark
  printf '%-15s %-9s %-24s %9s %8s %8s %7s %s\n' config figure "QPS runs" \
    "QPS med" "p50 ms" "p99 ms" "ratio" errors
  while read -r config name; do
    qps_all=$(awk -v c="$config" -v n="$name" '$1 == c && $2 == n {for (i = 3; i <= NF; i++) if ($i ~ /^qps=/) {sub(/qps=/, "", $i); printf "%.0f ", $i}}' "$results")
    qps=$(median <<< "$qps_all")
    p50=$(awk -v c="$config" -v n="$name" '$1 == c && $2 == n {for (i = 3; i <= NF; i++) if ($i ~ /^p50_ms=/) {sub(/p50_ms=/, "", $i); print $i}}' "$results" | median)
    p99=$(awk -v c="$config" -v n="$name" '$1 == c && $2 == n {for (i = 3; i <= NF; i++) if ($i ~ /^p99_ms=/) {sub(/p99_ms=/, "", $i); print $i}}' "$results" | median)
    # Errors of all runs, summed by code.
    errs=$(awk -v c="$config" -v n="$name" '$1 == c && $2 == n {for (i = 3; i <= NF; i++) if ($i ~ /^errors=/ && $i != "errors=0") {sub(/errors=/, "", $i); k = split($i, parts, ","); for (j = 1; j <= k; j++) {split(parts[j], kv, ":"); sum[kv[1]] += kv[2]}}} END {e = ""; for (code in sum) e = e (e == "" ? "" : ",") code ":" sum[code]; print (e == "" ? "0" : e)}' "$results")
    n=${name//[!0-9]/}
    base=$(awk -v c="$config" -v n="health$n" '$1 == c && $2 == n {for (i = 3; i <= NF; i++) if ($i ~ /^qps=/) {sub(/qps=/, "", $i); print $i}}' "$results" | median)
    mark=
    if [ -z "$base" ]; then
      # No baseline at this concurrency in this configuration: the defaults'.
      base=$(awk -v n="health$n" '$1 == "mt=64,pool=16" && $2 == n {for (i = 3; i <= NF; i++) if ($i ~ /^qps=/) {sub(/qps=/, "", $i); print $i}}' "$results" | median)
      mark='*'
    fi
    ratio=$(awk -v a="$qps" -v b="$base" -v m="$mark" 'BEGIN {if (b > 0) printf "%.3f%s", a / b, m; else print "-"}')
    printf '%-15s %-9s %-24s %9.0f %8s %8s %7s %s\n' "$config" "$name" \
      "$qps_all" "$qps" "$p50" "$p99" "$ratio" "$errs"
  done < <(awk '{print $1, $2}' "$results" | awk '!seen[$0]++')
}

{
  echo
  echo "csm bench $(date -u +%FT%TZ), $(nproc) cores, $reps runs of $duration (+$warmup warm-up) each, median; $channels channels"
  echo "load before: $load_before"
  echo "load after:  $load_after"
  echo "ratio = median QPS / median health-check QPS of the same server configuration and concurrency"
  echo "        (* = against the health check of mt=64,pool=16, none measured in that configuration)"
  echo
  summary
  echo
  echo "raw lines: $results; service log: $svc_log; total $(($(date +%s) - started)) s"
} | tee "$bench_dir/summary.txt"
