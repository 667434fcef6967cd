#include "common/rpc.h"

#include <cppconn/exception.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "common/mysql_pool.h"
#include "common/status.h"

namespace csm {
namespace {

constexpr int kNumCodes = 17;  // OK .. UNAUTHENTICATED

// Spelled as go-grpc-prometheus does, so the usual dashboards and alerts
// for grpc_server_handled_total work unchanged.
constexpr std::array<const char*, kNumCodes> kMetricCodeNames = {
    "OK",
    "Canceled",
    "Unknown",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "Unauthenticated"};

int CodeIndex(grpc::StatusCode code) {
  const int i = static_cast<int>(code);
  return (i >= 0 && i < kNumCodes) ? i : static_cast<int>(grpc::UNKNOWN);
}

// 0.5 ms .. 10 s: a primary-key read is around a millisecond here, and the
// default deadline is 10 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *kBuckets;
}

constexpr size_t kMaxRequestIdLength = 128;

bool ValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  // Printable ASCII without spaces: safe in logs, metadata and SQL columns.
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::string NewUuidV4() {
  thread_local absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen);
  uint64_t lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & ~uint64_t{0xf000}) | 0x4000;                      // version 4
  lo = (lo & ~(uint64_t{0xc} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32,
                         (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                         lo & 0xffffffffffffu);
}

absl::string_view Metadata(const grpc::ServerContext& context,
                           absl::string_view key) {
  const auto& md = context.client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return {};
  return absl::string_view(it->second.data(), it->second.size());
}

// "Bearer <token>", scheme case-insensitive (RFC 7235).
bool BearerToken(absl::string_view header, absl::string_view* token) {
  absl::string_view h = absl::StripAsciiWhitespace(header);
  constexpr absl::string_view kScheme = "bearer";
  if (h.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(h.substr(0, kScheme.size()), kScheme) ||
      !absl::ascii_isspace(static_cast<unsigned char>(h[kScheme.size()]))) {
    return false;
  }
  absl::string_view t =
      absl::StripLeadingAsciiWhitespace(h.substr(kScheme.size()));
  if (t.empty()) return false;
  *token = t;
  return true;
}

std::string RoleError(absl::string_view what, RoleSet needed,
                      const Principal& caller) {
  return absl::StrCat(what, " needs one of roles [", needed.ToString(),
                      "]; caller ", caller.staff_id, " has [",
                      caller.roles.ToString(), "]");
}

absl::Time FromSystemClock(std::chrono::system_clock::time_point tp) {
  return absl::FromUnixMicros(
      std::chrono::duration_cast<std::chrono::microseconds>(
          tp.time_since_epoch())
          .count());
}

log::Level LevelFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      return log::Level::kWarning;
    default:
      return log::Level::kInfo;
  }
}

}  // namespace

struct RpcMetrics::Impl {
  struct PerMethod {
    prometheus::Histogram* seconds = nullptr;
    std::array<prometheus::Counter*, kNumCodes> handled{};
  };

  Impl(prometheus::Registry& registry, absl::string_view service_name)
      : service(service_name),
        handled(prometheus::BuildCounter()
                    .Name("grpc_server_handled_total")
                    .Help("RPCs completed on the server, by method and code.")
                    .Register(registry)),
        seconds(prometheus::BuildHistogram()
                    .Name("grpc_server_handling_seconds")
                    .Help("Latency of RPCs handled by the server.")
                    .Register(registry)) {}

  std::string service;
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Histogram>& seconds;
  // Family::Add hashes the label set each time; the pointers it returns are
  // stable, so look them up once per (method, code).
  std::mutex mu;
  std::map<std::string, PerMethod, std::less<>> methods;
};

RpcMetrics::RpcMetrics(prometheus::Registry& registry,
                       absl::string_view service)
    : impl_(std::make_unique<Impl>(registry, service)) {}

RpcMetrics::~RpcMetrics() = default;

