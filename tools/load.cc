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
// second over all threads, and a call's latency counts from when it was due
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

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/csmctl_lib.h"
#include "tools/load_requests.h"
#include "tools/load_streams.h"
#include "tools/load_targets.h"
#include "tools/load_watch.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051",
          "Service address; loopback only (127.0.0.1, localhost, [::1])");
ABSL_FLAG(std::string, customers_addr, "",
          "customer-svc, where the archives that calls address are listed "
          "(register_complaint: the complaint-svc at --addr asks it); "
          "default --addr");
ABSL_FLAG(std::string, token, "",
          "Bearer token; default: the CSM_TOKEN environment variable");
ABSL_FLAG(std::string, method, "health",
          "health (grpc.health.v1 Check, a no-op through the same server), "
          "get_customer, list_customers, create_customer, update_customer, "
          "record_dealing, or at complaint-svc: register_complaint, "
          "accept_complaint (registered complaints, each once with "
          "--concurrency=1 --calls=N), investigate_complaint "
          "(RecordInvestigation on accepted complaints; repeatable)");
ABSL_FLAG(int, concurrency, 16,
          "Calls in flight at most (one thread each; with --rate, enough "
          "threads to keep the rate)");
ABSL_FLAG(int, channels, 1,
          "Distinct channels (each its own connection), at most concurrency");
ABSL_FLAG(double, rate, 0,
          "Open loop: calls per second over all threads, due at fixed "
          "times; 0 = closed loop (each thread calls again when answered)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10),
          "Measured time after the warm-up; at most 120s");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2),
          "Calls made but not measured first; at most 30s");
