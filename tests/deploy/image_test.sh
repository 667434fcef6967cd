#!/usr/bin/env bash
# Proves that an image built by scripts/images.sh starts:
#   tests/deploy/image_test.sh NAME BINARY      (ctest image_NAME)
# 1. unpacks build/images/NAME.oci.tar with umoci; the image config runs
#    /usr/local/bin/<binary> as 65532:65532;
# 2. the image's own dynamic loader finds every library of the binary
#    (ld.so --list inside the root filesystem);
# 3. the binary is the tested one: same GNU build id and same .text bytes
#    as BINARY (the build folder's, which ctest ran);
# 4. the entrypoint runs as the non-root user (services: --version, the
#    gateway: --help) and exits 0;
# 5. services only: it really serves, as in Kubernetes: read-only root
#    filesystem with a tmpfs /tmp, non-root, config from CSM_* variables,
#    secrets from files, against a private MariaDB over TCP: migrations run,
#    grpc.health.v1 answers SERVING, /metrics answers, SIGTERM exits 0.
# Exit 77 (ctest: skipped) when the binary is not built (reporting-svc and
# the gateway before they exist), or when the archive is absent, unless
# CSM_REQUIRE_IMAGES=1 (scripts/test.sh sets it when it builds the images).
set -euo pipefail

name=${1:?usage: image_test.sh NAME BINARY}
tested=${2:?usage: image_test.sh NAME BINARY}
root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${BUILD_DIR:-$root_dir/build}
archive=$build_dir/images/$name.oci.tar
file=${tested##*/}
uid=65532

fail() {
  echo "image_test $name: FAIL: $*" >&2
  exit 1
}
say() { echo "image_test $name: $*"; }

if [ ! -x "$tested" ]; then
  say "skipped: $tested is not built"
  exit 77
fi
if [ ! -f "$archive" ]; then
  [ "${CSM_REQUIRE_IMAGES:-0}" = 1 ] && fail "$archive missing (scripts/images.sh)"
  say "skipped: $archive not built (bash scripts/images.sh)"
  exit 77
fi
[ "$(id -u)" -eq 0 ] || {
  say "skipped: needs root (chroot, mount namespace)"
  exit 77
}
command -v umoci > /dev/null || fail "umoci missing; run scripts/install-deps.sh"
[ "$archive" -nt "$tested" ] ||
  fail "$archive is older than $tested: rebuild it (bash scripts/images.sh)"

work=$(mktemp -d "${TMPDIR:-/tmp}/csm-image-$name.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  [ -d "$work/db" ] && "$root_dir/scripts/mariadb.sh" stop "$work/db" > /dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Unpack, read the runtime config umoci derives from the image config.
mkdir -p "$work/layout"
tar -xf "$archive" -C "$work/layout"
ref=$(sed -n 's/.*"org.opencontainers.image.ref.name":"\([^"]*\)".*/\1/p' "$work/layout/index.json")
[ -n "$ref" ] || fail "no ref.name in the archive's index.json"
umoci unpack --image "$work/layout:$ref" "$work/bundle" > /dev/null
rootfs=$work/bundle/rootfs
node -e '
  const c = require(process.argv[1]).process;
  const [uid, want] = [Number(process.argv[2]), process.argv[3]];
  if (c.user.uid !== uid || c.user.gid !== uid) throw new Error(`runs as ${c.user.uid}:${c.user.gid}, want ${uid}:${uid}`);
  if (c.args[0] !== want) throw new Error(`entrypoint ${JSON.stringify(c.args)}, want ${want}`);
' "$work/bundle/config.json" "$uid" "/usr/local/bin/$file" || fail "image config"
say "config: entrypoint /usr/local/bin/$file as $uid:$uid"
# The PATH the image config sets; nothing else from this environment.
image_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
chroot=$(command -v chroot)
in_image() { env -i PATH=$image_path "$chroot" --userspec=$uid:$uid "$rootfs" "$@"; }

# 2. Libraries, resolved by the image's loader against the image's files.
loader=$(readelf -l "$rootfs/usr/local/bin/$file" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
if [ -n "$loader" ]; then
  [ -e "$rootfs$loader" ] || fail "loader $loader not in the image"
  libs=$(in_image "$loader" --list "/usr/local/bin/$file") || fail "ld.so --list failed: $libs"
  if grep -q "not found" <<< "$libs"; then fail "libraries missing: $(grep "not found" <<< "$libs")"; fi
  say "libraries: $(grep -c '=> /' <<< "$libs") resolved inside the image"
  # Loaded with dlopen, so ld.so --list cannot see it: the client side of
  # MySQL 8's default authentication.
  if grep -q libmariadb <<< "$libs"; then
    plugin=$(find "$rootfs/usr/lib" -path '*libmariadb3/plugin/caching_sha2_password.so' | head -n 1)
    [ -n "$plugin" ] || fail "libmariadb's caching_sha2_password plugin is not in the image"
  fi
else
  say "libraries: static binary"
fi

# 3. The same build as the tested binary.
# GNU build id (C++) or Go build id (the gateway).
build_id() { readelf -n "$1" | sed -n 's/.*Build ID: //p; s/.*Go BuildID: //p' | head -n 1; }
[ "$(build_id "$tested")" = "$(build_id "$rootfs/usr/local/bin/$file")" ] ||
  fail "build id differs from $tested: the image holds another build"
objcopy -O binary --only-section=.text "$tested" "$work/text.tested"
objcopy -O binary --only-section=.text "$rootfs/usr/local/bin/$file" "$work/text.image"
cmp -s "$work/text.tested" "$work/text.image" || fail ".text differs from $tested"
say "binary: build id $(build_id "$tested"), .text identical to $tested"

# 4. The entrypoint runs as the non-root user.
if [ "$name" = gateway ]; then probe=(--help); else probe=(--version); fi
out=$(in_image "/usr/local/bin/$file" "${probe[@]}" 2>&1) || fail "$file ${probe[*]} exited non-zero: $out"
say "entrypoint: $file ${probe[*]} exits 0 as $uid"
[ "$name" = gateway ] && exit 0

# 5. Serve for real. Settings as the Kubernetes ConfigMaps give them.
case "$name" in
  customer-svc) user=customer_svc db=csm_customer ;;
  complaint-svc) user=complaint_svc db=csm_complaint ;;
  reporting-svc) user=reporting_svc db=csm_reporting ;;
  *) fail "no start settings for $name" ;;
