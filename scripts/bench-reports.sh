#!/usr/bin/env bash
# The reporting scale benchmark behind docs/benchmarks.md ("Reports at
# scale"):
#   bash scripts/bench-reports.sh          one year: 1,000,000 complaints over
#                                          100 departments, 50,000 archives
#   bash scripts/bench-reports.sh --quick  the same steps on 2,000 complaints,
#                                          10 departments, 500 archives (about a
#                                          minute; the figures mean nothing)
#   bash scripts/bench-reports.sh --help   this text
# 1. A private MariaDB (scripts/mariadb.sh, durable commits) in $BENCH_DIR;
#    customer-svc and complaint-svc are started once to migrate their
#    schemas and stopped.
# 2. csm-report-history writes the synthetic year into each source's outbox
#    (tools/report_history.cc: every complaint registered, some breached and
#    escalated, accepted, some transferred, resolved, confirmed, closed or
#    reopened; every archive created with a visit plan, most visited, some
#    with a kept promise); then both services serve it.
# 3. The ceiling: sysbench oltp_insert against the same MariaDB at 16
#    threads (and at 1: one durable commit after another), before and after
#    step 4; the ceiling is their mean.
# 4. reporting-svc starts on an empty schema and follows both sources
#    through StreamEvents: the apply rate is the events applied over the
#    time until both cursors reach the sources' last sequences and no
#    complaint or archive waits in the refresh queue.
# 5. csm-load times the monthly supervision report, the quarterly ranking
#    and the weekly report for the whole company: first one call of each
#    (the first after the catch-up, on cold pages), then at 1 and 4 in
#    flight a count of calls each after 2 s of warm-up.
# 6. `reporting-svc --rebuild` (every report table from sequence 0) timed
#    (BENCH_REBUILD=0 leaves it out: it takes about as long as step 4).
# The MariaDB data stays in $BENCH_DIR/mariadb after the run (stopped), for
# another look at the reports without applying the year again
# (docs/benchmarks.md, "Reports at scale").
# Prints a markdown summary (also $BENCH_DIR/summary.md); raw lines go to
# $BENCH_DIR/results.txt. Everything started is stopped at the end.
# Needs the binaries (BUILD_DIR, default build): customer-svc complaint-svc
# reporting-svc csm-load csm-token csmctl csm-report-history; and sysbench.
# Environment (defaults in brackets; --quick changes those marked q):
#   BUILD_DIR [build]  BENCH_DIR [$BUILD_DIR/bench-reports; q: ...-quick]
#   BENCH_COMPLAINTS [1000000; q: 2000]  BENCH_DEPARTMENTS [100; q: 10]
#   BENCH_CUSTOMERS [50000; q: 500]  BENCH_YEAR [2026]
#   BENCH_SECONDS [10; q: 1] per sysbench run
#   BENCH_REPORT_CALLS [100; q: 5] calls measured per report and concurrency
#     (each run ends after 110 s whatever the count)
#   BENCH_BUFFER_POOL [2G; q: 256M] MariaDB's innodb_buffer_pool_size (a year
#     of reports is a few GiB; the default 128M would measure the disk)
#   BENCH_MAX_SECONDS [7200; q: 300]  BENCH_REBUILD [1] 0: no step 6
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { echo "bench-reports: $*" >&2; }
die() {
  echo "bench-reports: $*" >&2
  exit 1
}

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument $arg (try --help)" ;;
  esac
done
q() { if [ "$quick" = 1 ]; then echo "$2"; else echo "$1"; fi; }
# elapsed T0 T1: seconds between two `date +%s.%N` readings.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }

build_dir=${BUILD_DIR:-build}
bench_dir=${BENCH_DIR:-$build_dir/$(q bench-reports bench-reports-quick)}
complaints=${BENCH_COMPLAINTS:-$(q 1000000 2000)}
departments=${BENCH_DEPARTMENTS:-$(q 100 10)}
customers=${BENCH_CUSTOMERS:-$(q 50000 500)}
year=${BENCH_YEAR:-2026}
seconds=${BENCH_SECONDS:-$(q 10 1)}
max_seconds=${BENCH_MAX_SECONDS:-$(q 7200 300)}
buffer_pool=${BENCH_BUFFER_POOL:-$(q 2G 256M)}
report_calls=${BENCH_REPORT_CALLS:-$(q 100 5)}
rebuild=${BENCH_REBUILD:-1}

