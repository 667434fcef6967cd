#!/usr/bin/env bash
# Builds the web console into the folder the gateway serves under /console/
# (csm-gateway --console_dir=OUT_DIR); CMake's `console` target calls it:
#   bash console/build.sh OUT_DIR
# Copies console/src/ as it is (plain HTML, CSS and ES modules: no
# bundler, no transpiler) and Apache ECharts' prebuilt bundle from
# node_modules/echarts (pinned by package.json/package-lock.json, installed
# by scripts/install-deps.sh) into OUT_DIR/vendor/, with its licence. The
# console then needs nothing from the network: no CDN.
set -euo pipefail

if (($# != 1)); then
  echo "usage: console/build.sh OUT_DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$1
started=$(date +%s%N)

# The bundle: line, bar, pie and scatter charts with grid, tooltip, legend,
# title, markLine and dataZoom: what the console draws (700 kB against
# 1.1 MB for everything).
echarts=$root/node_modules/echarts
bundle=$echarts/dist/echarts.common.min.js
want=$(sed -n 's|^ *"echarts": *"\([^"]*\)".*|\1|p' "$root/package.json")
have=$(sed -n 's|^  "version": *"\([^"]*\)".*|\1|p' "$echarts/package.json" 2> /dev/null | head -n 1)
if [ ! -f "$bundle" ] || [ "$have" != "$want" ]; then
  echo "console: node_modules/echarts is ${have:-missing}, package.json pins ${want:-nothing};" >&2
  echo "console: run scripts/install-deps.sh" >&2
  exit 1
fi

# Built beside OUT_DIR and swapped in, so a running gateway never serves a
# half-copied console.
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R "$root/console/src/." "$tmp/"
mkdir -p "$tmp/vendor/echarts"
cp "$bundle" "$tmp/vendor/echarts/echarts.min.js"
cp "$echarts/LICENSE" "$echarts/NOTICE" "$tmp/vendor/echarts/"
echo "$want" > "$tmp/vendor/echarts/VERSION"
chmod -R a+rX "$tmp"
rm -rf "$out.old"
if [ -e "$out" ]; then mv "$out" "$out.old"; fi
mv "$tmp" "$out"
rm -rf "$out.old"
trap - EXIT
echo "console: built $out (echarts $want, $(find "$out" -type f | wc -l) files, $((($(date +%s%N) - started) / 1000000)) ms)"
