# The whole machine during a `perf record -a` (scripts/bench.sh --perf), by
# process, in markdown, from `perf script -F comm,pid,tid`:
#   perf script -i perf.data -F comm,pid,tid |
#     awk -v known="customer-svc:123,mariadbd:99" -f scripts/bench-perf-machine.awk
# Known pids get their names; any other process is named by its most
# frequent thread name and grouped with its namesakes (the compilers of
# other users of a shared machine, "swapper" = idle).
BEGIN {
  n = split(known, kv, ",")
  for (i = 1; i <= n; i++) if (split(kv[i], p, ":") == 2) name[p[2]] = p[1]
}
{
  split($NF, id, "/")
  pid = id[1]
  comm = $1
  for (i = 2; i < NF; i++) comm = comm " " $i
  samples[pid]++
  by[pid, comm]++
  total++
}
END {
  for (pid in samples) {
    label = name[pid]
    if (label == "") {
      best = 0
      for (k in by) {
        split(k, pc, SUBSEP)
        if (pc[1] == pid && by[k] > best) { best = by[k]; label = pc[2] }
      }
      if (pid == 0) label = "idle (swapper)"
    }
    share[label] += samples[pid]
  }
  print "| process (whole machine, " total " samples) | share |"
  print "|---|---|"
  m = 0
  for (l in share) keys[++m] = l
  for (i = 2; i <= m; i++) for (j = i; j > 1 && share[keys[j - 1]] < share[keys[j]]; j--) { t = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = t }
  for (i = 1; i <= m && i <= 10; i++) printf "| %s | %.1f %% |\n", keys[i], 100 * share[keys[i]] / total
}