ABSL_FLAG(int64_t, calls, 0,
          "Stop after this many measured calls (0: run for --duration)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "Deadline of each call");
ABSL_FLAG(uint64_t, seed, 1,
          "Seed of the request data; use a new one for each write run");
ABSL_FLAG(std::string, team, "bench",
          "create_customer: the team (teams/{team} id) new archives go to");
ABSL_FLAG(int, page_size, 20, "list_customers: page size");
ABSL_FLAG(int, max_customers, 1000,
          "Archives (or complaints, for the complaint transitions) listed at "
          "start and addressed in turn");
ABSL_FLAG(int, hold_streams, 0,
          "Idle StreamEvents streams to open at --addr before the load and "
          "hold through it (at most 5000)");
ABSL_FLAG(int, stream_channels, 4, "Channels the held streams share");
ABSL_FLAG(absl::Duration, streams_settle, absl::Seconds(5),
          "How long to wait for the held streams to be served or refused "
          "before the load starts");
ABSL_FLAG(std::string, watch, "",
          "Processes to report on, NAME:PID,... (csm-load itself is always "
          "'load'): CPU µs and context switches per call, resident memory");

namespace csm::load {
namespace {

using Clock = std::chrono::steady_clock;

constexpr absl::Duration kMaxDuration = absl::Seconds(120);
constexpr absl::Duration kMaxWarmup = absl::Seconds(30);
constexpr int kMaxConcurrency = 1024;
constexpr int kMaxStreams = 5000;
constexpr int kCodes = 17;  // grpc::StatusCode 0..16

struct Config {
  std::string addr;
  std::string customers_addr;
  std::string token;
  std::string method_name;
  RequestOptions requests;
  int concurrency = 16;
  int channels = 1;
  double rate = 0;
  absl::Duration duration;
  absl::Duration warmup;
  int64_t calls = 0;
  absl::Duration timeout;
  int max_customers = 1000;
  int hold_streams = 0;
  int stream_channels = 4;
  absl::Duration streams_settle;
  std::string watch;
};

bool IsLoopback(absl::string_view addr) {
  for (absl::string_view host : {"127.0.0.1:", "localhost:", "[::1]:"}) {
    if (absl::StartsWith(addr, host) && addr.size() > host.size()) {
      return true;
    }
  }
  return false;
}

Config ReadFlags() {
  Config c;
  c.addr = absl::GetFlag(FLAGS_addr);
  c.customers_addr = absl::GetFlag(FLAGS_customers_addr);
  if (c.customers_addr.empty()) c.customers_addr = c.addr;
  c.token = absl::GetFlag(FLAGS_token);
  if (c.token.empty()) {
    if (const char* env = std::getenv("CSM_TOKEN"); env != nullptr) {
      c.token = env;
    }
  }
  c.method_name = absl::GetFlag(FLAGS_method);
  c.requests.seed = absl::GetFlag(FLAGS_seed);
  c.requests.team = absl::GetFlag(FLAGS_team);
  c.requests.page_size = absl::GetFlag(FLAGS_page_size);
  c.concurrency = absl::GetFlag(FLAGS_concurrency);
  c.channels = absl::GetFlag(FLAGS_channels);
  c.rate = absl::GetFlag(FLAGS_rate);
  c.duration = absl::GetFlag(FLAGS_duration);
  c.warmup = absl::GetFlag(FLAGS_warmup);
  c.calls = absl::GetFlag(FLAGS_calls);
  c.timeout = absl::GetFlag(FLAGS_timeout);
  c.max_customers = absl::GetFlag(FLAGS_max_customers);
  c.hold_streams = absl::GetFlag(FLAGS_hold_streams);
  c.stream_channels = absl::GetFlag(FLAGS_stream_channels);
  c.streams_settle = absl::GetFlag(FLAGS_streams_settle);
  c.watch = absl::GetFlag(FLAGS_watch);
  return c;
}

// Checks each flag on its own; ValidateCombination() the rest.
absl::Status ValidateRanges(Config& c) {
  std::optional<Method> method = MethodFromName(c.method_name);
  if (!method.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--method=", c.method_name, ": use one of ", MethodNames()));
  }
  c.requests.method = *method;
  for (const std::string* a : {&c.addr, &c.customers_addr}) {
    if (!IsLoopback(*a)) {
      return absl::InvalidArgumentError(
          absl::StrCat(*a,
                       ": only loopback addresses (127.0.0.1:PORT, "
                       "localhost:PORT, [::1]:PORT) are accepted"));
    }
  }
  if (c.concurrency < 1 || c.concurrency > kMaxConcurrency) {
    return absl::InvalidArgumentError(
        absl::StrCat("--concurrency must be 1..", kMaxConcurrency));
  }
  if (c.channels < 1 || c.channels > c.concurrency) {
    return absl::InvalidArgumentError(
        "--channels must be 1..concurrency (a channel without a caller "
        "carries nothing)");
  }
  if (!(c.rate >= 0) || c.rate > 1e6) {
    return absl::InvalidArgumentError("--rate must be in [0, 1e6]");
  }
  if (c.duration <= absl::ZeroDuration() || c.duration > kMaxDuration) {
    return absl::InvalidArgumentError("--duration must be in (0, 120s]");
  }
  if (c.warmup < absl::ZeroDuration() || c.warmup > kMaxWarmup) {
    return absl::InvalidArgumentError("--warmup must be in [0, 30s]");
  }
  if (c.calls < 0) return absl::InvalidArgumentError("--calls must be >= 0");
  if (c.timeout <= absl::ZeroDuration() || c.timeout > absl::Seconds(60)) {
    return absl::InvalidArgumentError("--timeout must be in (0, 60s]");
  }
  if (c.requests.page_size < 1 || c.requests.page_size > 500) {
    return absl::InvalidArgumentError("--page_size must be 1..500");
  }
  if (c.max_customers < 1) {
    return absl::InvalidArgumentError("--max_customers must be >= 1");
  }
  if (c.hold_streams < 0 || c.hold_streams > kMaxStreams) {
    return absl::InvalidArgumentError(
        absl::StrCat("--hold_streams must be 0..", kMaxStreams));
  }
  if (c.stream_channels < 1 || c.stream_channels > 64) {
    return absl::InvalidArgumentError("--stream_channels must be 1..64");
  }
  if (c.streams_settle < absl::ZeroDuration() ||
      c.streams_settle > absl::Seconds(60)) {
    return absl::InvalidArgumentError("--streams_settle must be in [0, 60s]");
  }
  return absl::OkStatus();
}

absl::Status ValidateCombination(const Config& c) {
  const Method m = c.requests.method;
  if ((m != Method::kHealth || c.hold_streams > 0) && c.token.empty()) {
    return absl::InvalidArgumentError(
        "no token: set --token or CSM_TOKEN (csm-token mints one)");
  }
  if (m == Method::kCreateCustomer && c.requests.team.empty()) {
    return absl::InvalidArgumentError("--team is required for creates");
  }
  if (c.rate > 0 && c.calls > 0) {
    return absl::InvalidArgumentError(
        "--rate and --calls do not combine: a rate runs for --duration");
  }
  return absl::OkStatus();
}

absl::StatusOr<Config> ConfigFromFlags() {
  Config c = ReadFlags();
  if (absl::Status s = ValidateRanges(c); !s.ok()) return s;
  if (absl::Status s = ValidateCombination(c); !s.ok()) return s;
  return c;
}

void SetUpContext(const Config& config, grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(config.timeout));
  if (!config.token.empty()) {
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", config.token));
  }
}

// `n` channels to `addr`, each with its own connection.
std::vector<std::shared_ptr<grpc::Channel>> OpenChannels(
    const std::string& addr, int n, absl::string_view purpose) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < n; ++i) {
    grpc::ChannelArguments args;
    // Different arguments and a private subchannel pool: each channel opens
    // its own connection instead of sharing one.
    args.SetString("csm.load.purpose", std::string(purpose));
    args.SetInt("csm.load.channel", i);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.push_back(grpc::CreateCustomChannel(
        addr, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

bool AllConnected(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                  const std::string& addr) {
  for (const auto& channel : channels) {
    if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                   std::chrono::seconds(5))) {
      std::cerr << "csm-load: cannot connect to " << addr << "\n";
      return false;
    }
  }
  return true;
}

struct WorkerResult {
  std::vector<int64_t> latencies_ns;  // measured calls
  std::array<int64_t, kCodes> codes{};
  Clock::time_point last_done{};
};

struct Shared {
  Clock::time_point start;
  Clock::time_point measure_from;
  Clock::time_point stop_at;
  int64_t calls_limit = 0;
  std::atomic<int64_t> calls_started{0};
  std::mutex error_mu;
  std::array<bool, kCodes> error_reported{};
};

// When the worker's i-th call is due: with --rate, the calls of all workers
// interleave on one schedule from the start; without, at once.
Clock::time_point DueTime(const Config& config, const Shared& shared,
                          int worker, int64_t i) {
  if (config.rate <= 0) return Clock::now();
  const double slot = static_cast<double>(i) * config.concurrency + worker;
  return shared.start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(slot / config.rate));
}

void Record(const grpc::Status& status, Clock::time_point due,
            Clock::time_point done, Shared* shared, WorkerResult* result) {
  result->latencies_ns.push_back(
      std::chrono::duration_cast<std::chrono::nanoseconds>(done - due).count());
  int code = static_cast<int>(status.error_code());
  if (code < 0 || code >= kCodes) code = grpc::StatusCode::UNKNOWN;
  result->codes[code]++;
  result->last_done = done;
  if (!status.ok()) {
    std::lock_guard<std::mutex> lock(shared->error_mu);
    if (!shared->error_reported[code]) {
      shared->error_reported[code] = true;
      std::cerr << "csm-load: first " << csmctl::FormatRpcError(status);
    }
  }
}

// One blocking call at a time, on its own completion queue.
void RunWorker(const Config& config, int worker,
               std::shared_ptr<grpc::Channel> channel,
               const std::vector<std::string>* names, Shared* shared,
               WorkerResult* result) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  RequestSource source(config.requests, worker, names);
  const std::string path = GrpcPathOf(config.requests.method);
  for (int64_t i = 0;; ++i) {
    const Clock::time_point due = DueTime(config, *shared, worker, i);
    if (due >= shared->stop_at) break;
    std::this_thread::sleep_until(due);
    const bool measured = due >= shared->measure_from;
    if (measured && shared->calls_limit > 0 &&
        shared->calls_started.fetch_add(1, std::memory_order_relaxed) >=
            shared->calls_limit) {
      break;
    }
    grpc::ByteBuffer request = source.Next(i);
    grpc::ByteBuffer response;
    grpc::Status status;
    grpc::ClientContext ctx;
    SetUpContext(config, &ctx);
    auto reader = stub.PrepareUnaryCall(&ctx, path, request, &cq);
    reader->StartCall();
    reader->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    if (!cq.Next(&tag, &ok)) break;  // never: the queue is not shut down
    const Clock::time_point done = Clock::now();
    if (!measured) continue;
    // Closed loop, duration mode: a call that ends after the window is not
    // counted (the window's QPS). Open loop: every call due in the window
    // counts, however late it ends (that lateness is the tail).
    if (config.rate <= 0 && shared->calls_limit == 0 &&
        done > shared->stop_at) {
      break;
    }
    Record(status, due, done, shared, result);
  }
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
}

double Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1] / 1e6;
}

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

struct Totals {
  std::vector<int64_t> latencies;  // sorted
  std::array<int64_t, kCodes> codes{};
  double seconds = 0;
};

Totals Combine(const Config& config, const Shared& shared,
               std::vector<WorkerResult>& results) {
  Totals t;
  Clock::time_point last_done = shared.measure_from;
  for (WorkerResult& r : results) {
    t.latencies.insert(t.latencies.end(), r.latencies_ns.begin(),
                       r.latencies_ns.end());
    for (int c = 0; c < kCodes; ++c) t.codes[c] += r.codes[c];
    last_done = std::max(last_done, r.last_done);
  }
  std::sort(t.latencies.begin(), t.latencies.end());
  // Duration mode: the window; --calls mode: until the last measured call.
  t.seconds =
      config.calls > 0
          ? std::chrono::duration<double>(last_done - shared.measure_from)
                .count()
          : absl::ToDoubleSeconds(config.duration);
  return t;
}

std::string ResultLine(const Config& config, const Totals& t) {
  std::vector<std::string> errors;
  for (int c = 1; c < kCodes; ++c) {
    if (t.codes[c] == 0) continue;
    errors.push_back(
        absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(c)),
                     ":", t.codes[c]));
  }
  const int64_t ok = t.codes[0];
  return absl::StrFormat(
      "method=%s concurrency=%d channels=%d rate=%.1f seconds=%.2f calls=%d "
      "ok=%d errors=%s qps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f",
      config.method_name, config.concurrency, config.channels, config.rate,
      t.seconds, static_cast<int64_t>(t.latencies.size()), ok,
      errors.empty() ? "0" : absl::StrJoin(errors, ","),
      t.seconds > 0 ? ok / t.seconds : 0.0, Percentile(t.latencies, 0.50),
      Percentile(t.latencies, 0.90), Percentile(t.latencies, 0.99));
}

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
