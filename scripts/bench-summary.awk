# The tables of scripts/bench.sh, in markdown, from its results.txt:
#   awk -f scripts/bench-summary.awk build/bench/results.txt
# Each figure of a round is divided by its composed ceiling of the same
# round (docs/benchmarks.md); the tables give the median over the rounds
# and the spread (lowest–highest).

function sorted(list, a,    n, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) {
    t = a[i] + 0
    for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
    a[j + 1] = t
  }
  return n
}
function median(list,    a, n) {
  n = sorted(list, a)
  if (n == 0) return ""
  return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function spread(list, fmt,    a, n) {
  n = sorted(list, a)
  if (n == 0) return "-"
  if (n == 1) return sprintf(fmt, a[1])
  return sprintf(fmt "–" fmt, a[1], a[n])
}
# A table's heading, a blank line either side.
function section(title) { printf "\n### %s\n\n", title }
function num(fmt, v) { return v == "" ? "-" : sprintf(fmt, v) }
# The CPU per call of each process and the machine's busy share, as the
# last two cells of a row.
function cpu_cells(key) {
  return sprintf("%s / %s / %s / %s | %s", num("%.0f", median(cpuL[key, "customer-svc"])),
    num("%.0f", median(cpuL[key, "complaint-svc"])), num("%.0f", median(cpuL[key, "mariadbd"])),
    num("%.0f", median(cpuL[key, "load"])), num("%.0f", median(busyL[key])))
}
function add(arr, k, v) { arr[k] = (k in arr) ? arr[k] " " v : v }
# "a:1.5,b:2" into out["a"] = 1.5, ...
function pairs(s, out,    n, i, p, kv) {
  delete out
  n = split(s, p, ",")
  for (i = 1; i <= n; i++) if (split(p[i], kv, ":") == 2) out[kv[1]] = kv[2]
}
function errors_of(s, key,    p, c) {
  if (s == "0" || s == "") return
  pairs(s, p)
  for (c in p) {
    if (c == "RESOURCE_EXHAUSTED") re[key] += p[c]
    else other[key] = other[key] (other[key] == "" ? "" : ",") c ":" p[c]
  }
}
function ceiling(fig, c, r,    noop, noopx, ps, ins, ins1, par) {
  noop = Q["noop", c, r]; noopx = Q["noopx", c, r]
  ps = Q["ps", c, r]; ins = Q["ins", c, r]; ins1 = Q["ins", 1, r]
  if (noop <= 0 || ps <= 0) return 0
  if (fig == "get" || fig == "list") return 1 / (1 / noop + 1 / ps)
  if (ins <= 0) return 0
  par = 1 / (1 / noop + 1 / ps + 1 / ins)
  if (fig == "update" || fig == "dealing") return par
  if (fig == "transition") return noopx > 0 ? 1 / (1 / noopx + 1 / ps + 1 / ins) : 0
  if (fig == "register") return noopx > 0 ? 1 / (1 / noopx + 1 / noop + 1 / ps + 1 / ins) : 0
  if (fig == "create") return (ins1 > 0 && ins1 < par) ? ins1 : par
  return 0
}

BEGIN {
  name["noop"] = "no-op (health) via customer-svc"
  name["noopx"] = "no-op (health) via complaint-svc"
  name["ps"] = "sysbench oltp_point_select"
  name["ins"] = "sysbench oltp_insert (durable)"
  name["get"] = "GetCustomer"
  name["list"] = "ListCustomers (page of 50)"
  name["update"] = "UpdateCustomer"
  name["dealing"] = "RecordDealing"
  name["register"] = "RegisterComplaint"
  name["transition"] = "RecordInvestigation (complaint transition)"
  name["create"] = "CreateCustomer (one team)"
  name["listx"] = "ListComplaints (page of 50; statements only)"
  formula["get"] = formula["list"] = "1/(1/noop + 1/ps)"
  formula["update"] = formula["dealing"] = "1/(1/noop + 1/ps + 1/ins)"
  formula["transition"] = "1/(1/noop_cmp + 1/ps + 1/ins)"
  formula["register"] = "1/(1/noop_cmp + 1/noop + 1/ps + 1/ins)"
  formula["create"] = "min(1/(1/noop + 1/ps + 1/ins), ins@1)"
  nfig = split("get list update dealing register transition create", figs, " ")
  # Counted in the statements phase only (csm-load does not make the call).
  nsfig = split("get list update dealing register transition create listx", sfigs, " ")
  nceil = split("noop noopx ps ins", ceils, " ")
}

{
  delete f
  for (i = 1; i <= NF; i++) {
    k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v); f[k] = v
  }
  kind = f["kind"]; key = f["fig"] SUBSEP f["conc"]
  if (kind == "ceiling" || kind == "figure") {
    Q[f["fig"], f["conc"], f["round"]] = f["qps"]
    rounds[f["round"]] = 1; concs[f["conc"]] = 1
    add(qpsL, key, f["qps"]); add(p50L, key, f["p50_ms"])
    add(p99L, key, (f["p99_ms"] != "" ? f["p99_ms"] : f["p95_ms"]))
    add(busyL, key, f["busy_pct"])
    errors_of(f["errors"], key)
    pairs(f["cpu_us_per_call"], cpu)
    for (p in cpu) if (cpu[p] != "-") add(cpuL, key SUBSEP p, cpu[p])
  }
  if (kind == "figure" || kind == "half") {
    pairs(f["rss_mib"], rss)
    for (p in rss) if (rss[p] != "-" && rss[p] + 0 > maxrss[p] + 0) maxrss[p] = rss[p]
  }
  if (kind == "half") for (k in f) half[f["fig"], k] = f[k]
  if (kind == "streams" || kind == "streams_load") {
    sk = kind SUBSEP f["conc"]
    if (!(sk in stk)) stl[++nst] = sk
    stk[sk] = 1
    for (k in f) st[sk, k] = f[k]
  }
  if (kind == "stmt") { for (k in f) stmt[f["fig"], k] = f[k]; stmts[f["fig"]] = 1 }
  if (kind == "mem") { mem[f["service"], f["phase"], "rss"] = f["VmRSS"]; mem[f["service"], f["phase"], "hwm"] = f["VmHWM"] }
}