bin_of() {
  case "$1" in
    customer-svc | complaint-svc | reporting-svc) echo "$build_dir/$1/$1" ;;
    *) echo "$build_dir/tools/$1" ;;
  esac
}
for b in customer-svc complaint-svc reporting-svc csm-load csm-token csmctl csm-report-history; do
  [ -x "$(bin_of "$b")" ] || die "$(bin_of "$b") not found; build it (BUILD_DIR=$build_dir):
  cmake --build $build_dir --target customer-svc complaint-svc reporting-svc csm-load csm-token csmctl csm-report-history"
done
command -v sysbench > /dev/null || die "sysbench not found; run scripts/install-deps.sh"

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
mysql_port=$(free_port)
declare -A addr_of=([customer-svc]=127.0.0.1:$(free_port)
  [complaint-svc]=127.0.0.1:$(free_port) [reporting-svc]=127.0.0.1:$(free_port))
db_dir=$bench_dir/mariadb
sock=$db_dir/mysqld.sock
results=$bench_dir/results.txt

# --- stop everything we started, once, on any exit ---------------------------
declare -A pid_of=()
db_started=0
watchdog_pid=
stop_service() {
  stop_pid "${pid_of[$1]:-}"
  unset "pid_of[$1]"
}
cleanup() {
  trap '' INT TERM
  for s in reporting-svc complaint-svc customer-svc; do stop_service "$s"; done
  if [ "$db_started" = 1 ]; then scripts/mariadb.sh stop "$db_dir" > /dev/null || true; fi
  if [ -n "$watchdog_pid" ]; then kill "$watchdog_pid" 2> /dev/null || true; fi
}
trap cleanup EXIT
trap 'echo; exit 130' INT
trap 'say "stopped (time limit of ${max_seconds} s or SIGTERM)"; exit 143' TERM
start_watchdog "$max_seconds"
started=$(date +%s)

# --- 1. database, schemas, users, secrets --------------------------------------
fresh_run_dir "$bench_dir" "$db_dir"
: > "$results"
pw=$(cat "$bench_dir/mysql_password")
load_before=$(uptime)
MARIADB_OPTIONS="--innodb-buffer-pool-size=$buffer_pool" scripts/mariadb.sh start "$db_dir" "$mysql_port" > /dev/null
db_started=1
mysql_root() { mariadb --no-defaults --socket="$sock" -uroot --batch --skip-column-names "$@"; }
for s in customer complaint reporting; do
  mysql_root -e "CREATE DATABASE csm_$s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    CREATE USER '${s}_svc'@'127.0.0.1' IDENTIFIED BY '$pw';
    GRANT ALL PRIVILEGES ON csm_$s.* TO '${s}_svc'@'127.0.0.1';"
done
mysql_root -e "CREATE DATABASE sbtest; CREATE USER 'sbtest'@'127.0.0.1' IDENTIFIED BY '$pw';
  GRANT ALL PRIVILEGES ON sbtest.* TO 'sbtest'@'127.0.0.1';"
mysql_flags() {
  echo --mysql_host=127.0.0.1 --mysql_port="$mysql_port" --mysql_user="${1//-/_}" \
    --mysql_password_file="$bench_dir/mysql_password" --mysql_database="csm_${1%-svc}"
}
token=$(CSM_JWT_SECRET=$(cat "$bench_dir/jwt_secret") "$(bin_of csm-token)" \
  --staff=bench-gm --roles=general_manager --department=总经办 --ttl=2h)

