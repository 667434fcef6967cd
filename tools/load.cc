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
//   method=get_customer concurrency=16 channels=4 seconds=10.00 calls=...
//   ok=... errors=0 qps=... p50_ms=... p90_ms=... p99_ms=...
//
// `errors` is "0" or "CODE:count,..."; `qps` counts successful calls only;
// latencies are of all measured calls. Exit 0 when at least one measured
// call succeeded, 1 otherwise, 2 on bad flags.
//
// The load stops by itself (`--duration` at most 120 s, and every call has
// a deadline) and only a loopback address is accepted. The requests are
// deterministic for a given `--seed`; creates carry request ids derived from
// it, so give each create run its own seed (a repeated id is answered from
// the idempotency record instead of creating anything).

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
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
#include "absl/time/time.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "csm/customer/v1/customer.pb.h"
#include "tools/csmctl_lib.h"
#include "tools/demo_data_lib.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051",
          "Service address; loopback only (127.0.0.1, localhost, [::1])");
ABSL_FLAG(std::string, token, "",
          "Bearer token; default: the CSM_TOKEN environment variable");
ABSL_FLAG(std::string, method, "health",
          "health (grpc.health.v1 Check, a no-op through the same server), "
          "get_customer, list_customers or create_customer");
ABSL_FLAG(int, concurrency, 16, "Calls in flight (one thread each)");
ABSL_FLAG(int, channels, 1,
          "Distinct channels (each its own connection), at most concurrency");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10),
          "Measured time after the warm-up; at most 120s");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2),
          "Calls made but not measured first; at most 30s");
