#!/usr/bin/env bash
# Each service binary given allocates with tcmalloc: the dynamic linker binds
# the process's malloc and free to libtcmalloc_minimal, not to libc
# (docs/architecture.md, "Allocator"). Runs `BIN --help` with LD_DEBUG.
set -euo pipefail
for bin in "$@"; do
  bindings=$(LD_DEBUG=bindings "$bin" --help 2>&1 > /dev/null || true)
  for sym in malloc free; do
    lines=$(grep -E "normal symbol \`$sym'" <<< "$bindings" || true)
    # Every library's calls (libc's own and the loader's aside) go to
    # tcmalloc, and some do.
    to_libc=$(grep -vE "binding file [^ ]*(libc\.so|ld-linux)" <<< "$lines" |
      grep -E "to [^ ]*libc\.so" || true)
    if [ -n "$to_libc" ] || ! grep -q "to [^ ]*libtcmalloc_minimal" <<< "$lines"; then
      echo "FAIL: $bin: $sym is not bound to tcmalloc everywhere:" >&2
      head -3 <<< "${to_libc:-$lines}" >&2
      exit 1
    fi
  done
  echo "ok: $bin allocates with tcmalloc"
done
