#!/usr/bin/env bash
# The benchmark behind docs/benchmarks.md:
#   bash scripts/bench.sh           the full run, about 10 minutes (--perf: 12)
#   bash scripts/bench.sh --quick   every phase once, briefly (about 40 s;
#                                   figures mean nothing)
#   bash scripts/bench.sh --check   also check that the summary holds every
#                                   figure (scripts/bench-check.sh); the
#                                   ctest bench_smoke runs --quick --check
#   bash scripts/bench.sh --perf    also profile customer-svc during
#                                   GetCustomer at the first concurrency
#                                   (perf record -a -g; Debian linux-perf)
#   bash scripts/bench.sh --help    this text
# Starts a private MariaDB (scripts/mariadb.sh, durable:
# innodb_flush_log_at_trx_commit=1) in $BENCH_DIR, customer-svc and
# complaint-svc against it with the production defaults, a team of 8 and
# $BENCH_CUSTOMERS archives, then measures, every figure with csm-load
# (tools/load.cc) and every ceiling with sysbench against the same MariaDB:
#   1. $BENCH_ROUNDS rounds; in each, at each concurrency of
#      $BENCH_CONCURRENCY: the ceilings (the no-op call, grpc.health.v1
#      Check, through customer-svc and through complaint-svc; sysbench
#      oltp_point_select and oltp_insert) and then the service figures
#      (GetCustomer, ListCustomers page of 50, UpdateCustomer,
#      RecordDealing, RegisterComplaint, RecordInvestigation on accepted
#      complaints (a complaint transition), CreateCustomer into one team);
#      once a round sysbench oltp_insert on one thread (one durable commit
#      after another: the ceiling of anything serialised through commit).
#      Each figure is a ratio of its composed ceiling of the same round
#      (docs/benchmarks.md): the machine is shared, so ratios compare.
#   2. p50/p99 of each figure at half its peak rate (open loop).
#   3. $BENCH_STREAMS idle StreamEvents streams held open at once while
#      each of $BENCH_STREAM_BURSTS GetCustomer calls are made at once (how
#      many served, how many refused), and while GetCustomer runs at the
#      first concurrency (at what rate).
#   4. The statements each RPC runs (general log) and MariaDB's counters
#      per call (SHOW GLOBAL STATUS deltas); ListComplaints (a page of 50,
#      through csmctl) is counted here only.
#   5. Resident memory of each service: idle after start, the largest
#      sampled under load, with the streams, VmHWM at the end.
#   6. With --perf: `perf record -a -g` during GetCustomer at
#      the first concurrency; customer-svc's share of it by library and by
#      kind of work (scripts/bench-perf.awk) and the machine's by process
#      (scripts/bench-perf-machine.awk) go into the summary, the flat report into
#      $BENCH_DIR/perf-get.txt, the samples stay in perf-get.data.
# The summary (markdown tables) goes to stdout and $BENCH_DIR/summary.md,
# raw lines to $BENCH_DIR/results.txt. Everything started is stopped at the
# end (trap); a watchdog ends the run after $BENCH_MAX_SECONDS. Exits
# non-zero when a phase fails, and when a call fails with a code that means
# a bad request (INVALID_ARGUMENT, NOT_FOUND, ...): the harness is wrong
# then, not the server.
#
# Needs the binaries (BUILD_DIR, default build): customer-svc complaint-svc
# csm-load csm-token csmctl; and sysbench (scripts/install-deps.sh).
# Environment (defaults in brackets; --quick changes those marked q):
#   BUILD_DIR [build]  BENCH_DIR [$BUILD_DIR/bench; q: bench-quick]
#   BENCH_MYSQL_PORT [3317]  BENCH_PORT [50071]  BENCH_COMPLAINT_PORT [50072]
#     (q: free ports are picked; "auto" picks them in a full run too)
#   BENCH_SECONDS [3; q: 0.3] measured per figure  BENCH_WARMUP [1; q: 0.1]
#   BENCH_ROUNDS [5; q: 1]  BENCH_CONCURRENCY ["16 64"]
#   BENCH_CHANNELS [4]  BENCH_CUSTOMERS [1000; q: 40]
#   BENCH_COMPLAINTS [200; q: 20] registered and accepted before the rounds
#   BENCH_STREAMS [500; q: 40]  BENCH_STREAM_BURSTS ["20 200"]
#   BENCH_STATEMENT_CALLS [50; q: 2]
#   BENCH_SYSBENCH_ROWS [10000; q: 1000]  BENCH_MAX_SECONDS [1200; q: 100]
#   BENCH_SERVICE_FLAGS [""]: extra flags for both services, e.g.
#     "--max_threads=128 --mysql_pool_size=32"
#   BENCH_LOG_LEVEL [warning: the per-call info line is not written; info
#     with BENCH_TRACE=1]
#   BENCH_TRACE [0] 1: phase 2 traces every call (csm-load --trace, in
#     $BENCH_DIR/trace-half-FIG.txt) and the summary splits the slowest 1 %
#     of each figure into client, transport and handler time from the
#     service's log (scripts/bench-tail.awk; the services log every call)
#   BENCH_PERF_SECONDS [10; q: 1] profiled with --perf
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

