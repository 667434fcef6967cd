# Where a profiled process spends its CPU, in markdown, from `perf script
# -F comm,tid,ip,sym,dso` of a `perf record -g` (scripts/bench.sh --perf):
#   perf script -i perf.data -F comm,tid,ip,sym,dso | awk -f scripts/bench-perf.awk
# "within" shares count a sample once if any frame of its stack matches
# (they overlap: a futex wait is also a context switch); "self" shares go
# by the innermost frame. Samples are of cpu-clock: on-CPU time only.

function group(dso) {
  if (dso ~ /kernel\.kallsyms|\[vdso\]/) return "kernel"
  if (dso ~ /libgrpc|libgpr|libupb|libaddress_sorting/) return "gRPC (libgrpc, libgrpc++, libgpr)"
  if (dso ~ /libmariadb|libmysqlcppconn/) return "MySQL client (libmariadb, Connector/C++)"
  if (dso ~ /libprotobuf/) return "protobuf"
  if (dso ~ /libabsl/) return "Abseil"
  if (dso ~ /libc\.so|ld-linux/) return "libc (malloc, memcpy, ...)"
  if (dso ~ /libstdc\+\+/) return "libstdc++"
  if (dso ~ /libssl|libcrypto/) return "OpenSSL"
  if (dso ~ /libjwt|libjansson/) return "libjwt"
  if (dso ~ /prometheus/) return "prometheus-cpp"
  if (dso ~ /(^|\/)[a-z]+-svc$/) return "the service's own code"
  return "other (" dso ")"
}
function flush(    k) {
  if (depth == 0) return
  total++
  self[group(leafdso)]++
  leafsym[leaf " (" group(leafdso) ")"]++
  thread[comm]++
  for (k in hit) within[k]++
  delete hit
  depth = 0
}
function mark(label) { hit[label] = 1 }

/^[^\t ]/ { flush(); comm = $1; next }
/^[\t ]+[0-9a-f]+ / {
  line = $0
  sub(/^[\t ]+[0-9a-f]+ /, "", line)
  dso = line; sub(/.* \(/, "", dso); sub(/\)$/, "", dso)
  sym = line; sub(/ \([^(]*\)$/, "", sym); sub(/\+0x[0-9a-f]+$/, "", sym)
  if (depth == 0) { leaf = sym; leafdso = dso }
  depth++
  if (sym ~ /^(__x64_sys_futex|do_futex)$/) mark("kernel: futex (wait and wake)")
  if (sym ~ /^(__schedule|schedule|finish_task_switch.*|try_to_wake_up)$/) mark("kernel: scheduling and context switches")
  if (sym ~ /^(__sys_sendmsg|__sys_recvmsg|__sys_sendto|__sys_recvfrom|ksys_read|ksys_write|do_epoll_wait|__x64_sys_epoll_wait|do_sys_poll|__x64_sys_ppoll|__x64_sys_poll)$/) mark("kernel: socket reads, writes, polls")
  if (dso ~ /libmariadb|libmysqlcppconn/) mark("MySQL client (libmariadb, Connector/C++)")
  if (dso ~ /libprotobuf/) mark("protobuf (parse, serialise, reflection)")
  if (sym ~ /csm::log::/) mark("logging (csm::log)")
  # libjwt and OpenSSL keep no frame pointers: their callers are lost, so
  # any frame of theirs counts (nothing else here calls OpenSSL; nlohmann
  # json parses only the token's claims, docs/architecture.md).
  if (sym ~ /TokenVerifier|nlohmann/ || dso ~ /libjwt|libcrypto/) mark("token verification (libjwt, OpenSSL HMAC, claims JSON)")
  if (depth == 1 && dso ~ /libc\.so/ && sym ~ /malloc|free|_int_|unlink_chunk|tcache|realloc|calloc/) mark("libc: malloc and free (self)")
  if (sym ~ /GraphCycles|DeadlockCheck/ || dso ~ /graphcycles/) mark("Abseil Mutex deadlock detection (Debian's Abseil keeps it on)")
  if (sym ~ /prometheus/ || dso ~ /prometheus/) mark("metrics (prometheus-cpp)")
  next
}
/^$/ { flush() }

function table(title, arr, limit,    n, k, keys, i, j, t) {
  n = 0
  for (k in arr) keys[++n] = k
  for (i = 2; i <= n; i++) for (j = i; j > 1 && arr[keys[j - 1]] < arr[keys[j]]; j--) { t = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = t }
  print "| " title " | share of samples |"
  print "|---|---|"
  for (i = 1; i <= n && i <= limit; i++) printf "| %s | %.1f %% |\n", keys[i], 100 * arr[keys[i]] / total
  print ""
}

END {
  flush()
  print "### Where the profiled process's CPU goes (perf record -g, " total " of its samples)"
  print ""
  if (total == 0) { print "no samples"; exit }
  table("within (any frame of the stack)", within, 20)
  table("self, by library (innermost frame)", self, 20)
  table("self, top symbols", leafsym, 12)
  table("by thread", thread, 8)
}
