#!/usr/bin/env bash
# Builds the container images of csm from the binaries in the build folder
# (the ones the tests ran against) into OCI archives:
#   bash scripts/images.sh [NAME...]     (NAME: customer-svc complaint-svc reporting-svc gateway)
# Writes build/images/NAME.oci.tar (image csm/NAME:TAG) and prints the sizes.
# A binary that is not built yet (reporting-svc, gateway) is skipped with a
# message. No daemon, no registry: buildah (--isolation chroot, vfs storage)
# builds FROM scratch on a Debian 12 root filesystem made with mmdebstrap
# that holds only the packages owning the libraries `ldd` lists for the
# binary (`dpkg -S`). Needs root (CI is root) and the Debian mirror the
# host's apt uses. The root filesystem is cached per package list in
# ${CSM_IMAGE_CACHE:-~/.cache/csm/rootfs} and rebuilt after
# CSM_ROOTFS_MAX_AGE_DAYS (7) days, so security updates reach the images.
# Environment: BUILD_DIR (build), CSM_IMAGE_TAG (git describe), CSM_IMAGE_CACHE.
# The archives are checked by tests/images/image_test.sh (ctest image_*).
set -Eeuo pipefail
# A failing command names itself (a bare `set -e` exit says nothing in CI).
trap 'echo "images: FAILED (exit $?) at scripts/images.sh:$LINENO: $BASH_COMMAND" >&2' ERR

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=${BUILD_DIR:-build}
out=$build_dir/images
cache=${CSM_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/csm/rootfs}
max_age_days=${CSM_ROOTFS_MAX_AGE_DAYS:-7}
tag=${CSM_IMAGE_TAG:-$(git describe --always --dirty 2> /dev/null || echo dev)}
suite=bookworm
# Bump when the root filesystem recipe below changes: it is part of the key.
recipe=1
# The one non-root user every image runs as (k8s: runAsUser 65532).
uid=65532

# name, binary (relative to the build folder); the Containerfile is
# images/NAME.Containerfile.
all_images=(
  "customer-svc customer-svc/customer-svc"
  "complaint-svc complaint-svc/complaint-svc"
  "reporting-svc reporting-svc/reporting-svc"
  "gateway gateway/csm-gateway"
)

log() { echo "images: $*"; }
die() {
  echo "images: $*" >&2
  exit 1
}

for tool in buildah mmdebstrap objcopy dpkg; do
  command -v "$tool" > /dev/null 2>&1 ||
    die "$tool not found; run scripts/install-deps.sh"
done
[ "$(id -u)" -eq 0 ] ||
  die "needs root (buildah and mmdebstrap in chroot mode); see README.md"

# runtime_packages BINARY: the Debian packages owning the shared libraries
# BINARY loads, one a line, sorted; nothing for a static binary.
runtime_packages() {
  local bin=$1 listing libs=() candidates=() lib
  if ! listing=$(ldd "$bin" 2>&1); then
    [[ "$listing" == *"not a dynamic executable"* ]] && return 0
    die "ldd $bin: $listing"
  fi
  if grep -q "not found" <<< "$listing"; then
    die "$bin: libraries not found on this machine:"$'\n'"$(grep "not found" <<< "$listing")"
  fi
  mapfile -t libs < <(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<< "$listing")
  # usrmerge: dpkg knows a library under the path its package ships, which
  # may be /lib/... or /usr/lib/...; ask for every spelling at once.
  for lib in "${libs[@]}"; do
    candidates+=("$lib" "$(readlink -f "$lib")")
    case "$lib" in
      /usr/*) candidates+=("${lib#/usr}") ;;
      *) candidates+=("/usr$lib") ;;
    esac
  done
  local owners
  owners=$(dpkg -S "${candidates[@]}" 2> /dev/null || true)
  for lib in "${libs[@]}"; do
    local base=${lib##*/}
    grep -q "/$base\$" <<< "$owners" ||
      die "$bin: no Debian package owns $lib (built against a library outside apt?)"
  done
  # "libfoo1:amd64: /usr/lib/..." -> libfoo1
  sed -n 's/^\([^:]*\)\(:[a-z0-9]*\)\{0,1\}: .*/\1/p' <<< "$owners" | LC_ALL=C sort -u
}

# The apt sources of this host (the mirror it is set up for), pasted into
# mmdebstrap's sources.list.
host_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -qw "$suite" "$f" && echo "$f"
  done
  return 0
}

# The customize hook: the non-root user, a /tmp, and no documentation but
# the copyright files (licences travel with the libraries).
# shellcheck disable=SC2016  # expanded by mmdebstrap's shell, $1 = the root
customize='set -e; r="$1"
printf "root:x:0:0:root:/root:/sbin/nologin\ncsm:x:'$uid':'$uid':csm:/nonexistent:/sbin/nologin\n" > "$r/etc/passwd"
printf "root:x:0:\ncsm:x:'$uid':\n" > "$r/etc/group"
mkdir -p "$r/tmp" && chmod 1777 "$r/tmp"
rm -rf "$r/usr/share/man" "$r/usr/share/info" "$r/usr/share/lintian" "$r/usr/share/locale" \
  "$r/usr/share/bash-completion" "$r/usr/share/gdb" "$r/usr/share/gcc" "$r/usr/share/pixmaps" \
  "$r/var/cache/apt" "$r/var/lib/apt/lists"
find "$r/usr/share/doc" -type f ! -name copyright -delete 2>/dev/null || true
find "$r/usr/share/doc" -type l -delete 2>/dev/null || true'