say() { echo "bench: $*" >&2; }
die() {
  echo "bench: $*" >&2
  exit 1
}

quick=0
check=0
perf=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --check) check=1 ;;
    --perf) perf=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument $arg (try --help)" ;;
  esac
done
q() { if [ "$quick" = 1 ]; then echo "$2"; else echo "$1"; fi; }

build_dir=${BUILD_DIR:-build}
bench_dir=${BENCH_DIR:-$build_dir/$(q bench bench-quick)}
mysql_port=${BENCH_MYSQL_PORT:-$(q 3317 auto)}
port=${BENCH_PORT:-$(q 50071 auto)}
complaint_port=${BENCH_COMPLAINT_PORT:-$(q 50072 auto)}
seconds=${BENCH_SECONDS:-$(q 3 0.3)}
warmup=${BENCH_WARMUP:-$(q 1 0.1)}
rounds=${BENCH_ROUNDS:-$(q 5 1)}
read -r -a concurrencies <<< "${BENCH_CONCURRENCY:-16 64}"
channels=${BENCH_CHANNELS:-4}
customers=${BENCH_CUSTOMERS:-$(q 1000 40)}
complaints=${BENCH_COMPLAINTS:-$(q 200 20)}
read -r -a bursts <<< "${BENCH_STREAM_BURSTS:-20 200}"
streams=${BENCH_STREAMS:-$(q 500 40)}
statement_calls=${BENCH_STATEMENT_CALLS:-$(q 50 2)}
sb_rows=${BENCH_SYSBENCH_ROWS:-$(q 10000 1000)}
max_seconds=${BENCH_MAX_SECONDS:-$(q 1200 100)}
read -r -a service_flags <<< "${BENCH_SERVICE_FLAGS:-}"
trace=${BENCH_TRACE:-0}
log_level=${BENCH_LOG_LEVEL:-$([ "$trace" = 1 ] && echo info || echo warning)}
perf_seconds=${BENCH_PERF_SECONDS:-$(q 10 1)}

customer_bin=$build_dir/customer-svc/customer-svc
complaint_bin=$build_dir/complaint-svc/complaint-svc
load_bin=$build_dir/tools/csm-load
csm_token=$build_dir/tools/csm-token
csmctl=$build_dir/tools/csmctl
db_dir=$bench_dir/mariadb
sock=$db_dir/mysqld.sock
results=$bench_dir/results.txt
errors_log=$bench_dir/load-errors.log

for b in "$customer_bin" "$complaint_bin" "$load_bin" "$csm_token" "$csmctl"; do
  [ -x "$b" ] || die "$b not found; build it (BUILD_DIR=$build_dir):
  cmake --build $build_dir --target customer-svc complaint-svc csm-load csm-token csmctl"
done
command -v sysbench > /dev/null || die "sysbench not found; run scripts/install-deps.sh"

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
[ "$mysql_port" = auto ] && mysql_port=$(free_port)
[ "$port" = auto ] && port=$(free_port)
[ "$complaint_port" = auto ] && complaint_port=$(free_port)
for p in "$mysql_port" "$port" "$complaint_port"; do
  port_in_use "$p" && die "port $p is in use; set BENCH_MYSQL_PORT, BENCH_PORT, BENCH_COMPLAINT_PORT (or auto)"
done
addr=127.0.0.1:$port
complaint_addr=127.0.0.1:$complaint_port

# --- stop everything we started, once, on any exit ---------------------------
customer_pid=
complaint_pid=
db_started=0
watchdog_pid=
cleaning=0