void RpcMetrics::Observe(absl::string_view method, grpc::StatusCode code,
                         double seconds) {
  const int code_index = CodeIndex(code);
  prometheus::Counter* counter;
  prometheus::Histogram* histogram;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->methods.find(method);
    if (it == impl_->methods.end()) {
      it = impl_->methods.emplace(std::string(method), Impl::PerMethod{}).first;
      it->second.seconds =
          &impl_->seconds.Add({{"grpc_service", impl_->service},
                               {"grpc_method", std::string(method)}},
                              LatencyBuckets());
    }
    Impl::PerMethod& per = it->second;
    if (per.handled[code_index] == nullptr) {
      per.handled[code_index] =
          &impl_->handled.Add({{"grpc_service", impl_->service},
                               {"grpc_method", std::string(method)},
                               {"grpc_code", kMetricCodeNames[code_index]}});
    }
    counter = per.handled[code_index];
    histogram = per.seconds;
  }
  // Counters and histograms are thread-safe themselves.
  counter->Increment();
  histogram->Observe(seconds);
}

RpcRuntime::RpcRuntime(RpcRuntimeOptions options, const TokenVerifier* verifier,
                       RpcMetrics* metrics, const Clock* clock)
    : options_(std::move(options)),
      verifier_(verifier),
      metrics_(metrics),
      clock_(clock != nullptr ? clock : &Clock::Real()) {}

grpc::Status RpcRuntime::Handle(
    grpc::ServerContext* context, absl::string_view method, RoleSet allowed,
    absl::FunctionRef<absl::Status(const CallContext&)> body) {
  const auto started = std::chrono::steady_clock::now();

  CallContext call;
  call.method = std::string(method);
  call.start = clock_->Now();
  const absl::string_view client_id = Metadata(*context, "x-request-id");
  call.request_id =
      ValidRequestId(client_id) ? std::string(client_id) : NewUuidV4();
  // Before anything is written, while initial metadata can still change.
  context->AddInitialMetadata("x-request-id", call.request_id);
  log::RequestIdScope request_id_scope(call.request_id);

  const absl::Status status = [&]() -> absl::Status {
    absl::string_view token;
    if (!BearerToken(Metadata(*context, "authorization"), &token)) {
      return absl::UnauthenticatedError("missing bearer token");
    }
    if (verifier_ == nullptr) {
      return absl::UnauthenticatedError("server has no token verifier");
    }
    // Token expiry and deadlines are wall-clock facts; the injected clock is
    // the business clock (call.start) that domain rules read.
    const absl::Time wall_now = absl::Now();
    absl::StatusOr<Principal> principal = verifier_->Verify(token, wall_now);
    if (!principal.ok()) return principal.status();
    call.principal = *std::move(principal);
    if (!call.principal.roles.Intersects(allowed)) {
      return absl::PermissionDeniedError(
          RoleError(method, allowed, call.principal));
    }

    // gRPC reports "no deadline" as the largest time_point.
    const auto client_deadline = context->deadline();
    call.deadline =
        client_deadline == std::chrono::system_clock::time_point::max()
            ? wall_now + options_.default_deadline
            : FromSystemClock(client_deadline);
    call.deadline = std::min(call.deadline, wall_now + options_.max_deadline);
    if (call.deadline <= wall_now) {
      return absl::DeadlineExceededError(
          "the call's deadline had passed before it started");
    }

    try {
      return body(call);
    } catch (const sql::SQLException& e) {
      return FromSqlException(e);
    } catch (const std::exception& e) {
      // Details stay in the log; the client learns nothing internal.
      log::Error("unhandled exception",
                 {{"method", method}, {"what", e.what()}});
      return absl::InternalError("internal error");
    } catch (...) {
      log::Error("unhandled non-standard exception", {{"method", method}});
      return absl::InternalError("internal error");
    }
  }();

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  const std::string duration_ms = absl::StrFormat("%.3f", seconds * 1e3);
  const std::string code(absl::StatusCodeToString(status.code()));
  if (status.ok()) {
    log::Write(log::Level::kInfo, "rpc",
               {{"method", method},
                {"code", code},
                {"duration_ms", duration_ms},
                {"staff_id", call.principal.staff_id}});
  } else {
    log::Write(LevelFor(status.code()), "rpc",
               {{"method", method},
                {"code", code},
                {"duration_ms", duration_ms},
                {"staff_id", call.principal.staff_id},
                {"error", status.message()}});
  }
  if (metrics_ != nullptr) {
    metrics_->Observe(method, static_cast<grpc::StatusCode>(status.code()),
                      seconds);
  }
  return ToGrpcStatus(status);
}

absl::Status RequireRole(const CallContext& call, RoleSet roles,
                         absl::string_view what) {
  if (call.principal.roles.Intersects(roles)) return absl::OkStatus();
  return absl::PermissionDeniedError(RoleError(what, roles, call.principal));
}

}  // namespace csm
