#include "common/rpc.h"

#include <cppconn/exception.h>
#include <cxxabi.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/mysql_pool.h"
#include "common/status.h"
#include "common/uuid.h"

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

absl::string_view Metadata(const grpc::ServerContextBase& context,
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

std::string TypeName(const std::exception& e) {
  int rc = 0;
  char* demangled =
      abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &rc);
  std::string name =
      rc == 0 && demangled != nullptr ? demangled : typeid(e).name();
  std::free(demangled);
  return name;
}

// One line per call. Never the message: it may echo what the caller typed
// (a phone number in a filter); the class, the field paths and the MySQL
// error number say what went wrong without it.
void LogCall(absl::string_view method, absl::string_view staff_id,
             const absl::Status& status, double seconds) {
  const log::Level level =
      status.ok() ? log::Level::kInfo : LevelFor(status.code());
  // Production runs at warning: no per-call formatting for a dropped line.
  if (!log::Enabled(level)) return;
  const std::string duration_ms = absl::StrFormat("%.3f", seconds * 1e3);
  const std::string code(absl::StatusCodeToString(status.code()));
  log::FieldList fields = {{"method", method},
                           {"code", code},
                           {"duration_ms", duration_ms},
                           {"staff_id", staff_id}};
  const std::string error_class = ErrorClassOf(status);
  const std::string violation_fields = ViolationFieldsForLog(status);
  const int mysql_error = MysqlErrorCode(status);
  const std::string mysql_error_text = absl::StrCat(mysql_error);
  if (!error_class.empty()) fields.emplace_back("error_class", error_class);
  if (!violation_fields.empty())
    fields.emplace_back("fields", violation_fields);
  if (mysql_error != 0) fields.emplace_back("mysql_error", mysql_error_text);
  log::Write(level, "rpc", fields);
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
      gate_(options_.max_concurrent_calls, options_.max_queued_calls),
      verifier_(verifier),
      metrics_(metrics),
      clock_(clock != nullptr ? clock : &Clock::Real()) {}

absl::Status RpcRuntime::Begin(grpc::ServerContextBase* context,
                               absl::string_view method, RoleSet allowed,
                               Started* started) {
  started->started = std::chrono::steady_clock::now();
  CallContext& call = started->call;
  call.method = std::string(method);
  call.start = clock_->Now();
  const absl::string_view client_id = Metadata(*context, "x-request-id");
  call.request_id =
      ValidRequestId(client_id) ? std::string(client_id) : NewUuidV4();
  // Before anything is written, while initial metadata can still change.
  context->AddInitialMetadata("x-request-id", call.request_id);

  const absl::string_view authorization = Metadata(*context, "authorization");
  if (authorization.size() > kMaxAuthorizationBytes) {
    return WithErrorClass(
        absl::UnauthenticatedError(absl::StrCat(
            "the authorization header is ", authorization.size(),
            " bytes; at most ", kMaxAuthorizationBytes, " are accepted")),
        "token_too_large");
  }
  absl::string_view token;
  if (!BearerToken(authorization, &token)) {
    return WithErrorClass(absl::UnauthenticatedError("missing bearer token"),
                          "no_token");
  }
  if (verifier_ == nullptr) {
    return WithErrorClass(
        absl::UnauthenticatedError("server has no token verifier"),
        "no_verifier");
  }
  // Token expiry and deadlines are wall-clock facts; the injected clock is
  // the business clock (call.start) that domain rules read.
  const absl::Time wall_now = absl::Now();
  absl::StatusOr<Principal> principal = verifier_->Verify(token, wall_now);
  if (!principal.ok()) return principal.status();
  call.principal = *std::move(principal);
  if (absl::Status denied = RequireRole(call, allowed, method); !denied.ok()) {
    return WithErrorClass(std::move(denied), "role_denied");
  }

  // gRPC reports "no deadline" as the largest time_point.
  const auto client_deadline = context->deadline();
  call.deadline =
      client_deadline == std::chrono::system_clock::time_point::max()
          ? wall_now + options_.default_deadline
          : FromSystemClock(client_deadline);
  call.deadline = std::min(call.deadline, wall_now + options_.max_deadline);
  if (call.deadline <= wall_now) {
    return WithErrorClass(
        absl::DeadlineExceededError(
            "the call's deadline had passed before it started"),
        "deadline_passed");
  }
  return absl::OkStatus();
}

grpc::Status RpcRuntime::End(const Started& started,
                             const absl::Status& status) {
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - started.started)
                             .count();
  LogCall(started.call.method, started.call.principal.staff_id, status,
          seconds);
  if (metrics_ != nullptr) {
    metrics_->Observe(started.call.method,
                      static_cast<grpc::StatusCode>(status.code()), seconds);
  }
  return ToGrpcStatus(PublicStatus(status, started.call.request_id));
}

bool RpcRuntime::Drain(absl::Time deadline, absl::Duration quiet) {
  gate_.Close();
  return gate_.WaitDrained(deadline, quiet);
}

grpc::Status RpcRuntime::Handle(
    grpc::ServerContextBase* context, absl::string_view method, RoleSet allowed,
    absl::FunctionRef<absl::Status(const CallContext&)> body) {
  Started started;
  absl::Status status = Begin(context, method, allowed, &started);
  log::RequestIdScope request_id_scope(started.call.request_id);
  AdmissionGate::Slot slot;
  if (status.ok()) {
    status = gate_.Enter(started.call.deadline, &slot);
    if (!status.ok()) status = WithErrorClass(std::move(status), "admission");
  }
  if (status.ok()) {
    try {
      status = body(started.call);
    } catch (const sql::SQLException& e) {
      status = FromSqlException(e);
    } catch (const std::exception& e) {
      // The client learns nothing internal; the log only the exception's
      // type, since what() may quote request values.
      log::Error("unhandled exception",
                 {{"method", method}, {"type", TypeName(e)}});
      status = WithErrorClass(absl::InternalError("internal error"),
                              "unhandled_exception");
    } catch (...) {
      log::Error("unhandled non-standard exception", {{"method", method}});
      status = WithErrorClass(absl::InternalError("internal error"),
                              "unhandled_exception");
    }
  }
  return End(started, status);
}

absl::Status PublicStatus(const absl::Status& status,
                          absl::string_view request_id) {
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      // The request id travels in the x-request-id response header.
      return absl::Status(status.code(), "internal error");
    default:
      break;
  }
  if (MysqlErrorCode(status) == 0) return status;
  absl::string_view what;
  switch (status.code()) {
    case absl::StatusCode::kAlreadyExists:
      what = "the write conflicts with a record that already exists";
      break;
    case absl::StatusCode::kAborted:
      what = "the write conflicted with a concurrent one; retry";
      break;
    case absl::StatusCode::kUnavailable:
      what = "the database is unavailable; retry";
      break;
    default:
      what = "the database refused the request";
      break;
  }
  return absl::Status(status.code(),
                      absl::StrCat(what, " (request id ", request_id, ")"));
}

}  // namespace csm
