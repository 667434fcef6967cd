// csm-load: a bounded gRPC load generator for the csm services.
//
//   csm-load --method=get_customer --concurrency=16 --channels=4
//            --duration=10s --warmup=2s   (one command line)
//
// `--concurrency` threads each make one blocking call at a time (so that is
// the number of calls in flight), spread over `--channels` channels that
// each have their own TCP connection. Calls that start after the warm-up and
// finish before its end are measured. One line goes to stdout:
//
//   method=get_customer concurrency=16 channels=4 rate=0 seconds=10.00
//   calls=... ok=... errors=0 qps=... p50_ms=... p90_ms=... p99_ms=...
//   [cpu_us_per_call=... (--watch)] [streams=... (--hold_streams)]
//
// `errors` is "0" or "CODE:count,..."; `qps` counts successful calls only;
// latencies are of all measured calls. Exit 0 when at least one measured
// call succeeded, 1 otherwise, 2 on bad flags.
//
// `--rate=R` makes the load open-loop: calls are due at fixed times, R per
// second, each taken by the first thread free (a slow call holds up only
// itself), and a call's latency counts from when it was due
// (a late start is latency too), so p99 at a given rate is honest.
// `--hold_streams=N` opens N idle StreamEvents streams before the load and
// reports how many the server served, queued or refused. `--watch` reports
// the CPU, context switches and memory of named processes in the window.
//
// The load stops by itself (`--duration` at most 120 s, and every call has
// a deadline) and only a loopback address is accepted. The requests are
// deterministic for a given `--seed`; writes carry request ids derived from
// it, so give each write run its own seed (a repeated id is answered from
// the idempotency record instead of writing anything).

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/load_config.h"
#include "tools/load_streams.h"
#include "tools/load_targets.h"
#include "tools/load_watch.h"
#include "tools/load_workers.h"

namespace csm::load {
namespace {

// The watched processes between the warm-up's end and the load's end, with
// a memory sample every 200 ms.
class WatchWindow {
 public:
  WatchWindow(ProcessWatch* watch, Clock::time_point from) : watch_(watch) {
    thread_ = std::thread([this, from] {
      std::this_thread::sleep_until(from);
      watch_->Begin();
      std::unique_lock<std::mutex> lock(mu_);
      while (!cv_.wait_for(lock, std::chrono::milliseconds(200),
                           [&] { return done_; })) {
        watch_->Sample();
      }
    });
  }
  void Finish() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    watch_->End();
  }

 private:
  ProcessWatch* watch_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

int Run(const Config& config) {
  auto watch = ProcessWatch::Parse(config.watch);
  if (!watch.ok()) {
    std::cerr << "csm-load: " << watch.status().message() << "\n";
    return 2;
  }
  auto channels = OpenChannels(config.addr, config.channels, "calls");
  if (!AllConnected(channels, config.addr)) return 1;

  std::vector<std::string> names;
  if (NeedsTargets(config.requests.method)) {
    auto listed = ListTargets(
        TargetQuery{config.customers_addr, config.addr, config.token,
                    config.timeout, config.max_customers},
        config.requests.method);
    if (!listed.ok()) {
      std::cerr << "csm-load: " << listed.status().message() << "\n";
      return 1;
    }
    names = *std::move(listed);
  }

  std::unique_ptr<StreamHolder> streams;
  if (config.hold_streams > 0) {
    auto stream_channels =
        OpenChannels(config.addr, config.stream_channels, "streams");
    if (!AllConnected(stream_channels, config.addr)) return 1;
    // Every stream ends by itself shortly after the load would.
    const absl::Time until = absl::Now() + config.streams_settle +
                             config.warmup + config.duration + config.timeout +
                             absl::Seconds(10);
    streams = std::make_unique<StreamHolder>(std::move(stream_channels),
                                             config.token, until);
    streams->Open(config.hold_streams);
    streams->WaitSettled(config.streams_settle);
  }

  Shared shared;
  shared.start = Clock::now();
  const auto wall_start = std::chrono::system_clock::now();
  shared.measure_from = shared.start + absl::ToChronoNanoseconds(config.warmup);
  shared.stop_at =
      shared.measure_from + absl::ToChronoNanoseconds(config.duration);
  shared.calls_limit = config.calls;

  WatchWindow window(&*watch, shared.measure_from);
  std::vector<WorkerResult> results(config.concurrency);
  std::vector<std::thread> threads;
  threads.reserve(config.concurrency);
  for (int w = 0; w < config.concurrency; ++w) {
    threads.emplace_back(RunWorker, std::cref(config), w,
                         channels[w % config.channels], &names, &shared,
                         &results[w]);
  }
  for (std::thread& t : threads) t.join();
  window.Finish();

  const Totals totals = Combine(config, shared, results);
  if (!config.trace.empty()) {
    if (absl::Status s = WriteTrace(config, results, shared.start, wall_start);
        !s.ok()) {
      std::cerr << "csm-load: " << s.message() << "\n";
    }
  }
  std::string line = ResultLine(config, totals);
  absl::StrAppend(&line, " ",
                  watch->Fields(static_cast<int64_t>(totals.latencies.size())));
  if (streams != nullptr) {
    absl::StrAppend(&line, " ", streams->Counts().Fields());
    streams->Close();
  }
  std::cout << line << std::endl;
  return totals.codes[0] > 0 ? 0 : 1;
}

}  // namespace
}  // namespace csm::load

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "csm-load: bounded gRPC load against a csm service on loopback.\n"
      "  csm-load --method=get_customer --concurrency=16 --channels=4 "
      "--duration=10s\nPrints one line: method, concurrency, channels, "
      "calls, errors by code, QPS, p50/p90/p99 in ms, and what --watch and "
      "--hold_streams measured.");
  absl::ParseCommandLine(argc, argv);
  // Debian builds Abseil without NDEBUG, so absl::Mutex (which gRPC uses)
  // runs its deadlock detector on every lock: a global graph, measurable CPU
  // on two cores. The load generator should steal as little as it can.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto config = csm::load::ConfigFromFlags();
  if (!config.ok()) {
    std::cerr << "csm-load: " << config.status().message() << "\n";
    return 2;
  }
  return csm::load::Run(*config);
}
