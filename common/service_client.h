// The client side of a call from one csm service to another (complaint-svc
// asking customer-svc about a customer, reporting-svc following event
// streams). One place decides how such calls behave, so every caller
// returns by its own deadline whatever the other service does:
//   - one channel, round_robin over every address the target resolves to
//     ("dns:///customer-svc-headless:50051" in Kubernetes), gRPC's own
//     retries off, its reconnect backoff capped at 1 s (the default grows to
//     120 s and would keep refusing calls for minutes after a restart);
//   - each attempt gets min(time left of the caller's deadline,
//     per_attempt_timeout);
//   - UNAVAILABLE, RESOURCE_EXHAUSTED and an attempt's own DEADLINE_EXCEEDED
//     are retried after a jittered backoff, at most max_attempts in all, and
//     never when the backoff would reach the caller's deadline;
//   - a service token the client mints itself with the shared JWT secret
//     (staff `self`, role service), minted again `token_refresh_before` its
//     expiry by wall time, not an injected business clock, because the
//     other service checks "exp" against its own real clock.
// Log lines carry codes, never the other service's messages (they may quote
// what the caller sent).
#ifndef CSM_COMMON_SERVICE_CLIENT_H_
#define CSM_COMMON_SERVICE_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace csm {

struct ServiceClientOptions {
  // gRPC target of the other service: "host:port" or "dns:///name:port".
  std::string target = "127.0.0.1:50051";
  // Who is called and who calls, for messages, logs and the token's "sub":
  // "customer-svc", "complaint-svc".
  std::string peer;
  std::string self;
  // The shared HS256 secret and issuer of bearer tokens.
  std::string jwt_secret;
  std::string jwt_issuer;
  absl::Duration token_ttl = absl::Minutes(10);
  absl::Duration token_refresh_before = absl::Minutes(1);
  int max_attempts = 3;
  absl::Duration per_attempt_timeout = absl::Seconds(2);
  absl::Duration min_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Milliseconds(200);
};

// Thread-safe; one per peer service, shared by every call to it.
class ServiceClient {
 public:
  explicit ServiceClient(ServiceClientOptions options);

  // The channel, for making the peer's stubs.
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const ServiceClientOptions& options() const { return options_; }

  // Runs `attempt` (one unary call on the given context, which carries the
  // token and the attempt's deadline) under the policy above; `method`
  // ("GetCustomer") names it in logs and messages. OK, or the last answer's
  // status (FromGrpcStatus: code, details) with its message prefixed
  // "<peer> <method>: " and suffixed " (N attempts to <target>)";
  // DEADLINE_EXCEEDED without an attempt when `deadline` has passed;
  // INTERNAL when the service token cannot be minted.
  absl::Status Call(
      absl::string_view method, absl::Time deadline,
      absl::FunctionRef<grpc::Status(grpc::ClientContext&)> attempt);

  // For calls the policy does not fit (server streams): a context with the
  // current token and `deadline` (none when it is InfiniteFuture()).
  absl::StatusOr<std::unique_ptr<grpc::ClientContext>> NewContext(
      absl::Time deadline);

  // Attempts made since construction (tests, metrics).
  int64_t attempts() const { return attempts_.load(); }

 private:
  // The current service token, minted again before it expires.
  absl::StatusOr<std::string> Token();

  const ServiceClientOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;
  std::atomic<int64_t> attempts_{0};
  std::mutex token_mu_;
  std::string token_;
  absl::Time token_expiry_ = absl::InfinitePast();
};

}  // namespace csm

#endif  // CSM_COMMON_SERVICE_CLIENT_H_
