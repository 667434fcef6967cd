#!/usr/bin/env bash
# THE test command (README, CI):
#   bash scripts/test.sh
# 1. installs what is missing (scripts/install-deps.sh: apt-get, as root or
#    through sudo; buf from npm), 2. builds (scripts/build.sh), 3. lints the
# contracts and checks them against their release (scripts/buf-lint.sh),
# 4. checks formatting with clang-format (C++) and gofmt (the gateway's Go),
# 5. builds the container images from the binaries just built
# (scripts/images.sh; root, Debian mirror), 6. runs every test with ctest
# (the database tests start their own private MariaDB through a ctest
# fixture; the image tests start each image: nothing else to start).
# Prints the free disk space first, then, at the end, what each failed step
# said last (ctest: the failed tests) and one summary line; exits non-zero
# if any step failed.
# Environment: BUILD_DIR (default build), CTEST_JOBS (default 2),
# CSM_SKIP_INSTALL=1 to skip step 1 on a machine known to be complete,
# CSM_SKIP_IMAGES=1 to skip step 5 (the image tests then report skipped).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
build_dir=${BUILD_DIR:-build}
export BUILD_DIR=$build_dir
ctest_jobs=${CTEST_JOBS:-2}

results=()
failed=0
started=$(date +%s)

# Each step's output is also kept in $step_logs/NAME.log, so that a failure
# can be summed up at the very end, where a truncated CI log still shows it.
step_logs=$(mktemp -d "${TMPDIR:-/tmp}/csm-test.XXXXXX")
trap 'rm -rf "$step_logs"' EXIT
digest=()

# run_step NAME COMMAND...: runs it, records "NAME ok (Ns)" or "NAME FAILED".
run_step() {
  local name=$1
  shift
  local t0 rc
  t0=$(date +%s)
  echo
  echo "=== $name"
  "$@" 2>&1 | tee "$step_logs/$name.log"
  rc=${PIPESTATUS[0]}
  if [ "$rc" -eq 0 ]; then
    results+=("$name ok ($(($(date +%s) - t0))s)")
  else
    results+=("$name FAILED")
    failed=1
    digest_of "$name"
  fi
  return "$rc"
}

# digest_of NAME: what a failed step said last (ctest: the failed tests).
digest_of() {
  local name=$1 log=$step_logs/$1.log
  digest+=("--- $name failed; its last lines:")
  if [ "$name" = ctest ]; then
    mapfile -t -O "${#digest[@]}" digest < <(sed -n '/tests passed, /,$p' "$log" | head -n 60)
  else
    mapfile -t -O "${#digest[@]}" digest < <(tail -n 25 "$log")
  fi
}

# The build, the images and the private databases need room; a full disk
# fails them in ways that hide the cause, so say it first.
disk_check() {
  local free_gb
  free_gb=$(df -Pk . | awk 'NR == 2 {print int($4 / 1048576)}')
  echo "disk: ${free_gb} GiB free on $(df -P . | awk 'NR == 2 {print $6}')"
  if [ "${free_gb:-0}" -lt 8 ]; then
    echo "disk: WARNING: under 8 GiB free; the build (~5 GiB), the images and the test databases may not fit"
    digest+=("--- disk: only ${free_gb} GiB free at the start (want 8)")
  fi
}

skip_step() {
  results+=("$1 skipped ($2)")
}

summary() {
  local verdict=PASS
  [ "$failed" -eq 0 ] || verdict=FAIL
  local line="" r
  if ((${#digest[@]})); then
    echo
    printf '%s\n' "${digest[@]}"
  fi
  for r in "${results[@]}"; do line+="$r | "; done
  echo
  echo "test.sh summary: ${line}total $(($(date +%s) - started))s => $verdict"
}

# shellcheck disable=SC2317  # invoked through run_step
clang_format_check() {
  local dirs=() d
  for d in common customer-svc complaint-svc reporting-svc tools tests; do
    [ -d "$d" ] && dirs+=("$d")
  done
  local files=()
  if ((${#dirs[@]})); then
    mapfile -t files < <(find "${dirs[@]}" \
      \( -name 'build*' -o -name node_modules -o -name .local \) -prune -o \
      -type f \( -name '*.cc' -o -name '*.h' \) -print | LC_ALL=C sort)
  fi
  if ((${#files[@]} == 0)); then
    echo "clang-format: no sources"
    return 0
  fi
  local out
  out=$(mktemp)
  if clang-format --dry-run --Werror "${files[@]}" > "$out" 2>&1; then
    rm -f "$out"
    echo "clang-format: ${#files[@]} files formatted"
    return 0
  fi
  # Every violation comes with context: show the first ones, then the list.
  head -n 40 "$out"
  echo "..."
  echo "clang-format: files not formatted (violations):"
  grep -oE '^[^: ]+\.(cc|h):[0-9]+:[0-9]+: error' "$out" | cut -d: -f1 |
    sort | uniq -c | sed 's/^ */  /'
  echo "clang-format: fix with: clang-format -i <file>  (style: .clang-format)"
  rm -f "$out"
  return 1
}

# shellcheck disable=SC2317  # invoked through run_step
gofmt_check() {
  local out
  out=$(gofmt -l gateway) || return 1
  if [ -n "$out" ]; then
    echo "gofmt: files not formatted (fix with: gofmt -w gateway):"
    echo "$out" | sed 's/^/  /'
    return 1
  fi
  echo "gofmt: gateway/ formatted"
}

disk_check
if [ "${CSM_SKIP_INSTALL:-0}" = 1 ]; then
  skip_step install-deps CSM_SKIP_INSTALL=1
elif ! run_step install-deps bash scripts/install-deps.sh; then
  # Nothing else can work without the toolchain.
  summary
  exit 1
fi

built=0
run_step build bash scripts/build.sh && built=1
run_step buf-lint bash scripts/buf-lint.sh
run_step clang-format clang_format_check
run_step gofmt gofmt_check
if [ "${CSM_SKIP_IMAGES:-0}" = 1 ]; then
  skip_step images CSM_SKIP_IMAGES=1
elif [ "$(id -u)" -ne 0 ]; then
  # buildah and mmdebstrap run in chroot mode (README); the image tests
  # report skipped.
  skip_step images "needs root"
elif [ "$built" = 1 ]; then
  # The image tests in ctest must find every image that could be built.
  export CSM_REQUIRE_IMAGES=1
  run_step images bash scripts/images.sh
else
  skip_step images "build failed"
fi
if [ "$built" = 1 ]; then
  # --no-tests=error: a run that found no test must not pass as green.
  run_step ctest ctest --test-dir "$build_dir" --output-on-failure \
    -j"$ctest_jobs" --timeout 600 --no-tests=error
else
  skip_step ctest "build failed"
fi

summary
exit "$failed"