esac
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
db_port=$(free_port)
grpc_port=$(free_port)
metrics_port=$(free_port)
"$root_dir/scripts/mariadb.sh" start "$work/db" "$db_port" > /dev/null
password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
mariadb --no-defaults --socket="$work/db/mysqld.sock" -uroot <<SQL
CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER '$user'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON $db.* TO '$user'@'%';
SQL
# The Secret volumes of the Deployment, mode 0440 as there.
mkdir -p "$rootfs/etc/csm/secrets/mysql" "$rootfs/etc/csm/secrets/jwt" "$rootfs/dev" "$rootfs/proc"
printf '%s' "$password" > "$rootfs/etc/csm/secrets/mysql/password"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$rootfs/etc/csm/secrets/jwt/jwt_secret"
chown -R 0:$uid "$rootfs/etc/csm/secrets"
chmod 0440 "$rootfs/etc/csm/secrets/mysql/password" "$rootfs/etc/csm/secrets/jwt/jwt_secret"

env -i PATH=$image_path \
  CSM_LISTEN_ADDRESS="127.0.0.1:$grpc_port" CSM_METRICS_ADDRESS="127.0.0.1:$metrics_port" \
  CSM_MYSQL_HOST=127.0.0.1 CSM_MYSQL_PORT="$db_port" CSM_MYSQL_USER="$user" \
  CSM_MYSQL_DATABASE="$db" CSM_MYSQL_PASSWORD_FILE=/etc/csm/secrets/mysql/password \
  CSM_JWT_SECRET_FILE=/etc/csm/secrets/jwt/jwt_secret CSM_SHUTDOWN_GRACE_SECONDS=5 \
  CSM_CUSTOMER_ADDRESS=127.0.0.1:1 CSM_COMPLAINT_ADDRESS=127.0.0.1:1 \
  unshare --mount --propagation private sh -c '
    r=$1; shift
    mount --bind "$r" "$r" && mount -o remount,bind,ro "$r" &&
      mount -t tmpfs -o size=16m,mode=1777 tmpfs "$r/tmp" &&
      mount --rbind /dev "$r/dev" && mount -t proc proc "$r/proc" &&
      exec chroot --userspec="$1" "$r" "$2"' _ "$rootfs" "$uid:$uid" "/usr/local/bin/$file" \
  > "$work/service.log" 2>&1 &
pid=$!
pids+=("$pid")
csmctl=$build_dir/tools/csmctl
serving=0
for _ in $(seq 1 150); do
  kill -0 "$pid" 2> /dev/null || break
  if "$csmctl" --addr="127.0.0.1:$grpc_port" health > /dev/null 2>&1; then
    serving=1
    break
  fi
  sleep 0.2
done
[ "$serving" = 1 ] || fail "not SERVING within 30 s; log:"$'\n'"$(tail -n 20 "$work/service.log")"
say "serving: grpc.health.v1 SERVING on 127.0.0.1:$grpc_port (read-only root, uid $uid, MariaDB over TCP)"
exec 3<> "/dev/tcp/127.0.0.1/$metrics_port"
printf 'GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
metrics=$(cat <&3)
exec 3<&-
grep -q '^HTTP/1.[01] 200' <<< "$metrics" || fail "/metrics did not answer 200"
say "metrics: /metrics answers 200 ($(grep -c '^[a-z]' <<< "$metrics") samples)"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pids=()
[ "$rc" -eq 0 ] || fail "exit $rc after SIGTERM; log:"$'\n'"$(tail -n 20 "$work/service.log")"
say "shutdown: SIGTERM, exit 0"