# start_service NAME [FLAGS...]: returns once it serves.
start_service() {
  local name=$1 a=${addr_of[$1]} pid i log=$bench_dir/$1.log
  shift
  # shellcheck disable=SC2046  # mysql_flags prints separate flags
  CSM_LOG_LEVEL=warning "$(bin_of "$name")" --listen_address="$a" --metrics_address= \
    $(mysql_flags "$name") --jwt_secret_file="$bench_dir/jwt_secret" \
    --shutdown_grace_seconds=5 "$@" >> "$log" 2>&1 &
  pid=$!
  pid_of[$name]=$pid
  for ((i = 0; i < 120; i++)); do
    kill -0 "$pid" 2> /dev/null || {
      tail -n 20 "$log" >&2
      die "$name exited during start-up"
    }
    "$(bin_of csmctl)" --addr="$a" health > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  tail -n 20 "$log" >&2
  die "$name not serving after 60 s"
}
source_flags() {
  case "$1" in
    customer-svc) echo --visit_sweep_interval_seconds=0 ;;
    complaint-svc) echo --customer_address="${addr_of[customer-svc]}" --escalation_sweep_interval_seconds=0 ;;
  esac
}
# shellcheck disable=SC2046
for s in customer-svc complaint-svc; do start_service "$s" $(source_flags "$s"); done
for s in complaint-svc customer-svc; do stop_service "$s"; done

# --- 2. the synthetic year ------------------------------------------------------
fill_seconds=0
for s in customer-svc complaint-svc; do
  t0=$(date +%s.%N)
  # shellcheck disable=SC2046
  line=$("$(bin_of csm-report-history)" --source="$s" --complaints="$complaints" \
    --departments="$departments" --customers="$customers" --year="$year" $(mysql_flags "$s"))
  t1=$(date +%s.%N)
  echo "kind=fill source=$s $line seconds=$(elapsed "$t0" "$t1")" >> "$results"
  say "filled $s: $line in $(elapsed "$t0" "$t1") s"
  fill_seconds=$(awk -v f="$fill_seconds" -v e="$(elapsed "$t0" "$t1")" 'BEGIN {print f + e}')
done
# The sources' last sequences: what reporting-svc applies (complaint-svc's
# own start-up events included).
events_of() { sed -n "s/^kind=fill source=$1 .*last_sequence=\([0-9]*\).*/\1/p" "$results"; }
customer_events=$(events_of customer-svc)
complaint_events=$(events_of complaint-svc)
total_events=$((customer_events + complaint_events))
# shellcheck disable=SC2046
for s in customer-svc complaint-svc; do start_service "$s" $(source_flags "$s"); done

# --- 3. the ceiling -------------------------------------------------------------
sb_args=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$mysql_port"
  --mysql-user=sbtest --mysql-password="$pw" --mysql-db=sbtest --tables=1
  --table-size=10000)
sb_time=$(awk -v s="$seconds" 'BEGIN {t = int(s + 0.5); print (t < 1 ? 1 : t)}')
sysbench oltp_insert "${sb_args[@]}" prepare > /dev/null
# sysbench_insert THREADS PHASE: records and prints the inserts per second.
sysbench_insert() {
  local out qps
  out=$(timeout 120 sysbench oltp_insert "${sb_args[@]}" --threads="$1" --time="$sb_time" run 2>&1) ||
    die "sysbench failed: $(echo "$out" | tail -n 5)"
  qps=$(echo "$out" | awk '/^ *queries:/ {gsub(/[(]/, "", $3); print $3}')
  echo "kind=ceiling phase=$2 threads=$1 qps=$qps" >> "$results"
  say "sysbench oltp_insert $2 at $1 threads: $qps inserts/s"
}
sysbench_insert 16 before
sysbench_insert 1 before

