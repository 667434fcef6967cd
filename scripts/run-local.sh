#!/usr/bin/env bash
# THE run command (README):
#   bash scripts/run-local.sh [--db-only] [--no-install] [--no-build]
# Installs what is missing (scripts/install-deps.sh), builds, starts a private
# MariaDB in .local/mariadb (127.0.0.1:3307; CSM_LOCAL_MYSQL_PORT overrides),
# creates one schema and one database user per service (each user reaches
# only its own schema), starts the services and the REST gateway
# (http://127.0.0.1:8080) with the web console (http://127.0.0.1:8080/console/),
# loads the demo data once, and prints the addresses, a ready token and curl
# examples. Ctrl-C (or SIGTERM) stops the
# gateway and the services gracefully, then MariaDB. No root service, no
# Docker.
#
# Ports (all on 127.0.0.1), each overridable by the environment:
#   CSM_LOCAL_MYSQL_PORT 3307, CSM_LOCAL_CUSTOMER_PORT 50051,
#   CSM_LOCAL_COMPLAINT_PORT 50052, CSM_LOCAL_CUSTOMER_METRICS_PORT 9464,
#   CSM_LOCAL_COMPLAINT_METRICS_PORT 9465, CSM_LOCAL_REPORTING_PORT 50053,
#   CSM_LOCAL_REPORTING_METRICS_PORT 9466, CSM_LOCAL_GATEWAY_PORT 8080
#
#   --db-only     only MariaDB, schemas, users and secrets; then wait
#   --no-install  skip scripts/install-deps.sh
#   --no-build    skip scripts/build.sh (use the binaries in $BUILD_DIR)
#
# Everything lives under .local/ (gitignored):
#   .local/mariadb/            data dir, socket mysqld.sock, error.log
#   .local/secrets/            <user>_mysql_password, jwt_secret (chmod 600,
#                              generated once, kept across runs)
#   .local/logs/<svc>.log      one JSON line per event, appended (csm-gateway.log too)
#   .local/token               the last printed token (valid 12 h)
#   .local/demo-loaded         marker: demo data was loaded into this database
# Remove .local/ to start from an empty database.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

db_only=0
do_install=1
do_build=1
for arg in "$@"; do
  case "$arg" in
    --db-only) db_only=1 ;;
    --no-install) do_install=0 ;;
    --no-build) do_build=0 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "run-local: unknown argument $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

build_dir=${BUILD_DIR:-build}
export BUILD_DIR=$build_dir
local_dir=${CSM_LOCAL_DIR:-$root/.local}
mysql_port=${CSM_LOCAL_MYSQL_PORT:-3307}
customer_port=${CSM_LOCAL_CUSTOMER_PORT:-50051}
complaint_port=${CSM_LOCAL_COMPLAINT_PORT:-50052}
customer_metrics_port=${CSM_LOCAL_CUSTOMER_METRICS_PORT:-9464}
complaint_metrics_port=${CSM_LOCAL_COMPLAINT_METRICS_PORT:-9465}
reporting_port=${CSM_LOCAL_REPORTING_PORT:-50053}
reporting_metrics_port=${CSM_LOCAL_REPORTING_METRICS_PORT:-9466}
gateway_port=${CSM_LOCAL_GATEWAY_PORT:-8080}
gateway=http://127.0.0.1:$gateway_port
db_dir=$local_dir/mariadb
secrets=$local_dir/secrets
logs=$local_dir/logs
run_dir=$local_dir/run
sock=$db_dir/mysqld.sock
csmctl=$build_dir/tools/csmctl
csm_token=$build_dir/tools/csm-token
# Services get this long to drain on SIGTERM (--shutdown_grace_seconds);
# after that plus a margin they are killed.
grace_seconds=${CSM_LOCAL_SHUTDOWN_GRACE:-10}
health_timeout=${CSM_LOCAL_HEALTH_TIMEOUT:-30}

say() { echo "run-local: $*"; }
die() {
  echo "run-local: $*" >&2
  exit 1
}

