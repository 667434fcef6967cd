#!/usr/bin/env bash
# Checks that a summary of scripts/bench.sh holds every figure, not what
# the figures are (the machine is shared; values are judged by people):
#   bash scripts/bench-check.sh SUMMARY "16 64" "20 200" [TRACE]
# (the concurrencies and the stream bursts of the run; TRACE 1: it ran with
# BENCH_TRACE=1, and each figure's tail split is checked too). Each missing figure
# is named; exits 1 when any is.
set -euo pipefail

summary=$1
read -r -a concs <<< "${2:-16 64}"
read -r -a bursts <<< "${3:-20 200}"
trace=${4:-0}
[ -s "$summary" ] || {
  echo "bench-check: $summary is missing or empty" >&2
  exit 1
}
missing=0
miss() {
  echo "bench-check: missing: $*" >&2
  missing=1
}
num='[0-9]+(\.[0-9]+)?'

# row TITLE CELL1 CELL2 PATTERN: a table row whose first cells are CELL1
# (and CELL2 unless empty) and which matches the extended regex PATTERN.
row() {
  local title=$1 c1=$2 c2=$3 pattern=$4 prefix
  prefix="| $c1 |"
  [ -n "$c2" ] && prefix="| $c1 | $c2 |"
  grep -F -- "$prefix" "$summary" | grep -Eq -- "$pattern" || miss "$title: $c1${c2:+ at $c2}"
}

ceilings=("no-op (health) via customer-svc" "no-op (health) via complaint-svc"
  "sysbench oltp_point_select" "sysbench oltp_insert (durable)")
figures=("GetCustomer" "ListCustomers (page of 50)" "UpdateCustomer" "RecordDealing"
  "RegisterComplaint" "RecordInvestigation (complaint transition)" "CreateCustomer (one team)")

for c in "${concs[@]}"; do
  for name in "${ceilings[@]}"; do
    row ceiling "$name" "$c" "^\| [^|]+ \| $c \| $num \|"
  done
  for name in "${figures[@]}"; do
    # ceiling QPS, QPS, ratio, spread, p50, p99, RESOURCE_EXHAUSTED count
    row figure "$name" "$c" "\| $num \| $num \| \*\*$num\*\* \| [^|]+ \| $num \| $num \| [0-9]+ \| [^|]+ \|"
  done
done
row "ceiling of serialised commits" "sysbench oltp_insert (durable)" 1 "^\| [^|]+ \| 1 \| $num \|"
for name in "${figures[@]}"; do
  row "p99 at half the peak rate" "$name" "" "\*\*$num\*\* \| [^|]+ \|$"
done
for n in "${bursts[@]}"; do
  grep -Eq "^\| [0-9]+ \| [0-9]+ \| [0-9]+ \| [^|]+ \| burst \| $n \| [0-9]+ \| [0-9]+ \| [^|]+ \|" "$summary" ||
    miss "idle streams during a burst of $n unary calls (served/refused)"
done
grep -Eq "^\| [0-9]+ \| [0-9]+ \| [0-9]+ \| [^|]+ \| load \| [0-9]+ \| [0-9]+ \| [0-9]+ \| [^|]+ \| $num \| $num \| $num \|" "$summary" ||
  miss "idle streams during GetCustomer load (QPS with and without)"
for s in customer-svc complaint-svc; do
  row "resident memory" "$s" "" "^\| $s \| $num \| $num \| $num \| $num \|$"
done
# Per-call counts are the difference of a run of N and one of 2N calls:
# statements a service runs in the background (its outbox sequencer's
# polls) can make a short run's figure slightly negative.
snum="-?$num"
for name in "${figures[@]}"; do
  row "statements per call" "$name" "" "^\| [^|]+ \| ($snum / ($snum|-)|- / $snum) \|"
done
grep -q '^load before: .*load average' "$summary" || miss "load average before the run"
if [ "$trace" = 1 ]; then
  for fig in get list update dealing register transition create; do
    grep -Eq -- "^- $fig: ([0-9]+ traced calls, [1-9][0-9]* with a log line|0 traced calls)" "$summary" ||
      miss "the tail split of $fig (BENCH_TRACE=1)"
  done
fi
[ "$missing" = 0 ] && echo "bench-check: every figure present in $summary"
exit "$missing"
