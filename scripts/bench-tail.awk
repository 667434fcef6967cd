# Where the slowest calls of a csm-load --trace run spent their time
# (docs/benchmarks.md, "The half-peak tail: a pause in gRPC's polling"):
#   gawk -f scripts/bench-tail.awk TRACE SERVICE_LOG
# TRACE: csm-load --trace's lines (due_unix_us latency_us code request_id
# late_us); SERVICE_LOG: the service's log at info (CSM_LOG_LEVEL=info),
# whose "rpc" lines carry the request id csm-load sent, the end time (ms)
# and the handler's duration. Prints the client's and the handler's p50 and
# p99, then the slowest 1 % split into: the client late to send, sent until
# the handler started, the handler, and after it until the client had the
# answer; and the due times of those calls (ms from the first), which show
# whether they come in bursts and how far apart.
function ts_ms(ts, d, t) {
  # 2026-12-03T07:17:26.059Z
  split(substr(ts, 1, 10), d, "-")
  split(substr(ts, 12, 12), t, ":")
  return (mktime(d[1] " " d[2] " " d[3] " " t[1] " " t[2] " 0", 1) + t[3]) * 1000
}
function field(line, key, m) {
  if (match(line, "\"" key "\":\"[^\"]*\"")) {
    m = substr(line, RSTART + length(key) + 4, RLENGTH - length(key) - 5)
    return m
  }
  return ""
}
function pct(a, n, p, i) {
  i = int(p * n) + 1
  return a[i > n ? n : i]
}
FILENAME == ARGV[1] {
  n_trace++
  due[$4] = $1 / 1000; lat[$4] = $2 / 1000; late[$4] = ($5 == "" ? 0 : $5 / 1000)
  next
}
/"msg":"rpc"/ {
  id = field($0, "request_id")
  if (!(id in due)) next
  end[id] = ts_ms(field($0, "ts")); dur[id] = field($0, "duration_ms") + 0
}
END {
  if (n_trace == 0) { print "0 traced calls (none was due in the window)"; exit 0 }
  n = 0
  for (id in end) { n++; ids[n] = id; l[n] = lat[id]; h[n] = dur[id] }
  if (n == 0) { print "no traced call has a log line (is the log at info?)"; exit 1 }
  asort(l, ls); asort(h, hs)
  printf "%d traced calls, %d with a log line; client p50 %.1f p99 %.1f ms; handler p50 %.1f p99 %.1f ms\n", n_trace, n, pct(ls, n, .5), pct(ls, n, .99), pct(hs, n, .5), pct(hs, n, .99)
  # The slowest 1 %: sort ids by latency.
  for (i = 1; i <= n; i++) key[i] = sprintf("%012.3f %s", lat[ids[i]], ids[i])
  asort(key, ks)
  top = int(n / 100); if (top < 1) top = 1
  t0 = -1
  for (id in due) if (t0 < 0 || due[id] < t0) t0 = due[id]
  for (i = n; i > n - top; i--) {
    split(ks[i], kv, " "); id = kv[2]
    start = end[id] - dur[id]
    s_lat += lat[id]; s_late += late[id]; s_pre += start - due[id] - late[id]
    s_dur += dur[id]; s_post += due[id] + lat[id] - end[id]
    offs[n - i + 1] = int(due[id] - t0)
  }
  printf "slowest %d: %.1f ms = late to send %.1f + sent to handler %.1f + handler %.1f + after %.1f (log times in 1 ms steps)\n", top, s_lat / top, s_late / top, s_pre / top, s_dur / top, s_post / top
  asort(offs, os)
  printf "their due times, ms from the first call:"
  for (i = 1; i <= top; i++) printf " %d", os[i]
  printf "\n"
}
