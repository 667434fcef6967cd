#include "tools/load_config.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

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
          "(RecordInvestigation on accepted complaints; repeatable), or at "
          "reporting-svc: weekly_report, supervision_report, staff_ranking "
          "(the whole company, --report_year and --report_number)");
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
ABSL_FLAG(int, report_year, 2026, "Reports: the period's year");
ABSL_FLAG(int, report_number, 1,
          "Reports: the ISO week (weekly_report), month (supervision_report) "
          "or quarter (staff_ranking) of --report_year");
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
ABSL_FLAG(std::string, trace, "",
          "File to write one line per measured call to: when it was due "
          "(µs since the epoch), its latency in µs, its gRPC code and the "
          "x-request-id it sent (load-<seed>-<worker>-<n>, which the server "
          "logs at info), and how late the client was to send it (µs)");

namespace csm::load {
namespace {

constexpr absl::Duration kMaxDuration = absl::Seconds(120);
constexpr absl::Duration kMaxWarmup = absl::Seconds(30);
constexpr int kMaxConcurrency = 1024;
constexpr int kMaxStreams = 5000;

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
  c.requests.report_year = absl::GetFlag(FLAGS_report_year);
  c.requests.report_number = absl::GetFlag(FLAGS_report_number);
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
  c.trace = absl::GetFlag(FLAGS_trace);
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

}  // namespace

absl::StatusOr<Config> ConfigFromFlags() {
  Config c = ReadFlags();
  if (absl::Status s = ValidateRanges(c); !s.ok()) return s;
  if (absl::Status s = ValidateCombination(c); !s.ok()) return s;
  return c;
}

}  // namespace csm::load
