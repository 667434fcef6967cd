// What the processes under load spend during csm-load's measured window,
// read from /proc (tools/load.cc, --watch).
#ifndef CSM_TOOLS_LOAD_WATCH_H_
#define CSM_TOOLS_LOAD_WATCH_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace csm::load {

// One process as /proc shows it at one moment.
struct ProcessSample {
  bool alive = false;
  int64_t cpu_ticks = 0;  // utime + stime, all threads
  // Context switches (voluntary + involuntary) per thread id: threads come
  // and go, so deltas are taken per thread.
  std::map<int64_t, int64_t> switches_by_thread;
  int64_t rss_kib = 0;  // VmRSS
  int64_t hwm_kib = 0;  // VmHWM: the peak resident set since start
};

// Named processes (e.g. "customer-svc:1234,mariadbd:99") plus csm-load
// itself ("load"). Begin() and End() bound the window; Sample() in between
// records the largest resident set seen.
class ProcessWatch {
 public:
  // "NAME:PID,..."; empty watches csm-load only.
  static absl::StatusOr<ProcessWatch> Parse(absl::string_view spec);

  void Begin();
  void Sample();
  void End();

  // cpu_us_per_call=NAME:µs,... switches_per_call=... rss_mib=NAME:MiB,...
  // (the largest sampled) hwm_mib=... busy_pct=... watched_pct=... where
  // busy_pct is the whole machine's CPU use in the window (100 = every
  // core busy) and watched_pct the watched processes' share of it.
  std::string Fields(int64_t calls) const;

 private:
  struct Watched {
    std::string name;
    pid_t pid = 0;
    ProcessSample begin, end;
    int64_t max_rss_kib = 0;
  };
  void Add(std::string name, pid_t pid);

  std::vector<Watched> watched_;
  int64_t machine_busy_begin_ = 0, machine_total_begin_ = 0;
  int64_t machine_busy_end_ = 0, machine_total_end_ = 0;
};

}  // namespace csm::load

#endif  // CSM_TOOLS_LOAD_WATCH_H_