cleanup() {
  [ "$cleaning" = 0 ] || return 0
  cleaning=1
  trap '' INT TERM
  stop_pid "$complaint_pid"
  stop_pid "$customer_pid"
  if [ "$db_started" = 1 ]; then scripts/mariadb.sh stop "$db_dir" > /dev/null || true; fi
  if [ -n "$watchdog_pid" ]; then kill "$watchdog_pid" 2> /dev/null || true; fi
}
trap cleanup EXIT
trap 'echo; cleanup; exit 130' INT
trap 'say "stopped (time limit of ${max_seconds} s or SIGTERM)"; cleanup; exit 143' TERM

start_watchdog "$max_seconds"
started=$(date +%s)

# --- database, schemas, users, secrets ----------------------------------------
fresh_run_dir "$bench_dir" "$db_dir"
: > "$results"
: > "$errors_log"
pw=$(cat "$bench_dir/mysql_password")

load_before=$(uptime)
scripts/mariadb.sh start "$db_dir" "$mysql_port" > /dev/null
db_started=1
db_pid=$(cat "$db_dir/mysqld.pid")
mysql_root() { mariadb --no-defaults --socket="$sock" -uroot --batch --skip-column-names "$@"; }
# One password for the three users: they are all local to this run.
mysql_root << SQL
CREATE DATABASE csm_customer CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE csm_complaint CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE sbtest;
CREATE USER 'customer_svc'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER 'complaint_svc'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER 'sbtest'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON csm_customer.* TO 'customer_svc'@'127.0.0.1';
GRANT ALL PRIVILEGES ON csm_complaint.* TO 'complaint_svc'@'127.0.0.1';
GRANT ALL PRIVILEGES ON sbtest.* TO 'sbtest'@'127.0.0.1';
SQL

export CSM_TOKEN
CSM_TOKEN=$(CSM_JWT_SECRET=$(cat "$bench_dir/jwt_secret") "$csm_token" \
  --staff=bench-load --roles=archivist,supervisor --department=客服部 --ttl=1h)
# The handler of the bench's complaints: category quality routes them to
# 技术服务部 (complaint-svc/migrations/001_config.sql).
handler_token=$(CSM_JWT_SECRET=$(cat "$bench_dir/jwt_secret") "$csm_token" \
  --staff=bench-handler --roles=supervisor --department=技术服务部 --ttl=1h)

# --- the services -------------------------------------------------------------
# start_service NAME BIN ADDR [FLAGS...]: prints the pid once it serves.
start_service() {
  local name=$1 bin=$2 a=$3 pid i log=$bench_dir/$1.log
  shift 3
  CSM_LOG_LEVEL=$log_level "$bin" \
    --listen_address="$a" --metrics_address= \
    --mysql_host=127.0.0.1 --mysql_port="$mysql_port" \
    --mysql_user="${name//-/_}" --mysql_password_file="$bench_dir/mysql_password" \
    --mysql_database="csm_${name%-svc}" \
    --jwt_secret_file="$bench_dir/jwt_secret" \
    --shutdown_grace_seconds=5 "$@" "${service_flags[@]}" >> "$log" 2>&1 &
  pid=$!
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2> /dev/null || {
      tail -n 20 "$log" >&2
      die "$name exited during start-up"
    }
    if "$csmctl" --addr="$a" health > /dev/null 2>&1; then
      echo "$pid"
      return 0
    fi
    sleep 0.5
  done
  tail -n 20 "$log" >&2
  die "$name not serving after 30 s"
}
customer_pid=$(start_service customer-svc "$customer_bin" "$addr" \
  --visit_sweep_interval_seconds=0)
complaint_pid=$(start_service complaint-svc "$complaint_bin" "$complaint_addr" \
  --customer_address="$addr" --escalation_sweep_interval_seconds=0)
watch="customer-svc:$customer_pid,complaint-svc:$complaint_pid,mariadbd:$db_pid"

# memory PHASE: VmRSS and VmHWM of both services.
memory() {
  local name pid
  for name in customer-svc complaint-svc; do
    pid=$customer_pid
    [ "$name" = complaint-svc ] && pid=$complaint_pid
    echo "kind=mem phase=$1 service=$name $(awk '/^VmRSS|^VmHWM/ {printf "%s=%.1f ", $1, $2 / 1024}' "/proc/$pid/status" | tr -d :)" >> "$results"
  done
}
sleep 1
memory idle

