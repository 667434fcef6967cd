#ifndef CSM_COMMON_RPC_H_
#define CSM_COMMON_RPC_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/admission.h"
#include "common/auth.h"
#include "common/call_context.h"
#include "common/clock.h"

namespace prometheus {
class Registry;
}

namespace csm {

// Per-method request counts (grpc_server_handled_total{grpc_method,
// grpc_code}) and latency histograms (grpc_server_handling_seconds).
class RpcMetrics {
 public:
  RpcMetrics(prometheus::Registry& registry, absl::string_view service);
  ~RpcMetrics();
  void Observe(absl::string_view method, grpc::StatusCode code, double seconds);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Bearer tokens are a few hundred bytes; a longer authorization header is
// refused (UNAUTHENTICATED) before it is parsed. Well below the server's
// metadata limit (kMaxRequestMetadataBytes), so such a call fails alone.
inline constexpr size_t kMaxAuthorizationBytes = 8 << 10;

struct RpcRuntimeOptions {
  std::string service;  // "customer-svc"
  absl::Duration default_deadline = absl::Seconds(10);
  absl::Duration max_deadline = absl::Seconds(60);
  // Unary calls whose bodies run at once; more wait in a queue of at most
  // max_queued_calls (common/admission.h). ServiceHost gives gRPC threads
  // for both (ServerOptions::max_threads).
  int max_concurrent_calls = 64;
  int max_queued_calls = 256;
};

// The edge every handler goes through: authentication (bearer token),
// role check, deadline, request id, structured log line, metrics, and the
// one absl::Status -> grpc::Status mapping (PublicStatus, then
// ToGrpcStatus). Exceptions escaping the body (Connector/C++ throws) are
// mapped too, never crash the server.
class RpcRuntime {
 public:
  // `metrics` may be null (tests).
  RpcRuntime(RpcRuntimeOptions options, const TokenVerifier* verifier,
             RpcMetrics* metrics, const Clock* clock);

  // UNAUTHENTICATED without a valid token (or with an authorization header
  // over kMaxAuthorizationBytes); PERMISSION_DENIED naming the roles the
  // method needs when the caller has none of `allowed`.
  //
  // Unary calls first pass the admission gate (AdmissionGate, options
  // max_concurrent_calls and max_queued_calls): they wait for a free slot
  // within their deadline (DEADLINE_EXCEEDED past it), and a call that
  // finds the queue full is RESOURCE_EXHAUSTED at once.
  grpc::Status Handle(grpc::ServerContextBase* context,
                      absl::string_view method, RoleSet allowed,
                      absl::FunctionRef<absl::Status(const CallContext&)> body);

  // The same edge split in two, for calls whose body does not run in one
  // go on one thread (callback streams): Begin authenticates, checks the
  // role and the deadline and fills `call` (its start and request id even
  // on failure); End logs the call, counts it and maps the status. Not
  // gated: a stream holds no slot.
  struct Started {
    CallContext call;
    std::chrono::steady_clock::time_point started;
  };
  absl::Status Begin(grpc::ServerContextBase* context, absl::string_view method,
                     RoleSet allowed, Started* started);
  grpc::Status End(const Started& started, const absl::Status& status);

  const Clock& clock() const { return *clock_; }
  const RpcRuntimeOptions& options() const { return options_; }
  // Unary calls running and waiting for a slot now.
  int running_calls() const { return gate_.running(); }
  int queued_calls() const { return gate_.queued(); }

  // Shutdown, before gRPC's: new unary calls get UNAVAILABLE ("did not
  // run"); waits until the admitted ones have finished and none has
  // arrived for `quiet`, or until `deadline` (AdmissionGate::WaitDrained).
  bool Drain(absl::Time deadline, absl::Duration quiet);

 private:
  RpcRuntimeOptions options_;
  AdmissionGate gate_;
  const TokenVerifier* verifier_;
  RpcMetrics* metrics_;
  const Clock* clock_;
};

// What the caller may see of a failed call's status. A server fault
// (INTERNAL, UNKNOWN, DATA_LOSS) becomes "internal error" without details
// (the request id to quote is in the x-request-id response header): its
// message may carry MySQL's text ("Duplicate entry '91350...'") or an
// exception's. Any other status that carries a MySQL error number
// (common/mysql_pool.h) keeps its code but gets a fixed message naming the
// request id in place of the server's text. The log line keeps the code, the
// error class and the MySQL error number; the text goes nowhere.
absl::Status PublicStatus(const absl::Status& status,
                          absl::string_view request_id);

}  // namespace csm

#endif  // CSM_COMMON_RPC_H_