END {
  nc = 0
  for (c in concs) if (c != 1) cl[++nc] = c
  for (i = 2; i <= nc; i++) for (j = i; j > 1 && cl[j - 1] + 0 > cl[j] + 0; j--) { t = cl[j]; cl[j] = cl[j - 1]; cl[j - 1] = t }

  section("Ceilings (median of the rounds, lowest–highest)")
  print "| ceiling | in flight | QPS | spread | p99 ms (sysbench: p95) | CPU µs per call: customer-svc / complaint-svc / mariadbd / client | machine busy % |"
  print "|---|---|---|---|---|---|---|"
  for (i = 1; i <= nceil; i++) for (j = 0; j <= nc; j++) {
    c = (j == 0) ? 1 : cl[j]; key = ceils[i] SUBSEP c
    if (!(key in qpsL)) continue
    printf "| %s | %s | %.0f | %s | %s | %s |\n", name[ceils[i]], c,
      median(qpsL[key]), spread(qpsL[key], "%.0f"), num("%.2f", median(p99L[key])),
      cpu_cells(key)
  }
  section("Figures against their ceilings (median of the rounds, lowest–highest)")
  print "| figure | in flight | ceiling | ceiling QPS | QPS | ratio | ratio spread | p50 ms | p99 ms | RESOURCE_EXHAUSTED | other errors | CPU µs per call: customer-svc / complaint-svc / mariadbd / client | machine busy % |"
  print "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for (i = 1; i <= nfig; i++) for (j = 1; j <= nc; j++) {
    fg = figs[i]; c = cl[j]; key = fg SUBSEP c
    if (!(key in qpsL)) continue
    ratios = ""; ceilings = ""
    for (r in rounds) {
      cq = ceiling(fg, c, r)
      if (cq > 0 && ((fg, c, r) in Q)) { ratios = ratios " " Q[fg, c, r] / cq; ceilings = ceilings " " cq }
    }
    peakq[fg] = (median(qpsL[key]) > peakq[fg]) ? median(qpsL[key]) : peakq[fg]
    printf "| %s | %s | %s | %s | %.0f | **%s** | %s | %s | %s | %d | %s | %s |\n",
      name[fg], c, formula[fg], num("%.0f", median(ceilings)), median(qpsL[key]),
      num("%.3f", median(ratios)), spread(ratios, "%.3f"), num("%.2f", median(p50L[key])),
      num("%.2f", median(p99L[key])), re[key], (other[key] == "" ? "0" : other[key]),
      cpu_cells(key)
  }
  section("Latency at half the peak rate (open loop, up to 64 in flight)")
  print "| figure | peak QPS (best median) | offered QPS | served QPS | p50 ms | p90 ms | p99 ms | errors |"
  print "|---|---|---|---|---|---|---|---|"
  for (i = 1; i <= nfig; i++) {
    fg = figs[i]
    if (!((fg, "rate") in half)) continue
    printf "| %s | %.0f | %s | %s | %s | %s | **%s** | %s |\n", name[fg], peakq[fg], half[fg, "rate"],
      half[fg, "qps"], half[fg, "p50_ms"], half[fg, "p90_ms"], half[fg, "p99_ms"], half[fg, "errors"]
  }
  if (nst > 0) {
    section("Idle StreamEvents streams held open during GetCustomer")
    print "Burst: that many calls at once, one per caller; load: closed loop for the measured time."
    print ""
    print "| streams opened | served (live) | pending | ended (code:count) | GetCustomer | in flight | calls | served (OK) | refused / failed (code:count) | QPS | QPS without streams (median) | customer-svc RSS MiB |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= nst; i++) {
      sk = stl[i]
      split(sk, kc, SUBSEP)
      pairs(st[sk, "rss_mib"], rss)
      without = (kc[1] == "streams_load") ? sprintf("%.0f", median(qpsL["get" SUBSEP kc[2]])) : "-"
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", st[sk, "streams"], st[sk, "streams_live"],
        st[sk, "streams_pending"], st[sk, "streams_ended"], (kc[1] == "streams" ? "burst" : "load"), kc[2],
        st[sk, "calls"], st[sk, "ok"], st[sk, "errors"],
        (kc[1] == "streams" ? "-" : st[sk, "qps"]), without, rss["customer-svc"]
    }
  }
  section("Resident memory (MiB)")
  print "| service | idle after start | largest sampled under load | VmHWM at the end (streams included) | idle at the end |"
  print "|---|---|---|---|---|"
  split("customer-svc complaint-svc", svcs, " ")
  for (i = 1; i <= 2; i++) {
    s = svcs[i]
    printf "| %s | %s | %s | %s | %s |\n", s, mem[s, "idle", "rss"], maxrss[s], mem[s, "end", "hwm"], mem[s, "end", "rss"]
  }
  section("Statements and MariaDB counters per call (one call at a time)")
  print "| RPC | round trips: customer-svc / complaint-svc | by command | Handler_read_key / _next / _rnd_next | Handler_write / _update | tmp tables (disk) | Sort_rows | Rows_read | fsyncs | bytes received / sent |"
  print "|---|---|---|---|---|---|---|---|---|---|"
  for (i = 1; i <= nsfig; i++) {
    fg = sfigs[i]
    if (!(fg in stmts)) continue
    by = ""
    for (k in stmt) {
      split(k, kk, SUBSEP)
      if (kk[1] != fg || kk[2] !~ /^log_/) continue
      label = kk[2]; sub(/^log_/, "", label); sub(/_svc_/, ":", label)
      by = by (by == "" ? "" : ", ") label " " stmt[k]
    }
    printf "| %s | %s / %s | %s | %s / %s / %s | %s / %s | %s (%s) | %s | %s | %s | %s / %s |\n", name[fg],
      num("%.1f", stmt[fg, "roundtrips_customer_svc"]), num("%.1f", stmt[fg, "roundtrips_complaint_svc"]), by,
      stmt[fg, "Handler_read_key"], stmt[fg, "Handler_read_next"], stmt[fg, "Handler_read_rnd_next"],
      stmt[fg, "Handler_write"], stmt[fg, "Handler_update"], stmt[fg, "Created_tmp_tables"],
      stmt[fg, "Created_tmp_disk_tables"], stmt[fg, "Sort_rows"], stmt[fg, "Rows_read"],
      stmt[fg, "Innodb_data_fsyncs"], stmt[fg, "Bytes_received"], stmt[fg, "Bytes_sent"]
  }
}