# --- measuring ----------------------------------------------------------------
seed_file=$bench_dir/seed
echo 100 > "$seed_file"
round=0
clk_tck=$(getconf CLK_TCK)

# figure FIG CONC [csm-load flags...]: one csm-load run of a figure at CONC
# calls in flight (or at most, with --rate); prints its result line.
figure() {
  local fig=$1 conc=$2 method target=$addr line
  shift 2
  local extra=()
  case "$fig" in
    noop) method=health ;;
    noopx) method=health target=$complaint_addr ;;
    get) method=get_customer ;;
    list) method=list_customers extra=(--page_size=50) ;;
    update) method=update_customer ;;
    dealing) method=record_dealing ;;
    register) method=register_complaint target=$complaint_addr extra=(--customers_addr="$addr") ;;
    accept) method=accept_complaint target=$complaint_addr extra=(--token="$handler_token") ;;
    transition) method=investigate_complaint target=$complaint_addr extra=(--token="$handler_token") ;;
    create) method=create_customer extra=(--team=bench) ;;
    *) die "unknown figure $fig" ;;
  esac
  # A new seed for every run (writes carry request ids derived from it); a
  # file, since callers run this in a subshell.
  seed=$(($(cat "$seed_file") + 1))
  echo "$seed" > "$seed_file"
  echo "---- $fig conc=$conc seed=$seed $*" >> "$errors_log"
  # Exit 1 with a line is a figure (no call succeeded: a server refusing
  # everything is measured too); no line, or exit 2 (flags), is a failure.
  local rc=0
  line=$(timeout 150 "$load_bin" --addr="$target" --method="$method" \
    --concurrency="$conc" --channels="$((conc < channels ? conc : channels))" \
    --duration="${seconds}s" --warmup="${warmup}s" --seed="$seed" \
    --watch="$watch" "${extra[@]}" "$@" 2>> "$errors_log") || rc=$?
  if [ -z "$line" ] || [ "$rc" -gt 1 ]; then
    tail -n 5 "$errors_log" >&2
    die "csm-load failed (exit $rc): $fig at $conc in flight"
  fi
  echo "$line"
}

# field LINE KEY: the value of KEY=... in a result line.
field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<< " $1"; }

# record KIND FIG CONC LINE: appends to $results and says it.
record() {
  local line=$4
  # Empty: the figure's subshell died (and said why).
  [ -n "$line" ] || die "no result for $1 $2 at $3 in flight"
  echo "kind=$1 round=$round fig=$2 conc=$3 $line" >> "$results"
  say "$1 $2 @$3: $(field "$line" qps) QPS, p50 $(field "$line" p50_ms) ms, p99 $(field "$line" p99_ms) ms, errors $(field "$line" errors)"
}

sb_args=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$mysql_port"
  --mysql-user=sbtest --mysql-password="$pw" --mysql-db=sbtest --tables=1
  --table-size="$sb_rows" --percentile=99)
sb_time=$(awk -v s="$seconds" 'BEGIN {t = int(s + 0.5); print (t < 1 ? 1 : t)}')
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
machine_ticks() { awk '/^cpu / {b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6}' /proc/stat; }