# --- 4. reporting-svc catches up from zero --------------------------------------
cursor_of() {
  mysql_root -e "SELECT COALESCE(MAX(last_sequence), 0) FROM csm_reporting.event_cursors WHERE source = '$1'" 2> /dev/null || echo 0
}
# Complaints and archives whose pre-aggregated figures still wait for their
# refresh: the catch-up ends when none does.
queued() {
  mysql_root -e "SELECT COUNT(*) FROM csm_reporting.aggregate_refresh_queue" 2> /dev/null || echo 1
}
# MariaDB's statement counters around the catch-up: statements per event.
counters() {
  mysql_root -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_insert', 'Com_update', 'Com_select', 'Com_commit', 'Com_delete')" |
    awk '{printf "%s=%s ", tolower($1), $2}'
}
counters_before=$(counters)
t0=$(date +%s.%N)
start_service reporting-svc --customer_address="${addr_of[customer-svc]}" \
  --complaint_address="${addr_of[complaint-svc]}"
while :; do
  c=$(cursor_of customer-svc)
  p=$(cursor_of complaint-svc)
  [ "$c" -ge "$customer_events" ] && [ "$p" -ge "$complaint_events" ] && [ "$(queued)" -eq 0 ] && break
  kill -0 "${pid_of[reporting-svc]}" 2> /dev/null || die "reporting-svc exited while catching up (see $bench_dir/reporting-svc.log)"
  sleep 0.5
done
t1=$(date +%s.%N)
apply_seconds=$(elapsed "$t0" "$t1")
rss=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/${pid_of[reporting-svc]}/status")
{
  echo "kind=apply events=$total_events seconds=$apply_seconds vmhwm_mib=$rss"
  echo "kind=statements before $counters_before"
  echo "kind=statements after $(counters)"
} >> "$results"
say "applied $total_events events in $apply_seconds s"
sysbench_insert 16 after
sysbench_insert 1 after

# --- 5. the reports for the whole company --------------------------------------
# report FIG NUMBER CONC [CALLS WARMUP LABEL]: one csm-load run; records its
# line (in flight: LABEL, default CONC).
report() {
  local line
  line=$("$(bin_of csm-load)" --addr="${addr_of[reporting-svc]}" --token="$token" \
    --method="$1" --report_year="$year" --report_number="$2" --concurrency="$3" \
    --calls="${4:-$report_calls}" --warmup="${5:-2s}" --duration=110s --timeout=60s \
    2> "$bench_dir/load-errors.log") ||
    die "csm-load $1 failed: $line $(tail -n 3 "$bench_dir/load-errors.log")"
  echo "kind=report fig=$1 conc=${6:-$3} $line" >> "$results"
  say "$1 @${6:-$3}: $line"
}
report supervision_report 6 1 1 0s first
report staff_ranking 2 1 1 0s first
report weekly_report 24 1 1 0s first
for conc in 1 4; do
  report supervision_report 6 "$conc"
  report staff_ranking 2 "$conc"
  report weekly_report 24 "$conc"
done

# --- 6. a full rebuild -----------------------------------------------------------
stop_service reporting-svc
if [ "$rebuild" = 1 ]; then
  t0=$(date +%s.%N)
  # shellcheck disable=SC2046
  "$(bin_of reporting-svc)" --rebuild $(mysql_flags reporting-svc) \
    --jwt_secret_file="$bench_dir/jwt_secret" --customer_address="${addr_of[customer-svc]}" \
    --complaint_address="${addr_of[complaint-svc]}" >> "$bench_dir/rebuild.log" 2>&1 ||
    die "reporting-svc --rebuild failed: $(tail -n 5 "$bench_dir/rebuild.log")"
  t1=$(date +%s.%N)
  echo "kind=rebuild seconds=$(elapsed "$t0" "$t1")" >> "$results"
fi

# --- summary ---------------------------------------------------------------------
{
  echo "## Reports at scale ($(date -u +%F), $(nproc) cores)"
  echo
  echo "$complaints complaints over $departments departments and $customers archives in $year:"
  echo "$total_events events ($complaint_events complaint-svc, $customer_events customer-svc);"
  echo "written into the outboxes in $(printf '%.0f' "$fill_seconds") s. Load before: ${load_before##*average: }; after: $(uptime | sed 's/.*average: //')."
  echo
  awk -f scripts/bench-reports-summary.awk "$results"
} | tee "$bench_dir/summary.md"
say "done in $(($(date +%s) - started)) s; raw lines in $results"
