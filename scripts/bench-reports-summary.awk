# The summary tables of scripts/bench-reports.sh from its results.txt lines
# (key=value fields after "kind=...").
function field(name,    i, kv) {
  for (i = 1; i <= NF; i++) {
    split($i, kv, "=")
    if (kv[1] == name) return substr($i, length(name) + 2)
  }
  return ""
}
$1 == "kind=ceiling" { sum[field("threads")] += field("qps"); n[field("threads")]++ }
$1 == "kind=apply" { events = field("events"); apply = field("seconds"); hwm = field("vmhwm_mib") }
$1 == "kind=rebuild" { rebuild = field("seconds") }
$1 == "kind=statements" {
  sign = $2 == "before" ? -1 : 1
  for (i = 3; i <= NF; i++) { split($i, kv, "="); stmts[kv[1]] += sign * kv[2] }
}
$1 == "kind=report" {
  rows[++reports] = sprintf("| %s | %s | %s | %s | %s | %s |", field("fig"), field("conc"),
    field("qps"), field("p50_ms"), field("p99_ms"), field("errors"))
}
END {
  rate = apply > 0 ? events / apply : 0
  c16 = n[16] ? sum[16] / n[16] : 0
  c1 = n[1] ? sum[1] / n[1] : 0
  print "| apply (follow both sources from 0) | figure |"
  print "|---|---|"
  printf "| events applied | %d in %.1f s |\n", events, apply
  printf "| apply rate | %.0f events/s |\n", rate
  printf "| sysbench oltp_insert, 16 threads (mean of before and after) | %.0f inserts/s |\n", c16
  printf "| **ratio** (target >= 0.5) | **%.2f** |\n", (c16 > 0 ? rate / c16 : 0)
  printf "| sysbench oltp_insert, 1 thread (one durable commit after another) | %.0f inserts/s |\n", c1
  printf "| reporting-svc VmHWM after catching up | %s MiB |\n", hwm
  if (rebuild == "") print "| full rebuild (--rebuild) | not run (BENCH_REBUILD=0) |"
  else printf "| full rebuild (--rebuild) | %.1f s (%.0f events/s) |\n", rebuild, (rebuild > 0 ? events / rebuild : 0)
  if (events > 0 && ("questions" in stmts)) {
    printf "| statements per event while catching up | %.1f (insert %.1f, update %.1f, select %.1f, delete %.1f; %.3f commits) |\n",
      stmts["questions"] / events, stmts["com_insert"] / events, stmts["com_update"] / events,
      stmts["com_select"] / events, stmts["com_delete"] / events, stmts["com_commit"] / events
  }
  print ""
  print "| report (whole company) | in flight | QPS | p50 ms | p99 ms (target < 100) | errors |"
  print "|---|---|---|---|---|---|"
  for (i = 1; i <= reports; i++) print rows[i]
}
