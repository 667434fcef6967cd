#include "tools/load_watch.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace csm::load {
namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// The value of "Key:   123 kB" in a /proc status file; 0 when absent.
int64_t StatusValue(absl::string_view status, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (!absl::ConsumePrefix(&line, key) || !absl::ConsumePrefix(&line, ":")) {
      continue;
    }
    std::vector<absl::string_view> words =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    int64_t v = 0;
    if (!words.empty() && absl::SimpleAtoi(words[0], &v)) return v;
  }
  return 0;
}

// utime + stime of /proc/PID/stat (fields 14 and 15), for all threads.
bool CpuTicks(pid_t pid, int64_t* ticks) {
  std::string stat;
  if (!ReadFile(absl::StrCat("/proc/", pid, "/stat"), &stat)) return false;
  // The command name may hold spaces and parentheses: fields follow the
  // last ')'. After it, field 3 (state) is word 0, so utime is word 11.
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return false;
  std::vector<absl::string_view> words = absl::StrSplit(
      absl::string_view(stat).substr(paren + 1), ' ', absl::SkipWhitespace());
  int64_t utime = 0, stime = 0;
  if (words.size() < 13 || !absl::SimpleAtoi(words[11], &utime) ||
      !absl::SimpleAtoi(words[12], &stime)) {
    return false;
  }
  *ticks = utime + stime;
  return true;
}

std::map<int64_t, int64_t> SwitchesByThread(pid_t pid) {
  std::map<int64_t, int64_t> out;
  const std::string dir = absl::StrCat("/proc/", pid, "/task");
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    int64_t tid = 0;
    if (!absl::SimpleAtoi(e->d_name, &tid)) continue;
    std::string status;
    if (!ReadFile(absl::StrCat(dir, "/", tid, "/status"), &status)) continue;
    out[tid] = StatusValue(status, "voluntary_ctxt_switches") +
               StatusValue(status, "nonvoluntary_ctxt_switches");
  }
  closedir(d);
  return out;
}

ProcessSample SampleOf(pid_t pid, bool with_switches) {
  ProcessSample s;
  std::string status;
  if (!CpuTicks(pid, &s.cpu_ticks) ||
      !ReadFile(absl::StrCat("/proc/", pid, "/status"), &status)) {
    return s;
  }
  s.alive = true;
  s.rss_kib = StatusValue(status, "VmRSS");
  s.hwm_kib = StatusValue(status, "VmHWM");
  if (with_switches) s.switches_by_thread = SwitchesByThread(pid);
  return s;
}

// busy and total jiffies of all CPUs, from the first line of /proc/stat.
void MachineTicks(int64_t* busy, int64_t* total) {
  *busy = *total = 0;
  std::string stat;
  if (!ReadFile("/proc/stat", &stat)) return;
  std::vector<absl::string_view> words =
      absl::StrSplit(absl::string_view(stat).substr(0, stat.find('\n')), ' ',
                     absl::SkipWhitespace());
  // cpu user nice system idle iowait irq softirq steal (guest is in user)
  for (size_t i = 1; i < words.size() && i <= 8; ++i) {
    int64_t v = 0;
    if (!absl::SimpleAtoi(words[i], &v)) continue;
    *total += v;
    if (i != 4 && i != 5) *busy += v;
  }
}

}  // namespace

absl::StatusOr<ProcessWatch> ProcessWatch::Parse(absl::string_view spec) {
  ProcessWatch w;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits(':', 1));
    int64_t pid = 0;
    if (kv.first.empty() || !absl::SimpleAtoi(kv.second, &pid) || pid <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--watch: '", item, "' is not NAME:PID"));
    }
    w.Add(std::string(kv.first), static_cast<pid_t>(pid));
  }
  w.Add("load", getpid());
  return w;
}

void ProcessWatch::Add(std::string name, pid_t pid) {
  Watched w;
  w.name = std::move(name);
  w.pid = pid;
  watched_.push_back(std::move(w));
}

void ProcessWatch::Begin() {
  for (Watched& w : watched_) {
    w.begin = SampleOf(w.pid, /*with_switches=*/true);
    w.max_rss_kib = w.begin.rss_kib;
  }
  MachineTicks(&machine_busy_begin_, &machine_total_begin_);
}

void ProcessWatch::Sample() {
  for (Watched& w : watched_) {
    w.max_rss_kib = std::max(w.max_rss_kib, SampleOf(w.pid, false).rss_kib);
  }
}

void ProcessWatch::End() {
  for (Watched& w : watched_) {
    w.end = SampleOf(w.pid, /*with_switches=*/true);
    w.max_rss_kib = std::max(w.max_rss_kib, w.end.rss_kib);
  }
  MachineTicks(&machine_busy_end_, &machine_total_end_);
}

std::string ProcessWatch::Fields(int64_t calls) const {
  const double us_per_tick = 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::vector<std::string> cpu, switches, rss, hwm;
  int64_t watched_ticks = 0;
  for (const Watched& w : watched_) {
    if (!w.begin.alive || !w.end.alive) {
      for (auto* v : {&cpu, &switches, &rss, &hwm})
        v->push_back(absl::StrCat(w.name, ":-"));
      continue;
    }
    const int64_t ticks = w.end.cpu_ticks - w.begin.cpu_ticks;
    watched_ticks += ticks;
    // Switches of the threads alive at both ends of the window.
    int64_t sw = 0;
    for (const auto& [tid, n] : w.end.switches_by_thread) {
      auto it = w.begin.switches_by_thread.find(tid);
      if (it != w.begin.switches_by_thread.end()) sw += n - it->second;
    }
    const double per = calls > 0 ? 1.0 / static_cast<double>(calls) : 0;
    cpu.push_back(
        absl::StrFormat("%s:%.1f", w.name, ticks * us_per_tick * per));
    switches.push_back(absl::StrFormat("%s:%.2f", w.name, sw * per));
    rss.push_back(absl::StrFormat("%s:%.1f", w.name, w.max_rss_kib / 1024.0));
    hwm.push_back(absl::StrFormat("%s:%.1f", w.name, w.end.hwm_kib / 1024.0));
  }
  const int64_t total = machine_total_end_ - machine_total_begin_;
  const int64_t busy = machine_busy_end_ - machine_busy_begin_;
  return absl::StrFormat(
      "cpu_us_per_call=%s switches_per_call=%s rss_mib=%s hwm_mib=%s "
      "busy_pct=%.1f watched_pct=%.1f",
      absl::StrJoin(cpu, ","), absl::StrJoin(switches, ","),
      absl::StrJoin(rss, ","), absl::StrJoin(hwm, ","),
      total > 0 ? 100.0 * busy / total : 0.0,
      total > 0 ? 100.0 * watched_ticks / total : 0.0);
}

}  // namespace csm::load