ABSL_FLAG(int64_t, calls, 0,
          "Stop after this many measured calls (0: run for --duration)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "Deadline of each call");
ABSL_FLAG(uint64_t, seed, 1,
          "Seed of the request data; use a new one for each create run");
ABSL_FLAG(std::string, team, "bench",
          "create_customer: the team (teams/{team} id) new archives go to");
ABSL_FLAG(int, page_size, 20, "list_customers: page size");
ABSL_FLAG(int, max_customers, 1000,
          "get_customer: archives listed at start and read in turn");

namespace csm::load {
namespace {

namespace v1 = ::csm::customer::v1;
using Clock = std::chrono::steady_clock;

constexpr absl::Duration kMaxDuration = absl::Seconds(120);
constexpr absl::Duration kMaxWarmup = absl::Seconds(30);
constexpr int kMaxConcurrency = 1024;
constexpr int kCodes = 17;  // grpc::StatusCode 0..16

enum class Method { kHealth, kGetCustomer, kListCustomers, kCreateCustomer };

struct Config {
  std::string addr;
  std::string token;
  std::string method_name;
  Method method = Method::kHealth;
  int concurrency = 16;
  int channels = 1;
  absl::Duration duration;
  absl::Duration warmup;
  int64_t calls = 0;
  absl::Duration timeout;
  uint64_t seed = 1;
  std::string team;
  int page_size = 20;
  int max_customers = 1000;
};

bool IsLoopback(absl::string_view addr) {
  for (absl::string_view host : {"127.0.0.1:", "localhost:", "[::1]:"}) {
    if (absl::StartsWith(addr, host) && addr.size() > host.size()) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<Config> ConfigFromFlags() {
  Config c;
  c.addr = absl::GetFlag(FLAGS_addr);
  c.token = absl::GetFlag(FLAGS_token);
  if (c.token.empty()) {
    if (const char* env = std::getenv("CSM_TOKEN"); env != nullptr) {
      c.token = env;
    }
  }
  c.method_name = absl::GetFlag(FLAGS_method);
  static const std::map<std::string, Method> kMethods = {
      {"health", Method::kHealth},
      {"get_customer", Method::kGetCustomer},
      {"list_customers", Method::kListCustomers},
      {"create_customer", Method::kCreateCustomer}};
  auto it = kMethods.find(c.method_name);
  if (it == kMethods.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--method=", c.method_name,
                     ": use health, get_customer, list_customers or "
                     "create_customer"));
  }
  c.method = it->second;
  c.concurrency = absl::GetFlag(FLAGS_concurrency);
  c.channels = absl::GetFlag(FLAGS_channels);
  c.duration = absl::GetFlag(FLAGS_duration);
  c.warmup = absl::GetFlag(FLAGS_warmup);
  c.calls = absl::GetFlag(FLAGS_calls);
  c.timeout = absl::GetFlag(FLAGS_timeout);
  c.seed = absl::GetFlag(FLAGS_seed);
  c.team = absl::GetFlag(FLAGS_team);
  c.page_size = absl::GetFlag(FLAGS_page_size);
  c.max_customers = absl::GetFlag(FLAGS_max_customers);

  if (!IsLoopback(c.addr)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--addr=", c.addr,
                     ": only loopback addresses (127.0.0.1:PORT, "
                     "localhost:PORT, [::1]:PORT) are accepted"));
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
  if (c.page_size < 1 || c.page_size > 500) {
    return absl::InvalidArgumentError("--page_size must be 1..500");
  }
  if (c.max_customers < 1) {
    return absl::InvalidArgumentError("--max_customers must be >= 1");
  }
  if (c.method != Method::kHealth && c.token.empty()) {
    return absl::InvalidArgumentError(
        "no token: set --token or CSM_TOKEN (csm-token mints one)");
  }
  if (c.method == Method::kCreateCustomer && c.team.empty()) {
    return absl::InvalidArgumentError("--team is required for creates");
  }
  return c;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string GrpcPathOf(Method method) {
  switch (method) {
    case Method::kHealth:
      return "/grpc.health.v1.Health/Check";
    case Method::kGetCustomer:
      return "/csm.customer.v1.CustomerService/GetCustomer";
    case Method::kListCustomers:
      return "/csm.customer.v1.CustomerService/ListCustomers";
    case Method::kCreateCustomer:
      return "/csm.customer.v1.CustomerService/CreateCustomer";
  }
  return "";
}

void SetUpContext(const Config& config, grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(config.timeout));
  if (!config.token.empty()) {
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", config.token));
  }
}

// Names of existing archives, listed once before the load starts.
absl::StatusOr<std::vector<std::string>> ListCustomerNames(
    const Config& config, const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::CustomerService::NewStub(channel);
  std::vector<std::string> names;
  std::string token;
  do {
    v1::ListCustomersRequest req;
    req.set_page_size(
        std::min(500, config.max_customers - static_cast<int>(names.size())));
    req.set_page_token(token);
    v1::ListCustomersResponse resp;
    grpc::ClientContext ctx;
    SetUpContext(config, &ctx);
    grpc::Status status = stub->ListCustomers(&ctx, req, &resp);
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("listing the archives to read failed: ",
                       csmctl::FormatRpcError(status)));
    }
    for (const v1::Customer& c : resp.customers()) names.push_back(c.name());
    token = resp.next_page_token();
  } while (!token.empty() &&
           static_cast<int>(names.size()) < config.max_customers);
  if (names.empty()) {
    return absl::FailedPreconditionError(
        "get_customer needs archives: there are none (create some first, "
        "e.g. --method=create_customer --calls=300)");
  }
  return names;
}

// The deterministic request data of one worker.
class RequestSource {
 public:
  RequestSource(const Config& config, int worker,
                const std::vector<std::string>* customer_names)
      : config_(config),
        worker_(worker),
        names_(customer_names),
        rng_(config.seed * 1000003u + static_cast<uint64_t>(worker)) {
    if (config.method == Method::kHealth) {
      fixed_ = ToByteBuffer(csmctl::EncodeHealthCheckRequest(""));
    } else if (config.method == Method::kListCustomers) {
      v1::ListCustomersRequest req;
      req.set_page_size(config.page_size);
      fixed_ = ToByteBuffer(req.SerializeAsString());
    } else if (config.method == Method::kGetCustomer) {
      for (const std::string& name : *names_) {
        v1::GetCustomerRequest req;
        req.set_name(name);
        gets_.push_back(ToByteBuffer(req.SerializeAsString()));
      }
    }
  }

