#include "tools/load_workers.h"

#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/csmctl_lib.h"
#include "tools/load_requests.h"

namespace csm::load {
namespace {

void SetUpContext(const Config& config, grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(config.timeout));
  if (!config.token.empty()) {
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", config.token));
  }
}

// When the next call is due: with --rate, the calls of all workers are
// one schedule from the start, and each slot goes to the first worker that
// is free (a slow call delays only itself, as with independent callers);
// without, at once.
Clock::time_point NextDueTime(const Config& config, Shared& shared) {
  if (config.rate <= 0) return Clock::now();
  const double slot = static_cast<double>(
      shared.next_slot.fetch_add(1, std::memory_order_relaxed));
  return shared.start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(slot / config.rate));
}

void Record(const Config& config, int64_t index, const grpc::Status& status,
            Clock::time_point due, Clock::time_point sent,
            Clock::time_point done, Shared* shared, WorkerResult* result) {
  const int64_t latency_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(done - due).count();
  result->latencies_ns.push_back(latency_ns);
  int code = static_cast<int>(status.error_code());
  if (code < 0 || code >= kCodes) code = grpc::StatusCode::UNKNOWN;
  if (!config.trace.empty()) {
    const int64_t late_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(sent - due)
            .count();
    result->traced.push_back({due, late_ns, latency_ns, code, index});
  }
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

// Unique per run (the seed) and call: the server logs it.
std::string TracedRequestId(const Config& config, size_t worker,
                            int64_t index) {
  return absl::StrCat("load-", config.requests.seed, "-", worker, "-", index);
}

double Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1] / 1e6;
}

}  // namespace

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

void RunWorker(const Config& config, int worker,
               std::shared_ptr<grpc::Channel> channel,
               const std::vector<std::string>* names, Shared* shared,
               WorkerResult* result) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  RequestSource source(config.requests, worker, names);
  const std::string path = GrpcPathOf(config.requests.method);
  for (int64_t i = 0;; ++i) {
    const Clock::time_point due = NextDueTime(config, *shared);
    if (due >= shared->stop_at) break;
    std::this_thread::sleep_until(due);
    const bool measured = due >= shared->measure_from;
    if (measured && shared->calls_limit > 0 &&
        shared->calls_started.fetch_add(1, std::memory_order_relaxed) >=
            shared->calls_limit) {
      break;
    }
    const Clock::time_point sent = Clock::now();
    grpc::ByteBuffer request = source.Next(i);
    grpc::ByteBuffer response;
    grpc::Status status;
    grpc::ClientContext ctx;
    SetUpContext(config, &ctx);
    // The server logs it (at info): a traced call lines up with its log line.
    if (!config.trace.empty()) {
      ctx.AddMetadata("x-request-id", TracedRequestId(config, worker, i));
    }
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
    Record(config, i, status, due, sent, done, shared, result);
  }
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
}

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

absl::Status WriteTrace(const Config& config,
                        const std::vector<WorkerResult>& results,
                        Clock::time_point start,
                        std::chrono::system_clock::time_point wall_start) {
  struct Line {
    TracedCall call;
    size_t worker;
  };
  std::vector<Line> lines;
  for (size_t w = 0; w < results.size(); ++w) {
    for (const TracedCall& c : results[w].traced) lines.push_back({c, w});
  }
  std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return a.call.due < b.call.due;
  });
  std::ofstream out(config.trace);
  if (!out)
    return absl::UnavailableError("cannot write --trace " + config.trace);
  for (const Line& l : lines) {
    const auto wall =
        wall_start +
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            l.call.due - start);
    out << std::chrono::duration_cast<std::chrono::microseconds>(
               wall.time_since_epoch())
               .count()
        << ' ' << l.call.latency_ns / 1000 << ' ' << l.call.code << ' '
        << TracedRequestId(config, l.worker, l.call.index) << ' '
        << l.call.late_ns / 1000 << '\n';
  }
  out.close();
  if (!out)
    return absl::UnavailableError("cannot write --trace " + config.trace);
  return absl::OkStatus();
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

}  // namespace csm::load
