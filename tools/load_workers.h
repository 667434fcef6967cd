// The workers of csm-load: channels, one blocking call at a time per
// thread, and the summary line of what they measured (tools/load.cc).
#ifndef CSM_TOOLS_LOAD_WORKERS_H_
#define CSM_TOOLS_LOAD_WORKERS_H_

#include <grpcpp/grpcpp.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tools/load_config.h"

namespace csm::load {

using Clock = std::chrono::steady_clock;

inline constexpr int kCodes = 17;  // grpc::StatusCode 0..16

// `n` channels to `addr`, each with its own connection.
std::vector<std::shared_ptr<grpc::Channel>> OpenChannels(
    const std::string& addr, int n, absl::string_view purpose);
// False (and a line on stderr) when one does not connect within 5 s.
bool AllConnected(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                  const std::string& addr);

// One measured call, for --trace.
struct TracedCall {
  Clock::time_point due;
  int64_t late_ns;  // from due until the worker started the call
  int64_t latency_ns;
  int code;
  int64_t index;  // the worker's call number (in its x-request-id)
};

struct WorkerResult {
  std::vector<int64_t> latencies_ns;  // measured calls
  std::vector<TracedCall> traced;     // the same, with --trace
  std::array<int64_t, kCodes> codes{};
  Clock::time_point last_done{};
};

struct Shared {
  Clock::time_point start;
  Clock::time_point measure_from;
  Clock::time_point stop_at;
  int64_t calls_limit = 0;
  std::atomic<int64_t> calls_started{0};
  std::atomic<int64_t> next_slot{0};  // --rate: the schedule's next slot
  std::mutex error_mu;
  std::array<bool, kCodes> error_reported{};
};

// When the worker's i-th call is due: with --rate, the calls of all workers

// One blocking call at a time, on its own completion queue, until the
// window or the call budget of `shared` ends.
void RunWorker(const Config& config, int worker,
               std::shared_ptr<grpc::Channel> channel,
               const std::vector<std::string>* names, Shared* shared,
               WorkerResult* result);

struct Totals {
  std::vector<int64_t> latencies;  // sorted
  std::array<int64_t, kCodes> codes{};
  double seconds = 0;
};

Totals Combine(const Config& config, const Shared& shared,
               std::vector<WorkerResult>& results);
// --trace: every worker's measured calls in order of their due time, a
// line each ("due_unix_us latency_us code request_id late_us": late_us is
// the client's own lateness, due until started) to config.trace; `start` is
// shared.start on both clocks.
absl::Status WriteTrace(const Config& config,
                        const std::vector<WorkerResult>& results,
                        Clock::time_point start,
                        std::chrono::system_clock::time_point wall_start);

// "method=... calls=... ok=... errors=... qps=... p50_ms=...".
std::string ResultLine(const Config& config, const Totals& t);

}  // namespace csm::load

#endif  // CSM_TOOLS_LOAD_WORKERS_H_