  // The i-th request of this worker.
  grpc::ByteBuffer Next(int64_t i) {
    switch (config_.method) {
      case Method::kHealth:
      case Method::kListCustomers:
        return fixed_;
      case Method::kGetCustomer: {
        // Workers start at different archives and walk through all of them.
        const uint64_t n = gets_.size();
        const uint64_t at = (static_cast<uint64_t>(worker_) * 7919u +
                             static_cast<uint64_t>(i) + config_.seed) %
                            n;
        return gets_[at];
      }
      case Method::kCreateCustomer:
        return ToByteBuffer(NewCustomer(i).SerializeAsString());
    }
    return fixed_;
  }

 private:
  v1::CreateCustomerRequest NewCustomer(int64_t i) {
    static constexpr const char* kRegions[] = {"110105", "310115", "440300",
                                               "330106", "510107", "420106"};
    static constexpr const char* kProvinces[] = {"北京市", "上海市", "广东省",
                                                 "浙江省", "四川省", "湖北省"};
    static constexpr const char* kCities[] = {"北京市", "上海市", "深圳市",
                                              "杭州市", "成都市", "武汉市"};
    const size_t r = static_cast<size_t>(rng_() % 6);
    const std::string key = absl::StrCat(config_.seed, "-", worker_, "-", i);
    v1::CreateCustomerRequest req;
    req.set_request_id(absl::StrCat("load-", key));
    v1::Customer& c = *req.mutable_customer();
    c.set_display_name(absl::StrCat("压测客户", key, "科技有限公司"));
    c.set_kind(v1::CUSTOMER_KIND_ENTERPRISE);
    c.set_credit_code(demo::MakeUscc('9', '1', kRegions[r], rng_));
    c.set_province(kProvinces[r]);
    c.set_city(kCities[r]);
    c.set_industry("软件和信息技术服务业");
    c.set_address(absl::StrCat(kCities[r], "科技园路", i % 997 + 1, "号"));
    c.set_legal_representative("李压测");
    c.set_business_scope("软件开发、技术服务");
    c.set_company_size("50-99人");
    c.set_acquisition_channel(v1::ACQUISITION_CHANNEL_WEB);
    c.set_team(config_.team);
    v1::Contact& contact = *c.add_contacts();
    contact.set_display_name("王测试");
    contact.set_title("采购经理");
    contact.add_phones(demo::MakeMobile(rng_));
    contact.set_email(absl::StrCat("buyer-", key, "@example.com"));
    contact.set_primary(true);
    return req;
  }

  const Config& config_;
  const int worker_;
  const std::vector<std::string>* names_;
  std::mt19937_64 rng_;
  grpc::ByteBuffer fixed_;
  std::vector<grpc::ByteBuffer> gets_;
};

struct WorkerResult {
  std::vector<int64_t> latencies_ns;  // measured calls
  std::array<int64_t, kCodes> codes{};
  Clock::time_point last_done{};
};

struct Shared {
  Clock::time_point measure_from;
  Clock::time_point stop_at;
  int64_t calls_limit = 0;
  std::atomic<int64_t> calls_started{0};
  std::mutex error_mu;
  std::array<bool, kCodes> error_reported{};
};

// One blocking call at a time, on its own completion queue.
void RunWorker(const Config& config, int worker,
               std::shared_ptr<grpc::Channel> channel,
               const std::vector<std::string>* names, Shared* shared,
               WorkerResult* result) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  RequestSource source(config, worker, names);
  const std::string path = GrpcPathOf(config.method);
  for (int64_t i = 0;; ++i) {
    const Clock::time_point start = Clock::now();
    if (start >= shared->stop_at) break;
    const bool measured = start >= shared->measure_from;
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
    // In duration mode a call that ends after the window is not counted.
    if (shared->calls_limit == 0 && done > shared->stop_at) break;
    result->latencies_ns.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(done - start)
            .count());
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