# sysbench_run TEST THREADS: prints a result line in csm-load's terms.
sysbench_run() {
  local out d0 d1 m0 m1
  d0=$(ticks_of "$db_pid")
  m0=$(machine_ticks)
  out=$(timeout 120 sysbench "$1" "${sb_args[@]}" --threads="$2" --time="$sb_time" run 2>&1) || {
    echo "$out" | tail -n 20 >&2
    die "sysbench $1 failed"
  }
  d1=$(ticks_of "$db_pid")
  m1=$(machine_ticks)
  awk -v d="$((d1 - d0))" -v tck="$clk_tck" -v m0="$m0" -v m1="$m1" '
    /^ *queries:/ {n = $2; qps = $3; gsub(/[(]/, "", qps)}
    /ignored errors:/ {err = $3}
    /avg:/ {avg = $2}
    /99th percentile:/ {p99 = $3}
    END {
      split(m0, a, " "); split(m1, b, " "); total = b[2] - a[2]
      printf "qps=%s calls=%d errors=%s avg_ms=%s p99_ms=%s cpu_us_per_call=mariadbd:%.1f busy_pct=%.1f\n",
        qps, n, (err > 0 ? "ignored:" err : "0"), avg, p99,
        (n > 0 ? d * 1e6 / tck / n : 0), (total > 0 ? 100 * (b[1] - a[1]) / total : 0)
    }' <<< "$out"
}

say "MariaDB pid $db_pid on 127.0.0.1:$mysql_port; customer-svc pid $customer_pid on $addr; complaint-svc pid $complaint_pid on $complaint_addr"
sysbench oltp_point_select "${sb_args[@]}" prepare > "$bench_dir/sysbench-prepare.log" 2>&1 ||
  die "sysbench prepare failed: $(tail -n 5 "$bench_dir/sysbench-prepare.log")"

say "creating team bench and $customers archives"
"$csmctl" --addr="$addr" call csm.customer.v1.CustomerService/CreateTeam \
  '{"team_id": "bench", "request_id": "bench-team", "team": {"display_name": "压测组", "department": "客服部", "member_ids": ["b01", "b02", "b03", "b04", "b05", "b06", "b07", "b08"]}}' \
  > /dev/null
seeded=$("$load_bin" --addr="$addr" --method=create_customer --concurrency=8 \
  --channels=1 --calls="$customers" --warmup=0s --duration=100s --seed=1 --team=bench 2>> "$errors_log")
[ "$(field "$seeded" errors)" = 0 ] || die "seeding archives failed: $seeded"
# Complaints accepted by bench-handler: the transition figure records
# findings on them (RecordInvestigation, repeatable on one complaint).
say "registering and accepting $complaints complaints"
# A few may be refused (ABORTED on contention); those not accepted are
# simply not addressed.
seeded=$(figure register 8 --calls="$complaints" --warmup=0s --duration=100s)
say "registered: $(field "$seeded" ok) ok, errors $(field "$seeded" errors)"
# One worker addresses each registered complaint once.
seeded=$(figure accept 1 --calls="$(field "$seeded" ok)" --warmup=0s --duration=100s)
say "accepted: $(field "$seeded" ok) ok, errors $(field "$seeded" errors)"

# --- 1. rounds: ceilings, then the figures, at each concurrency ---------------
figures=(get list update dealing register transition create)
for ((round = 1; round <= rounds; round++)); do
  say "round $round of $rounds"
  for conc in "${concurrencies[@]}"; do
    record ceiling noop "$conc" "$(figure noop "$conc")"
    record ceiling noopx "$conc" "$(figure noopx "$conc")"
    record ceiling ps "$conc" "$(sysbench_run oltp_point_select "$conc")"
    record ceiling ins "$conc" "$(sysbench_run oltp_insert "$conc")"
    for fig in "${figures[@]}"; do
      record figure "$fig" "$conc" "$(figure "$fig" "$conc")"
    done
  done
  record ceiling ins 1 "$(sysbench_run oltp_insert 1)"
done

# --- 2. latency at half the peak rate ---------------------------------------
# peak FIG: the highest median QPS of FIG over the concurrencies.
peak() {
  awk -v f="$1" '$1 == "kind=figure" && $3 == "fig=" f {
      c = $4; sub(/conc=/, "", c)
      for (i = 5; i <= NF; i++) if ($i ~ /^qps=/) {v = $i; sub(/qps=/, "", v); q[c] = q[c] " " v}
    }
    END {
      best = 0
      for (c in q) {
        n = split(q[c], a, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {t = a[j]; a[j] = a[j - 1]; a[j - 1] = t}
        m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        if (m > best) best = m
      }
      print best
    }' "$results"
}
round=0
for fig in "${figures[@]}"; do
  half=$(awk -v p="$(peak "$fig")" 'BEGIN {printf "%.1f", (p > 2 ? p / 2 : 1)}')
  # Open loop at half the peak, up to 64 calls in flight (more only queue).
  traced=()
  [ "$trace" = 1 ] && traced=(--trace="$bench_dir/trace-half-$fig.txt")
  record half "$fig" 64 "$(figure "$fig" 64 --rate="$half" --channels="$channels" "${traced[@]}")"
done

# --- 3. idle streams held open during unary calls -----------------------------
# Each time $streams fresh streams: N GetCustomer calls at once (one per
# caller: served or refused), then GetCustomer at the first concurrency for
# the measured time (served at what rate).
settle=$(q 5s 2s)
for n in "${bursts[@]}"; do
  say "holding $streams idle StreamEvents streams during $n GetCustomer calls at once"
  record streams get "$n" "$(figure get "$n" --hold_streams="$streams" \
    --streams_settle="$settle" --timeout=5s --calls="$n" --warmup=0s)"
done
say "holding $streams idle StreamEvents streams during GetCustomer at ${concurrencies[0]} in flight"
record streams_load get "${concurrencies[0]}" \
  "$(figure get "${concurrencies[0]}" --hold_streams="$streams" --streams_settle="$settle" --timeout=5s)"

# --- 4. statements per RPC ----------------------------------------------------
status_snapshot() { mysql_root -e "SHOW GLOBAL STATUS" > "$1"; }
general_log() {
  mysql_root -e "SELECT SUBSTRING_INDEX(user_host, '[', 1), thread_id, command_type, REPLACE(REPLACE(argument, '\n', ' '), '\t', ' ') FROM mysql.general_log WHERE user_host LIKE '%\_svc[%' ORDER BY event_time" > "$1"
}
# calls FIG N: N calls of FIG one at a time. listx is ListComplaints, a page
# of 50 of the registered complaints (in the handler's department), made
# with csmctl since csm-load does not make it.
calls() {
  if [ "$1" != listx ]; then
    figure "$1" 1 --calls="$2" --warmup=0s > /dev/null
    return
  fi
  local i
  for ((i = 0; i < $2; i++)); do
    "$csmctl" --addr="$complaint_addr" --token="$handler_token" call \
      csm.complaint.v1.ComplaintService/ListComplaints '{"page_size": 50}' \
      > /dev/null || die "ListComplaints failed"
  done
}
# measure_calls FIG N PREFIX: N calls one at a time, with MariaDB's
# counters before and after (PREFIX-a, PREFIX-b), then N more with the
# general log on (PREFIX.log): the counters are taken with the log off, as
# its writes would count.
measure_calls() {
  status_snapshot "$3-a"
  calls "$1" "$2"
  status_snapshot "$3-b"
  mysql_root -e "SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1"
  calls "$1" "$2"
  mysql_root -e "SET GLOBAL general_log = 0"
  general_log "$3.log"
}
# statements FIG: per call, from a run of N and one of 2N calls: their
# difference cancels what a run costs once (csm-load lists the archives it
# addresses, connects, ...).
statements() {
  local fig=$1 n=$statement_calls p=$bench_dir/statements-$1
  measure_calls "$fig" "$n" "$p-1"
  measure_calls "$fig" "$((2 * n))" "$p-2"
  mv "$p-2.log" "$p.log"
  awk -v fig="$fig" -v n="$n" -v f1a="$p-1-a" -v f1b="$p-1-b" -v f2a="$p-2-a" -v f2b="$p-2-b" -v l1="$p-1.log" '
    FILENAME == f1a {s1a[$1] = $2; next}
    FILENAME == f1b {s1b[$1] = $2; next}
    FILENAME == f2a {s2a[$1] = $2; next}
    FILENAME == f2b {s2b[$1] = $2; next}
    {
      w = (FILENAME == l1) ? -1 : 1
      user = $1; cmd = $3; if (cmd == "Close") cmd = "Close_stmt"
      if (cmd != "Close_stmt") rt[user] += w
      by[user " " cmd] += w
    }
    END {
      printf "kind=stmt fig=%s calls=%s", fig, n
      for (k in by) {split(k, p, " "); printf " log_%s_%s=%.2f", p[1], p[2], by[k] / n}
      for (u in rt) printf " roundtrips_%s=%.2f", u, rt[u] / n
      split("Com_stmt_execute Com_stmt_prepare Com_stmt_close Com_select Com_insert Com_update Com_delete Com_begin Com_commit Com_rollback Com_set_option Questions Handler_read_key Handler_read_next Handler_read_rnd_next Handler_write Handler_update Handler_delete Handler_commit Created_tmp_tables Created_tmp_disk_tables Sort_rows Rows_read Rows_tmp_read Innodb_data_fsyncs Bytes_received Bytes_sent", keys, " ")
      for (i = 1; i in keys; i++) {
        k = keys[i]
        printf " %s=%.2f", k, ((s2b[k] - s2a[k]) - (s1b[k] - s1a[k])) / n
      }
      printf "\n"
    }' "$p-1-a" "$p-1-b" "$p-2-a" "$p-2-b" "$p-1.log" "$p.log" >> "$results"
  rm -f "$p-1.log"
}
say "counting statements per RPC ($statement_calls calls each)"
for fig in "${figures[@]}" listx; do statements "$fig"; done
sleep 1
memory end

# --- 6. where customer-svc's time goes (--perf) --------------------------------
if [ "$perf" = 1 ]; then
  command -v perf > /dev/null || die "perf not found: apt-get install linux-perf"
  say "profiling customer-svc during GetCustomer at ${concurrencies[0]} in flight"
  # The load outlasts the profile by a second on each side (listing the
  # archives, connecting, warming up come first).
  figure get "${concurrencies[0]}" --warmup=1s --duration="$((perf_seconds + 2))s" \
    > "$bench_dir/perf-load.txt" &
  load_pid=$!
  sleep 2
  # The whole machine, not -p: the sync server starts and ends threads as
  # calls come and go, and a -p recording misses the threads born after it
  # attached (most of the handlers). The report picks customer-svc out.
  perf record -a -g -F 999 -q -o "$bench_dir/perf-get.data" -- sleep "$perf_seconds" \
    > "$bench_dir/perf-record.log" 2>&1 || die "perf record failed: $(tail -n 3 "$bench_dir/perf-record.log")"
  wait "$load_pid" || die "the load under perf failed"
  echo "kind=perf fig=get conc=${concurrencies[0]} $(cat "$bench_dir/perf-load.txt")" >> "$results"
  perf script -i "$bench_dir/perf-get.data" -F comm,pid,tid 2> /dev/null |
    awk -v known="customer-svc:$customer_pid,complaint-svc:$complaint_pid,mariadbd:$db_pid" \
      -f scripts/bench-perf-machine.awk > "$bench_dir/perf-machine.md"
  perf report -i "$bench_dir/perf-get.data" --pid="$customer_pid" --stdio --no-children -g none \
    --sort dso,sym --percent-limit 0.1 2> /dev/null | grep -v '^$' > "$bench_dir/perf-get.txt"
  perf script -i "$bench_dir/perf-get.data" --pid="$customer_pid" -F comm,tid,ip,sym,dso 2> /dev/null |
    awk -f scripts/bench-perf.awk > "$bench_dir/perf-get.md"
fi
load_after=$(uptime)

# --- the tables -----------------------------------------------------------------
# Codes that mean the harness sent a bad request, not that the server was
# busy: the run fails on them.
bad=$(grep -oE '(INVALID_ARGUMENT|NOT_FOUND|ALREADY_EXISTS|PERMISSION_DENIED|UNAUTHENTICATED|FAILED_PRECONDITION|OUT_OF_RANGE|UNIMPLEMENTED):[0-9]+' "$results" | sort | uniq -c || true)
{
  echo "csm bench $(date -u +%FT%TZ)$( [ "$quick" = 1 ] && echo ' (--quick: figures mean nothing)'): $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $rounds rounds of ${seconds} s (+${warmup} s warm-up) per figure, $channels channels, ${BENCH_SERVICE_FLAGS:-server defaults}"
  echo
  echo "load before: $load_before"
  echo "load after:  $load_after"
  awk -f scripts/bench-summary.awk "$results"
  if [ "$trace" = 1 ]; then
    echo
    echo "Where the slowest calls at half the peak spent their time (scripts/bench-tail.awk):"
    for fig in "${figures[@]}"; do
      log=customer-svc.log
      case "$fig" in register | transition) log=complaint-svc.log ;; esac
      echo
      echo "- $fig: $(gawk -f scripts/bench-tail.awk "$bench_dir/trace-half-$fig.txt" "$bench_dir/$log" | paste -sd ';' | sed 's/;/; /g')"
    done
  fi
  if [ "$perf" = 1 ]; then
    echo
    echo "customer-svc during GetCustomer at ${concurrencies[0]} in flight, ${perf_seconds} s ($(field "$(cat "$bench_dir/perf-load.txt")" qps) QPS):"
    echo
    cat "$bench_dir/perf-get.md"
    cat "$bench_dir/perf-machine.md"
  fi
  echo
  echo "raw lines: $results; statements: $bench_dir/statements-*.log; total $(($(date +%s) - started)) s"
} | tee "$bench_dir/summary.md"
if [ "$check" = 1 ]; then
  bash scripts/bench-check.sh "$bench_dir/summary.md" "${concurrencies[*]}" "${bursts[*]}" "$trace"
fi
if [ -n "$bad" ]; then
  say "calls failed with codes of a bad request (see $errors_log):"
  echo "$bad" >&2
  exit 1
fi