# rootfs_for PACKAGE...: prints the path of the cached root filesystem tar
# holding exactly these packages (and their dependencies), building it when
# missing or older than max_age_days.
rootfs_for() {
  local key tarball
  key=$(printf '%s\n' "recipe=$recipe" "suite=$suite" "uid=$uid" "$@" | sha256sum | cut -c1-16)
  tarball=$cache/rootfs-$key.tar
  # mmdebstrap picks the output format from the name: keep ".tar" last.
  local partial=$cache/rootfs-$key.partial.tar
  if [ -f "$tarball" ] && [ -z "$(find "$tarball" -mtime +"$max_age_days")" ]; then
    log "root filesystem $key from the cache ($tarball)" >&2
    echo "$tarball"
    return 0
  fi
  mkdir -p "$cache"
  local sources=() includes t0
  mapfile -t sources < <(host_sources)
  ((${#sources[@]})) || die "no apt source for $suite in /etc/apt; mmdebstrap needs one"
  includes=$(IFS=,; echo "$*")
  log "root filesystem $key: mmdebstrap $suite with ${includes:-nothing}" >&2
  t0=$(date +%s)
  if (($# == 0)); then
    # A static binary needs no package: the user, /tmp and nothing else.
    local dir
    dir=$(mktemp -d)
    mkdir -p "$dir/etc"
    bash -c "$customize" _ "$dir"
    tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf "$partial" .
    rm -rf "$dir"
  else
    mmdebstrap --quiet --variant=extract --include="$includes" \
      --skip=output/dev --skip=output/mknod \
      --customize-hook="$customize" \
      "$suite" "$partial" "${sources[@]}" >&2
  fi
  mv "$partial" "$tarball"
  log "root filesystem $key built in $(($(date +%s) - t0)) s ($(du -h "$tarball" | cut -f1))" >&2
  echo "$tarball"
}

# buildah's vfs storage copies each layer: about 1 GiB for the four images.
need_room() {
  local dir=$1 free_mb
  free_mb=$(df -Pk "$dir" | awk 'NR == 2 {print int($4 / 1024)}')
  ((free_mb >= 2048)) || die "only ${free_mb} MiB free under $dir; the images need about 2 GiB"
}
need_room "${TMPDIR:-/tmp}"
mkdir -p "$build_dir"
need_room "$build_dir"

# The private buildah storage: nothing is left in /var/lib/containers.
storage=$(mktemp -d "${TMPDIR:-/tmp}/csm-buildah.XXXXXX")
trap 'rm -rf "$storage"' EXIT
bah() {
  buildah --root "$storage/root" --runroot "$storage/run" --storage-driver vfs "$@"
}

# build_image NAME BINARY
build_image() {
  local name=$1 bin=$2 t0 ctx pkgs=() rootfs file image
  t0=$(date +%s)
  file=${bin##*/}
  image=csm/$name:$tag
  mapfile -t pkgs < <(runtime_packages "$bin")
  log "$name: $bin needs ${#pkgs[@]} packages: ${pkgs[*]:-(static binary)}"
  rootfs=$(rootfs_for "${pkgs[@]}")
  ctx=$out/context/$name
  rm -rf "$ctx"
  mkdir -p "$ctx" "$out/debug"
  ln "$rootfs" "$ctx/rootfs.tar" 2> /dev/null || cp "$rootfs" "$ctx/rootfs.tar"
  # The tested binary without its debug sections (same code, same build id);
  # the debug info stays next to the archive for symbolising core dumps.
  objcopy --only-keep-debug "$bin" "$out/debug/$file.debug"
  objcopy --strip-debug --add-gnu-debuglink="$out/debug/$file.debug" "$bin" "$ctx/$file"
  # The gateway serves the web console (CMake target `console`) under /console/.
  if [ "$name" = gateway ]; then
    [ -f "$build_dir/console/index.html" ] || die "$build_dir/console not built (bash scripts/build.sh)"
    cp -R "$build_dir/console" "$ctx/console"
  fi
  printf '%s\n' "${pkgs[@]}" > "$out/$name.packages"
  bah bud --quiet --isolation chroot --layers=false \
    --label org.opencontainers.image.title="$name" \
    --label org.opencontainers.image.revision="$(git rev-parse HEAD 2> /dev/null || echo unknown)" \
    --label org.opencontainers.image.version="$tag" \
    -f "images/$name.Containerfile" -t "$image" "$ctx" > /dev/null
  rm -f "$out/$name.oci.tar"
  bah push --quiet "$image" "oci-archive:$out/$name.oci.tar:$image"
  bah rmi "$image" > /dev/null
  rm -rf "$ctx"
  echo "$name $image $(du -h "$out/$name.oci.tar" | cut -f1) $(($(date +%s) - t0))s" >> "$out/.summary"
  log "$name: $out/$name.oci.tar ($image) in $(($(date +%s) - t0)) s"
}

started=$(date +%s)
mkdir -p "$out"
rm -f "$out/.summary"
wanted=("$@")
built=0
for entry in "${all_images[@]}"; do
  read -r name rel <<< "$entry"
  if ((${#wanted[@]})) && [[ " ${wanted[*]} " != *" $name "* ]]; then continue; fi
  bin=$build_dir/$rel
  if [ ! -x "$bin" ]; then
    log "$name: skipped: $bin is not built (yet)"
    rm -f "$out/$name.oci.tar"
    continue
  fi
  build_image "$name" "$bin"
  built=$((built + 1))
done
((built > 0)) || die "no image built: build the binaries first (scripts/build.sh)"

echo
echo "image                 archive   built in  (build/images/NAME.oci.tar, tag $tag)"
while read -r name image size secs; do
  printf '%-21s %-9s %s\n' "$name" "$size" "$secs"
done < "$out/.summary"
rm -f "$out/.summary"
log "$built images in $(($(date +%s) - started)) s"