int Run(const Config& config) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < config.channels; ++i) {
    grpc::ChannelArguments args;
    // Different arguments and a private subchannel pool: each channel opens
    // its own connection instead of sharing one.
    args.SetInt("csm.load.channel", i);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.push_back(grpc::CreateCustomChannel(
        config.addr, grpc::InsecureChannelCredentials(), args));
  }
  for (auto& channel : channels) {
    if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                   std::chrono::seconds(5))) {
      std::cerr << "csm-load: cannot connect to " << config.addr << "\n";
      return 1;
    }
  }

  std::vector<std::string> names;
  if (config.method == Method::kGetCustomer) {
    auto listed = ListCustomerNames(config, channels[0]);
    if (!listed.ok()) {
      std::cerr << "csm-load: " << listed.status().message() << "\n";
      return 1;
    }
    names = *std::move(listed);
  }

  Shared shared;
  const Clock::time_point t0 = Clock::now();
  shared.measure_from = t0 + absl::ToChronoNanoseconds(config.warmup);
  shared.stop_at =
      shared.measure_from + absl::ToChronoNanoseconds(config.duration);
  shared.calls_limit = config.calls;

  std::vector<WorkerResult> results(config.concurrency);
  std::vector<std::thread> threads;
  threads.reserve(config.concurrency);
  for (int w = 0; w < config.concurrency; ++w) {
    threads.emplace_back(RunWorker, std::cref(config), w,
                         channels[w % config.channels], &names, &shared,
                         &results[w]);
  }
  for (std::thread& t : threads) t.join();

  std::vector<int64_t> latencies;
  std::array<int64_t, kCodes> codes{};
  Clock::time_point last_done = shared.measure_from;
  for (WorkerResult& r : results) {
    latencies.insert(latencies.end(), r.latencies_ns.begin(),
                     r.latencies_ns.end());
    for (int c = 0; c < kCodes; ++c) codes[c] += r.codes[c];
    last_done = std::max(last_done, r.last_done);
  }
  std::sort(latencies.begin(), latencies.end());
  // Duration mode: the window; --calls mode: until the last measured call.
  const double seconds =
      config.calls > 0
          ? std::chrono::duration<double>(last_done - shared.measure_from)
                .count()
          : absl::ToDoubleSeconds(config.duration);
  std::vector<std::string> errors;
  for (int c = 1; c < kCodes; ++c) {
    if (codes[c] == 0) continue;
    errors.push_back(
        absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(c)),
                     ":", codes[c]));
  }
  const int64_t ok = codes[0];
  std::cout << absl::StrFormat(
                   "method=%s concurrency=%d channels=%d seconds=%.2f "
                   "calls=%d ok=%d errors=%s qps=%.1f p50_ms=%.3f "
                   "p90_ms=%.3f p99_ms=%.3f",
                   config.method_name, config.concurrency, config.channels,
                   seconds, static_cast<int64_t>(latencies.size()), ok,
                   errors.empty() ? "0" : absl::StrJoin(errors, ","),
                   seconds > 0 ? ok / seconds : 0.0,
                   Percentile(latencies, 0.50), Percentile(latencies, 0.90),
                   Percentile(latencies, 0.99))
            << std::endl;
  return ok > 0 ? 0 : 1;
}

}  // namespace
}  // namespace csm::load

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "csm-load: bounded gRPC load against a csm service on loopback.\n"
      "  csm-load --method=get_customer --concurrency=16 --channels=4 "
      "--duration=10s\nPrints one line: method, concurrency, channels, "
      "calls, errors by code, QPS, p50/p90/p99 in ms.");
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