# --- one run at a time per .local --------------------------------------------
mkdir -p "$local_dir" "$secrets" "$logs" "$run_dir"
chmod 700 "$local_dir" "$secrets"
lock=$run_dir/run-local.pid
if [ -f "$lock" ]; then
  other=$(cat "$lock")
  if [ "$other" != "$$" ] && [ -e "/proc/$other" ] &&
    grep -q run-local "/proc/$other/cmdline" 2> /dev/null; then
    die "already running (pid $other); stop it with Ctrl-C or: kill $other"
  fi
fi
echo "$$" > "$lock"

# --- stop everything we started, once, on any exit ---------------------------
svc_names=()
svc_pids=()
db_started=0
cleaning=0
sleep_pid=

# True while PID runs (a zombie child does not count).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

stop_service() {
  local name=$1 pid=$2 i
  alive "$pid" || {
    wait "$pid" 2> /dev/null || true
    return 0
  }
  say "stopping $name (pid $pid, SIGTERM)"
  kill -TERM "$pid" 2> /dev/null || true
  for ((i = 0; i < (grace_seconds + 10) * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    say "$name did not exit in $((grace_seconds + 10)) s; killing it"
    kill -KILL "$pid" 2> /dev/null || true
  fi
  wait "$pid" 2> /dev/null || true
}

cleanup() {
  [ "$cleaning" = 0 ] || return 0
  cleaning=1
  trap '' INT TERM
  local i
  for ((i = ${#svc_pids[@]} - 1; i >= 0; i--)); do
    stop_service "${svc_names[i]}" "${svc_pids[i]}"
    rm -f "$run_dir/${svc_names[i]}.pid"
  done
  if [ -n "$sleep_pid" ]; then kill "$sleep_pid" 2> /dev/null || true; fi
  if [ "$db_started" = 1 ]; then
    scripts/mariadb.sh stop "$db_dir" || true
  fi
  rm -f "$lock"
}
trap cleanup EXIT
trap 'echo; cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# --- secrets: generated once, kept -------------------------------------------
# Alphanumeric, so that they need no quoting in SQL or in a shell.
ensure_secret() {
  local file=$1 value
  if [ ! -s "$file" ]; then
    value=$(LC_ALL=C tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 40) || true
    (umask 077 && printf '%s' "$value" > "$file")
    say "generated $file"
  fi
  chmod 600 "$file"
}

mysql_root() {
  mariadb --no-defaults --socket="$sock" -uroot --batch "$@"
}

# setup_schema SCHEMA USER: the schema, and a user that reaches only it.
setup_schema() {
  local schema=$1 user=$2 pw
  ensure_secret "$secrets/${user}_mysql_password"
  pw=$(cat "$secrets/${user}_mysql_password")
  # Two host entries: TCP from 127.0.0.1 (the services) and the socket.
  # ALTER keeps an existing user's password equal to the secret file.
  mysql_root <<SQL
CREATE DATABASE IF NOT EXISTS \`$schema\`
  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$pw';
ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON \`$schema\`.* TO '$user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$schema\`.* TO '$user'@'localhost';
SQL
}

# can_use USER SCHEMA: whether USER may open SCHEMA over TCP.
can_use() {
  MYSQL_PWD=$(cat "$secrets/${1}_mysql_password") \
    mariadb --no-defaults -h127.0.0.1 -P"$mysql_port" -u"$1" --batch \
    -e "USE \`$2\`" > /dev/null 2>&1
}

# --- services ----------------------------------------------------------------
# Health: `csmctl health` (grpc.health.v1) when csmctl has it, else a generic
# csmctl call of grpc.health.v1.Health/Check; without csmctl, an open port.
healthy() {
  local addr=$1
  if [ -x "$csmctl" ]; then
    "$csmctl" --addr="$addr" health > /dev/null 2>&1 && return 0
    "$csmctl" --addr="$addr" call grpc.health.v1.Health/Check '{}' 2> /dev/null |
      grep -q '"SERVING"' && return 0
    return 1
  fi
  (exec 3<> "/dev/tcp/${addr%:*}/${addr##*:}") 2> /dev/null
}

port_in_use() {
  (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

# start_service NAME PORT METRICS_PORT SCHEMA USER [EXTRA FLAGS...]
# Starts $BUILD_DIR/NAME/NAME on 127.0.0.1:PORT against SCHEMA as USER,
# logs to .local/logs/NAME.log, waits until its health check says SERVING.
start_service() {
  local name=$1 port=$2 metrics_port=$3 schema=$4 user=$5
  shift 5
  local bin=$build_dir/$name/$name log=$logs/$name.log addr=127.0.0.1:$port pid i
  [ -x "$bin" ] || die "$bin not found; build first (bash scripts/build.sh)"
  port_in_use "$port" && die "port $port is in use; is another $name running?"
  port_in_use "$metrics_port" && die "metrics port $metrics_port is in use"
  echo "---- $(date -u +%FT%TZ) run-local starts $name" >> "$log"
  "$bin" \
    --listen_address="$addr" \
    --metrics_address="127.0.0.1:$metrics_port" \
    --mysql_host=127.0.0.1 --mysql_port="$mysql_port" \
    --mysql_user="$user" --mysql_password_file="$secrets/${user}_mysql_password" \
    --mysql_database="$schema" \
    --jwt_secret_file="$secrets/jwt_secret" \
    --shutdown_grace_seconds="$grace_seconds" \
    "$@" >> "$log" 2>&1 &
  pid=$!
  svc_names+=("$name")
  svc_pids+=("$pid")
  echo "$pid" > "$run_dir/$name.pid"
  say "started $name (pid $pid) on $addr, metrics 127.0.0.1:$metrics_port, log $log"
  for ((i = 0; i < health_timeout * 2; i++)); do
    if ! alive "$pid"; then
      echo "run-local: $name exited during start-up; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
    if healthy "$addr"; then
      say "$name is serving"
      return 0
    fi
    sleep 0.5
  done
  echo "run-local: $name not healthy after ${health_timeout} s; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
}

# start_gateway [FLAGS...]: csm-gateway on 127.0.0.1:$gateway_port in front
# of the services; waits until its /healthz says every backend is SERVING.
start_gateway() {
  local bin=$build_dir/gateway/csm-gateway log=$logs/csm-gateway.log pid i
  [ -x "$bin" ] || die "$bin not found; build first (bash scripts/build.sh)"
  port_in_use "$gateway_port" && die "port $gateway_port is in use; set CSM_LOCAL_GATEWAY_PORT"
  echo "---- $(date -u +%FT%TZ) run-local starts csm-gateway" >> "$log"
  "$bin" --listen="127.0.0.1:$gateway_port" --shutdown_grace="${grace_seconds}s" "$@" >> "$log" 2>&1 &
  pid=$!
  svc_names+=(csm-gateway)
  svc_pids+=("$pid")
  echo "$pid" > "$run_dir/csm-gateway.pid"
  say "started csm-gateway (pid $pid) on $gateway, log $log"
  for ((i = 0; i < health_timeout * 2; i++)); do
    alive "$pid" || {
      tail -n 30 "$log" >&2
      die "csm-gateway exited during start-up"
    }
    if curl -fsS -o /dev/null "$gateway/healthz" 2> /dev/null; then
      say "csm-gateway is serving"
      return 0
    fi
    sleep 0.5
  done
  curl -sS "$gateway/healthz" >&2 || true
  die "csm-gateway not healthy after ${health_timeout} s (log $log)"
}

# mint_token STAFF ROLES TTL: a JWT signed with the local secret.
mint_token() {
  [ -x "$csm_token" ] || die "$csm_token not found; build first"
  CSM_JWT_SECRET=$(cat "$secrets/jwt_secret") "$csm_token" \
    --staff="$1" --roles="$2" --department=客服部 --ttl="$3"
}

# --- 1. tools, 2. build ------------------------------------------------------
if [ "$do_install" = 1 ]; then
  bash scripts/install-deps.sh
fi
if [ "$do_build" = 1 ] && [ "$db_only" = 0 ]; then
  BUILD_TARGETS="customer-svc complaint-svc reporting-svc gateway console csmctl csm-token csm-demo-data" bash scripts/build.sh
fi

# --- 3. MariaDB, schemas, users ---------------------------------------------
if port_in_use "$mysql_port" && ! scripts/mariadb.sh status "$db_dir" > /dev/null 2>&1; then
  die "port $mysql_port is in use by another process; set CSM_LOCAL_MYSQL_PORT"
fi
scripts/mariadb.sh start "$db_dir" "$mysql_port"
db_started=1
chmod 700 "$db_dir"
ensure_secret "$secrets/jwt_secret"
# root only through the socket (inside the 700 folder), never over TCP.
mysql_root -e "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'$(uname -n)'"

# One line per service: schema and user.
setup_schema csm_customer customer_svc
setup_schema csm_complaint complaint_svc
setup_schema csm_reporting reporting_svc

# Each user reaches its own schema and no other: checked every run.
for user in customer_svc complaint_svc reporting_svc; do
  own=csm_${user%_svc}
  can_use "$user" "$own" || die "$user cannot use $own"
  for schema in csm_customer csm_complaint csm_reporting; do
    if [ "$schema" != "$own" ] && can_use "$user" "$schema"; then
      die "$user can reach $schema: isolation broken"
    fi
  done
done
say "schemas csm_customer, csm_complaint, csm_reporting ready; each *_svc user reaches only its own"

if [ "$db_only" = 1 ]; then
  cat << EOF

MariaDB is running (Ctrl-C stops it):
  TCP     127.0.0.1:$mysql_port     users customer_svc, complaint_svc, reporting_svc
  socket  $sock  (root, no password)
  passwords in $secrets/<user>_mysql_password, JWT secret in $secrets/jwt_secret
Connect as a service user:
  MYSQL_PWD=\$(cat $secrets/customer_svc_mysql_password) mariadb --no-defaults -h127.0.0.1 -P$mysql_port -ucustomer_svc csm_customer
Connect as root:
  mariadb --no-defaults --socket=$sock -uroot
EOF
  sleep infinity &
  sleep_pid=$!
  wait "$sleep_pid" || true
  exit 0
fi

# --- 4. services -------------------------------------------------------------
# One line per service: NAME PORT METRICS_PORT SCHEMA USER [EXTRA FLAGS...]
start_service customer-svc "$customer_port" "$customer_metrics_port" csm_customer customer_svc
# complaint-svc after customer-svc: it asks customer-svc about each new
# complaint's customer (and mints its own token with the same JWT secret).
start_service complaint-svc "$complaint_port" "$complaint_metrics_port" csm_complaint complaint_svc \
  --customer_address="127.0.0.1:$customer_port"
# reporting-svc follows both services' event streams (its own token, the
# same JWT secret) into its own schema.
start_service reporting-svc "$reporting_port" "$reporting_metrics_port" csm_reporting reporting_svc \
  --customer_address="127.0.0.1:$customer_port" \
  --complaint_address="127.0.0.1:$complaint_port"
console_dir=$(cd "$build_dir" && pwd)/console
[ -f "$console_dir/index.html" ] || die "$console_dir not built; build first (bash scripts/build.sh)"
start_gateway --customer_addr="127.0.0.1:$customer_port" \
  --complaint_addr="127.0.0.1:$complaint_port" --reporting_addr="127.0.0.1:$reporting_port" \
  --console_dir="$console_dir"

# --- 5. demo data, once ------------------------------------------------------
if [ ! -f "$local_dir/demo-loaded" ]; then
  if [ -x "$build_dir/tools/csm-demo-data" ]; then
    say "loading demo data"
    loader_token=$(mint_token demo-loader archivist,supervisor 1h)
    # The token through the environment keeps it out of `ps`.
    # The secret file lets it act as the staff of each handling department.
    if CSM_TOKEN=$loader_token "$build_dir/tools/csm-demo-data" --addr="127.0.0.1:$customer_port" \
      --complaints_addr="127.0.0.1:$complaint_port" --jwt_secret_file="$secrets/jwt_secret"; then
      date -u +%FT%TZ > "$local_dir/demo-loaded"
    else
      say "demo data failed to load (see above); continuing with what is there"
    fi
  else
    say "$build_dir/tools/csm-demo-data not built; no demo data"
  fi
fi

# --- 6. a ready token and how to call ----------------------------------------
token=$(mint_token demo-archivist archivist,supervisor 12h)
(umask 077 && printf '%s\n' "$token" > "$local_dir/token")
token_file=${local_dir#"$root"/}/token

# csmctl's default address is customer-svc's default port.
csmctl_c=$csmctl
[ "$customer_port" = 50051 ] || csmctl_c="$csmctl --addr=127.0.0.1:$customer_port"

cat << EOF

csm is running. Ctrl-C stops it.
  console       $gateway/console/   (sign in with the token below)
  gateway       REST $gateway   (/healthz, /metrics, /openapi.json)
                log  $logs/csm-gateway.log
  customer-svc  gRPC 127.0.0.1:$customer_port   metrics http://127.0.0.1:$customer_metrics_port/metrics
                log  $logs/customer-svc.log
  complaint-svc gRPC 127.0.0.1:$complaint_port   metrics http://127.0.0.1:$complaint_metrics_port/metrics
                log  $logs/complaint-svc.log
  reporting-svc gRPC 127.0.0.1:$reporting_port   metrics http://127.0.0.1:$reporting_metrics_port/metrics
                log  $logs/reporting-svc.log
  MariaDB       127.0.0.1:$mysql_port (socket $sock)

Token (staff demo-archivist, roles archivist,supervisor, 客服部, valid 12 h;
also saved in $token_file):
$token

Try, from $root (csmctl reads the token from CSM_TOKEN):
  export CSM_TOKEN=\$(cat $token_file)
  $csmctl_c customers list --page_size=5
  $csmctl_c customers get 1 --full --purpose="checking the demo data"
  $csmctl_c call csm.customer.v1.CustomerService/ListCustomers \\
    '{"filter": "grade = GRADE_A", "order_by": "display_name"}'
  $csmctl --addr=127.0.0.1:$complaint_port call csm.complaint.v1.ComplaintConfigService/ListCategories '{}'
  $csmctl list        # every method, with its REST path
  curl -s http://127.0.0.1:$customer_metrics_port/metrics | head
The same through the REST gateway (docs/api.md):
  curl -s -H "authorization: Bearer \$CSM_TOKEN" '$gateway/v1/customers?page_size=5'
  curl -s -H "authorization: Bearer \$CSM_TOKEN" \\
    '$gateway/v1/customers/1?view=CUSTOMER_VIEW_FULL&access_purpose=checking%20the%20demo%20data'
  curl -s -H "authorization: Bearer \$CSM_TOKEN" --get '$gateway/v1/customers' \\
    --data-urlencode 'filter=grade = GRADE_A' --data-urlencode 'order_by=display_name'
  curl -s -H "authorization: Bearer \$CSM_TOKEN" '$gateway/v1/categories'
  curl -s $gateway/healthz
The reports of this week and month (Asia/Shanghai), and how fresh they are:
  curl -s -H "authorization: Bearer \$CSM_TOKEN" \\
    '$gateway/v1/reports/weekly?period.kind=PERIOD_KIND_WEEK&period.year=$(TZ=Asia/Shanghai date +%G)&period.number=$((10#$(TZ=Asia/Shanghai date +%V)))'
  curl -s -H "authorization: Bearer \$CSM_TOKEN" \\
    '$gateway/v1/reports/supervision?period.kind=PERIOD_KIND_MONTH&period.year=$(TZ=Asia/Shanghai date +%Y)&period.number=$((10#$(TZ=Asia/Shanghai date +%m)))'
  curl -s -H "authorization: Bearer \$CSM_TOKEN" '$gateway/v1/freshness'
With grpcurl (not packaged in Debian; the server serves reflection):
  grpcurl -plaintext -H "authorization: Bearer \$CSM_TOKEN" -d '{"page_size": 5}' \\
    127.0.0.1:$customer_port csm.customer.v1.CustomerService/ListCustomers
More: docs/api.md. Other tokens: $csm_token --help
EOF

# --- 7. wait until Ctrl-C/SIGTERM, or until a service dies -------------------
while true; do
  wait -n "${svc_pids[@]}" 2> /dev/null || true
  for i in "${!svc_pids[@]}"; do
    if ! alive "${svc_pids[i]}"; then
      echo "run-local: ${svc_names[i]} exited unexpectedly; last lines of $logs/${svc_names[i]}.log:" >&2
      tail -n 30 "$logs/${svc_names[i]}.log" >&2
      exit 1
    fi
  done
done
